"""Logging in and out: one test per kind of bad input, and sessions that logout really ends."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pyotp
import pytest
from argon2 import PasswordHasher
from flask import Blueprint
from sqlalchemy import select

from quiz_service import create_app
from quiz_service.auth.views import GENERIC_LOGIN_ERROR, login_required
from quiz_service.models import Gebruiker, Organisatie
from quiz_service.passwords import hash_password, verify_password
from quiz_service.security import SERVICE_CSP
from tests.academie import SECOND_STEP_ROLES, close_app, pass_second_step
from tests.conftest import BufferedClient

PASSWORD = "Verzonnen-wachtwoord-42"

# Routes only these tests have, to try the `login_required` decorator.
probe = Blueprint("probe", __name__)


@probe.route("/test/alleen-ingelogd")
@login_required()
def any_account():
    return "binnen"


@probe.route("/test/alleen-teamleider")
@login_required("teamleider", "beheerder")
def teamleider_only():
    return "teamleiders"


@pytest.fixture
def make_app(db, tmp_path):
    """A factory for apps on the module's database; their engines are closed afterwards."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<!doctype html><html lang="nl"><p>Portal', "utf-8")
    apps = []

    def make(**config):
        app = create_app({"TESTING": True, "DATABASE_URL": db.url, "SITE_DIR": str(site), **config})
        app.register_blueprint(probe)
        app.test_client_class = BufferedClient
        apps.append(app)
        return app

    yield make
    # Unclosed PostgreSQL connections would end the test run with a ResourceWarning.
    for app in apps:
        close_app(app)


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(db):
    """A factory: an account with a fresh, fictional e-mail address and PASSWORD."""

    def make(role="mantelzorger", password_hash=None, **fields):
        if role in SECOND_STEP_ROLES:  # set up already, as in tests.academie.new_account
            fields.setdefault("totp_secret", pyotp.random_base32())
            fields.setdefault("totp_confirmed_at", datetime.now(UTC))
        with db.session() as session:
            user = Gebruiker(
                email=f"{uuid.uuid4().hex[:10]}@verzonnen.example",
                password_hash=password_hash or hash_password(PASSWORD),
                role=role,
                display_name="Verzonnen Persoon",
                **fields,
            )
            session.add(user)
            session.commit()
            return user

    return make


def csrf_token(client, path="/inloggen") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def log_in(client, email, password=PASSWORD, **extra):
    """The answer to the login form; for a role with a second step, the answer to its code."""
    data = {"email": email, "password": password, "csrf_token": csrf_token(client), **extra}
    response = client.post("/inloggen", data=data)
    if response.status_code == 302 and response.headers["Location"] == "/inloggen/code":
        return pass_second_step(client, email)
    return response


def log_out(client):
    return client.post("/uitloggen", data={"csrf_token": csrf_token(client)})


def signed_in(client) -> bool:
    return client.get("/test/alleen-ingelogd").status_code == 200


# --- The login page ---


def test_the_login_form_is_labelled_and_lets_password_managers_fill_it(client):
    response = client.get("/inloggen")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<label for="email">E-mailadres</label>' in page
    assert '<label for="password">Wachtwoord</label>' in page
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page
    assert 'name="csrf_token"' in page
    assert "onpaste" not in page, "plakken moet kunnen (wachtwoordbeheerders)"
    assert "<script" not in page


def test_a_right_password_logs_in_and_goes_back_to_the_page_asked_for(client, make_user):
    user = make_user()
    assert client.get("/test/alleen-ingelogd").status_code == 302
    response = log_in(client, user.email.upper(), volgende="/test/alleen-ingelogd")
    assert response.status_code == 302
    assert response.headers["Location"] == "/test/alleen-ingelogd"
    assert signed_in(client)
    assert "Ingelogd als Verzonnen Persoon" in client.get("/inloggen").get_data(as_text=True)


def test_after_login_the_page_never_redirects_to_another_site(client, make_user):
    user = make_user()
    for target in ("//kwaad.example/", "https://kwaad.example/", "/\\kwaad.example"):
        response = log_in(client, user.email, volgende=target)
        assert response.headers["Location"] == "/", target


def test_an_outdated_hash_is_replaced_at_login(client, make_user, db):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    user = make_user(password_hash=weak)
    assert log_in(client, user.email).status_code == 302
    with db.session() as session:
        new_hash = session.get(Gebruiker, user.id).password_hash
    assert new_hash != weak
    assert verify_password(new_hash, PASSWORD)


# --- Bad input, one class per test ---


def test_a_wrong_password_gives_a_general_message_and_keeps_the_email(client, make_user):
    user = make_user()
    response = log_in(client, user.email, password="Niet-het-goede-wachtwoord")
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert GENERIC_LOGIN_ERROR in page
    assert f'value="{user.email}"' in page
    assert "Niet-het-goede-wachtwoord" not in page
    assert not signed_in(client)


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(client, make_user):
    user = make_user()
    wrong_password = log_in(client, user.email, password="Niet-het-goede-wachtwoord")
    unknown = log_in(client, "niemand@verzonnen.example")
    assert unknown.status_code == wrong_password.status_code == 401
    assert GENERIC_LOGIN_ERROR in unknown.get_data(as_text=True)
    assert "niemand@verzonnen.example" in unknown.get_data(as_text=True)
    assert "bestaat niet" not in unknown.get_data(as_text=True)


def test_a_missing_field_is_a_bad_request_with_a_dutch_message(client):
    response = client.post(
        "/inloggen", data={"email": "iemand@verzonnen.example", "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Vul uw wachtwoord in." in page
    assert 'href="#password"' in page, "de foutmelding linkt naar het veld"
    assert 'aria-invalid="true"' in page
    assert 'value="iemand@verzonnen.example"' in page


def test_a_malformed_email_is_a_bad_request(client):
    response = log_in(client, "geen-e-mailadres")
    assert response.status_code == 400
    assert "Dit is geen goed e-mailadres" in response.get_data(as_text=True)


def test_a_post_without_csrf_token_is_refused_with_a_dutch_page(client, make_user):
    user = make_user()
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Formulier verlopen" in page
    assert not signed_in(client)


def test_logout_without_csrf_token_is_refused(client, make_user):
    user = make_user()
    log_in(client, user.email)
    assert client.post("/uitloggen").status_code == 400
    assert signed_in(client)


def test_logout_is_not_possible_with_a_get(client, make_user):
    # A link or an <img> on another site must not log anyone out.
    log_in(client, make_user().email)
    assert client.get("/uitloggen").status_code in (404, 405)
    assert signed_in(client)


def test_too_many_failed_logins_for_one_email_are_refused(make_app, make_user):
    app = make_app(LOGIN_LIMIT_PER_EMAIL="3 per minute")
    client = app.test_client()
    user = make_user()
    for _ in range(3):
        assert log_in(client, user.email, password="fout-fout-fout").status_code == 401
    response = log_in(client, user.email)  # even the right password waits now
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Te veel pogingen" in page
    # Another address from the same IP address is not blocked by this limit.
    assert log_in(client, make_user().email).status_code == 302


def test_too_many_failed_logins_from_one_ip_address_are_refused(make_app, make_user):
    app = make_app(LOGIN_LIMIT_PER_IP="3 per hour")
    client = app.test_client()
    for number in range(3):
        assert log_in(client, f"onbekend{number}@verzonnen.example").status_code == 401
    assert log_in(client, make_user().email).status_code == 429


def test_successful_logins_do_not_count_towards_the_limit(make_app, make_user):
    # Colleagues behind one office IP address must not lock each other out.
    app = make_app(LOGIN_LIMIT_PER_IP="2 per hour")
    client = app.test_client()
    for _ in range(4):
        assert log_in(client, make_user().email).status_code == 302


# --- Sessions that logout ends ---


def test_a_copied_cookie_stops_working_after_logout(app, client, make_user):
    user = make_user()
    log_in(client, user.email)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert signed_in(copy)
    assert log_out(client).status_code == 302
    assert not signed_in(client)
    assert not signed_in(copy), "een gekopieerde cookie werkt na uitloggen niet meer"


def test_logging_out_says_so(client, make_user):
    log_in(client, make_user().email)
    response = log_out(client)
    assert response.headers["Location"] == "/inloggen"
    assert "U bent uitgelogd." in client.get("/inloggen").get_data(as_text=True)


def test_a_deleted_account_cannot_log_in_and_its_sessions_end(client, make_user, db):
    user = make_user()
    log_in(client, user.email)
    assert signed_in(client)
    with db.session() as session:
        session.get(Gebruiker, user.id).deleted_at = datetime.now(UTC)
        session.commit()
    assert not signed_in(client)
    response = log_in(client, user.email)
    assert response.status_code == 401
    assert GENERIC_LOGIN_ERROR in response.get_data(as_text=True)


def test_a_tampered_cookie_is_not_a_session(app, make_user):
    user = make_user()
    client = app.test_client()
    with client.session_transaction() as session:
        session["uid"] = user.id
        session["epoch"] = 0
        session["login_at"] = session["seen_at"] = int(datetime.now(UTC).timestamp())
    assert signed_in(client)  # a validly signed cookie works ...
    forged = app.test_client()
    forged.set_cookie("session", client.get_cookie("session").value[:-2] + "xx")
    assert not signed_in(forged)  # ... one with a broken signature does not


# --- Roles ---


def test_login_required_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/test/alleen-teamleider")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen?volgende=/test/alleen-teamleider"


def test_login_required_with_roles_refuses_other_roles(client, make_user):
    log_in(client, make_user(role="medewerker").email)
    response = client.get("/test/alleen-teamleider")
    assert response.status_code == 403
    assert "Geen toegang" in response.get_data(as_text=True)


def test_login_required_with_roles_lets_those_roles_in(client, make_user):
    log_in(client, make_user(role="teamleider").email)
    assert client.get("/test/alleen-teamleider").get_data(as_text=True) == "teamleiders"


def test_login_required_refuses_a_role_that_does_not_exist():
    with pytest.raises(ValueError, match="Onbekende rol"):
        login_required("koning")


# --- Cookies and headers ---


def test_the_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    response = log_in(client, make_user().email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # tests run on http://


def test_the_session_cookie_is_secure_outside_tests(make_app, make_user, monkeypatch):
    monkeypatch.delenv("MZA_HTTPS", raising=False)
    app = make_app(TESTING=False, SECRET_KEY="verzonnen-" * 4)
    client = app.test_client()
    response = log_in(client, make_user().email)
    assert "Secure" in response.headers["Set-Cookie"]


def cookie_attributes(set_cookie: str) -> tuple[str, dict[str, str]]:
    """The name of a Set-Cookie header and its attributes, names in lower case."""
    first, *rest = [part.strip() for part in set_cookie.split(";")]
    attributes = {}
    for part in rest:
        key, _, value = part.partition("=")
        attributes[key.lower()] = value
    return first.partition("=")[0], attributes


def test_on_https_the_session_cookie_has_the_host_prefix(make_app, make_user, monkeypatch):
    # ASVS 5.0 V3.3.1: __Host- makes the browser insist on Secure, Path=/ and no Domain.
    monkeypatch.setenv("MZA_HTTPS", "1")
    app = make_app(TESTING=False, SECRET_KEY="verzonnen-" * 4)
    response = log_in(app.test_client(), make_user().email)
    name, attributes = cookie_attributes(response.headers["Set-Cookie"])
    assert name == "__Host-session"
    assert "secure" in attributes and "httponly" in attributes
    assert attributes["path"] == "/"
    assert "domain" not in attributes
    assert attributes["samesite"] == "Lax"


def test_on_plain_http_the_session_cookie_keeps_its_plain_name(make_app, make_user, monkeypatch):
    # Browsers drop a __Host- cookie that is not Secure, so without https it has no prefix.
    monkeypatch.setenv("MZA_HTTPS", "0")
    app = make_app(TESTING=False, SECRET_KEY="verzonnen-" * 4)
    client = app.test_client()
    response = log_in(client, make_user().email)
    name, attributes = cookie_attributes(response.headers["Set-Cookie"])
    assert name == "session"
    assert "secure" not in attributes
    assert signed_in(client)


def test_service_pages_have_a_strict_csp_and_the_portal_keeps_its_headers(client):
    login = client.get("/inloggen")
    assert login.headers["Content-Security-Policy"] == SERVICE_CSP
    assert "unsafe-inline" not in SERVICE_CSP
    assert login.headers["X-Frame-Options"] == "DENY"
    assert login.headers["Cache-Control"] == "no-store"
    portal = client.get("/")
    assert "'unsafe-inline'" not in portal.headers["Content-Security-Policy"]
    assert portal.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "Set-Cookie" not in portal.headers


def test_without_a_secret_key_setting_one_is_made_once_and_kept(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from quiz_service.security import SECRET_KEY_FILE, _secret_key

    monkeypatch.delenv("MZA_SECRET_KEY", raising=False)
    app = SimpleNamespace(testing=False, instance_path=str(tmp_path / "instance"))
    first = _secret_key(app)
    assert len(first) >= 64
    assert _secret_key(app) == first, "dezelfde sleutel na een herstart"
    assert (tmp_path / "instance" / SECRET_KEY_FILE).stat().st_mode & 0o077 == 0


def test_workers_starting_together_all_get_the_one_key_that_was_kept(tmp_path, monkeypatch):
    """With MZA_WERKPROCESSEN=2 both workers make the key at the same moment: a cookie signed by
    one must be valid in the other, so neither may read an empty or half-written key file."""
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    from quiz_service.security import SECRET_KEY_FILE, _secret_key

    monkeypatch.delenv("MZA_SECRET_KEY", raising=False)
    starting = threading.Barrier(16)

    def start_worker(number: int) -> str:
        app = SimpleNamespace(testing=False, instance_path=str(tmp_path / "instance"))
        starting.wait()
        return _secret_key(app)

    with ThreadPoolExecutor(16) as pool:
        keys = set(pool.map(start_worker, range(16)))
    kept = (tmp_path / "instance" / SECRET_KEY_FILE).read_text()
    assert keys == {kept} and len(kept) >= 64
    assert [p.name for p in (tmp_path / "instance").iterdir()] == [SECRET_KEY_FILE]


# --- Registration and joining an organisation ---


def register(client, **fields):
    data = {
        "display_name": "Verzonnen Mantelzorger",
        "email": f"{uuid.uuid4().hex[:10]}@verzonnen.example",
        "password": "fiets regen koffie zomer",
        "csrf_token": csrf_token(client, "/registreren"),
        **fields,
    }
    return client.post("/registreren", data=data)


def test_the_registration_form_asks_for_a_new_password(client):
    page = client.get("/registreren").get_data(as_text=True)
    assert 'autocomplete="new-password"' in page
    assert 'autocomplete="email"' in page
    assert 'autocomplete="name"' in page
    assert "Minstens 12 tekens" in page


def test_registering_makes_a_mantelzorger_and_logs_in(client, db):
    response = register(client, email="Nieuw.Persoon@Verzonnen.example")
    assert response.status_code == 302
    assert signed_in(client)
    with db.session() as session:
        user = session.scalars(
            select(Gebruiker).where(Gebruiker.email == "nieuw.persoon@verzonnen.example")
        ).one()
    assert user.role == "mantelzorger"
    assert user.password_hash.startswith("$argon2id$")


def test_a_short_password_is_refused_with_the_rule(client):
    response = register(client, password="kort-wachtw")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Gebruik minstens 12 tekens" in page
    assert 'href="#password"' in page
    assert not signed_in(client)


def test_registering_an_address_twice_is_a_conflict(client, make_user):
    user = make_user()
    response = register(client, email=user.email.upper())
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Er is al een account met dit e-mailadres" in page
    assert 'value="Verzonnen Mantelzorger"' in page


def test_a_registration_without_a_name_is_a_bad_request(client):
    response = register(client, display_name="")
    assert response.status_code == 400
    assert "Vul uw naam in." in response.get_data(as_text=True)


@pytest.fixture
def organisatie(db):
    with db.session() as session:
        org = Organisatie(
            naam=f"Verzonnen Zorg {uuid.uuid4().hex[:6]}", invite_code=uuid.uuid4().hex
        )
        session.add(org)
        session.commit()
        return org


def join(client, code):
    data = {"invite_code": code, "csrf_token": csrf_token(client, "/aansluiten")}
    return client.post("/aansluiten", data=data)


def test_a_mantelzorger_joins_an_organisation_as_medewerker(client, make_user, organisatie, db):
    user = make_user()
    log_in(client, user.email)
    response = join(client, f"  {organisatie.invite_code} ")
    assert response.status_code == 302
    with db.session() as session:
        joined = session.get(Gebruiker, user.id)
    assert (joined.role, joined.organisatie_id) == ("medewerker", organisatie.id)
    assert organisatie.naam in client.get("/inloggen").get_data(as_text=True)


def test_joining_needs_an_account(client):
    assert client.get("/aansluiten").status_code == 302


def test_a_wrong_invite_code_is_refused_and_kept(client, make_user):
    log_in(client, make_user().email)
    response = join(client, "verkeerde-code")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Deze code kennen we niet" in page
    assert 'value="verkeerde-code"' in page


def test_someone_in_an_organisation_cannot_join_another(client, make_user, organisatie):
    log_in(client, make_user().email)
    join(client, organisatie.invite_code)
    response = join(client, organisatie.invite_code)
    assert response.status_code == 409
    assert "U hoort al bij" in response.get_data(as_text=True)


def test_guessing_invite_codes_is_rate_limited(make_app, make_user):
    client = make_app(LOGIN_LIMIT_PER_IP="2 per hour").test_client()
    log_in(client, make_user().email)
    for _ in range(2):
        assert join(client, "verkeerde-code").status_code == 400
    assert join(client, "verkeerde-code").status_code == 429
