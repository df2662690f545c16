"""Security checks that walk the whole service (ASVS 5.0 level 2, see SECURITY.md).

Headers and CSRF are checked on every URL rule of `app.url_map`, so a new route is covered
without anyone remembering to add it. Route arguments get plausible dummy values: most such
requests end in 404 or a redirect to the login page, and those answers need the headers too.
"""

from __future__ import annotations

import re
import subprocess
import uuid
from pathlib import Path

import pytest
from flask import url_for
from markupsafe import escape
from werkzeug.routing import IntegerConverter

from quiz_service.accounts import MIN_PASSWORD_LENGTH, password_problem
from quiz_service.models import Gebruiker
from quiz_service.passwords import CONTEXT_WORDS, GUESSABLE
from quiz_service.security import MAX_REQUEST_BYTES
from tests.academie import (
    PASSWORD,
    csrf_token,
    log_in,
    new_account,
    new_organisation,
    new_team,
    signed_in,
)
from tests.bijeenkomsten import app_config, new_meeting

ROOT = Path(__file__).resolve().parent.parent

# The static portal (mkdocs-material) carries inline scripts, so it has no strict CSP yet
# (SECURITY.md, item 25). Only its catch-all rule may answer without one.
PORTAL_ENDPOINT = "portal.page"
STRICT = ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'")


@pytest.fixture
def app(academie_app, tmp_path):
    app = academie_app(**app_config(tmp_path))
    embed = tmp_path / "site" / "embed"
    embed.mkdir(parents=True)
    (embed / "index.html").write_text('<!doctype html><html lang="nl"><p>Kaart', "utf-8")
    return app


def dummy_path(app, rule) -> str:
    values = {
        name: 999999 if isinstance(rule._converters[name], IntegerConverter) else "verzonnen"
        for name in rule.arguments - set(rule.defaults or {})
    }
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def get_rules(app):
    return [r for r in app.url_map.iter_rules() if "GET" in r.methods]


def unsafe_rules(app):
    return [r for r in app.url_map.iter_rules() if r.methods & {"POST", "PUT", "PATCH", "DELETE"}]


def csp(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def check_headers(response, path: str, endpoint: str | None) -> list[str]:
    """What is missing from one response; empty when all is well."""
    problems = []
    headers = response.headers
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("nosniff")
    if headers.get("Referrer-Policy") not in ("strict-origin-when-cross-origin", "no-referrer"):
        problems.append("Referrer-Policy")
    if path.startswith("/embed/"):
        if "X-Frame-Options" in headers or "frame-ancestors" not in csp(response):
            problems.append("embed framing")
        return problems
    if endpoint == PORTAL_ENDPOINT:
        if headers.get("X-Frame-Options") != "SAMEORIGIN":
            problems.append("portal X-Frame-Options")
        if response.mimetype == "text/html" and "script-src" not in csp(response):
            problems.append("portal CSP")
        return problems
    directives = csp(response)
    policy = " ; ".join(directives.values())
    problems += [f"CSP {want}" for want in STRICT if want not in policy]
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        problems.append("CSP unsafe")
    if headers.get("X-Frame-Options") != "DENY":
        problems.append("X-Frame-Options")
    return problems


# --- Headers on every response ---


def test_every_get_rule_has_the_security_headers_for_a_visitor_and_a_beheerder(app, db):
    beheerder = new_account(db, "beheerder")
    failures = {}
    for client in (app.test_client(), signed_in(app, db, beheerder)):
        for rule in get_rules(app):
            path = dummy_path(app, rule)
            response = client.get(path)
            problems = check_headers(response, path, rule.endpoint)
            if problems:
                failures[f"{path} ({response.status_code})"] = problems
    assert failures == {}
    assert len(get_rules(app)) > 40  # the walk really walked


def test_a_page_of_the_embed_may_be_framed_by_any_site(app):
    response = app.test_client().get("/embed/")
    assert response.status_code == 200
    assert csp(response)["frame-ancestors"] == "frame-ancestors *"
    assert "X-Frame-Options" not in response.headers


@pytest.mark.parametrize(
    ("status", "how"),
    [
        (400, lambda c: c.post("/inloggen", data={"email": "a@b.nl"})),  # no CSRF token
        (404, lambda c: c.get("/bijeenkomsten/999999")),
        (405, lambda c: c.open("/inloggen", method="TRACE")),
        (413, lambda c: c.post("/inloggen", data={"x": "a" * (MAX_REQUEST_BYTES + 1)})),
    ],
    ids=["400", "404", "405", "413"],
)
def test_error_answers_have_the_strict_headers(app, status, how):
    response = how(app.test_client())
    assert response.status_code == status
    assert check_headers(response, response.request.path, "error") == []


def test_a_forbidden_page_has_the_strict_headers(app, db):
    response = signed_in(app, db, new_account(db, "mantelzorger")).get("/beheer/")
    assert response.status_code == 403
    assert check_headers(response, "/beheer/", "beheer.overview") == []


def test_a_request_body_over_the_limit_is_refused_in_dutch(app):
    response = app.test_client().post(
        "/registreren", data={"display_name": "x" * (MAX_REQUEST_BYTES + 1)}
    )
    assert response.status_code == 413
    assert "Te veel gegevens" in response.get_data(as_text=True)


def test_pages_of_a_signed_in_user_are_never_cached(app, db):
    org = new_organisation(db)
    user = new_account(db, "teamleider", organisatie_id=org.id, team_id=new_team(db, org.id).id)
    client = signed_in(app, db, user)
    for path in (
        "/mijn-gegevens/",
        "/mijn-gegevens/download",
        "/academie/voortgang",
        "/academie/teams",
        "/api/v1/voortgang",
        "/api/v1/pogingen",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path


# --- CSRF on every state-changing rule ---


def test_every_state_changing_rule_refuses_a_request_without_csrf_token(app, db):
    beheerder = new_account(db, "beheerder")
    answers = {}
    for client in (app.test_client(), signed_in(app, db, beheerder)):
        for rule in unsafe_rules(app):
            path = dummy_path(app, rule)
            for method in rule.methods & {"POST", "PUT", "PATCH", "DELETE"}:
                answers[(method, path, client is not None)] = client.open(
                    path, method=method
                ).status_code
    assert answers and set(answers.values()) == {400}


def test_a_get_never_reaches_a_rule_that_only_changes_state(app):
    # The portal's catch-all rule takes such a GET and finds no page: 404, or 405.
    client = app.test_client()
    rules = [rule for rule in unsafe_rules(app) if "GET" not in rule.methods]
    assert rules
    for rule in rules:
        path = dummy_path(app, rule)
        assert client.get(path).status_code in (404, 405), path


# --- Sessions ---


def test_logging_in_gives_a_new_session_and_drops_what_was_planted(app, db):
    user = new_account(db, "mantelzorger")
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["geplant"] = "door een aanvaller"
    before = client.get_cookie("session").value
    log_in(client, user)
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as cookie:
        assert "geplant" not in cookie
        assert cookie["uid"] == user.id


def test_the_cookie_from_before_the_login_gives_no_access(app, db):
    user = new_account(db, "mantelzorger")
    client = app.test_client()
    client.get("/inloggen")
    before = client.get_cookie("session").value
    log_in(client, user)
    assert client.get("/mijn-gegevens/").status_code == 200
    attacker = app.test_client()
    attacker.set_cookie("session", before)
    assert attacker.get("/mijn-gegevens/").status_code == 302


# --- Changing the password (ASVS 6.2.2, 6.2.3, 7.4.3) ---

CHANGE = "/wachtwoord-wijzigen"
NEW_PASSWORD = "fiets regen koffie zomer"


def change(client, current, new=NEW_PASSWORD, again=None):
    data = {"current_password": current, "password": new, "password_again": again or new}
    return client.post(CHANGE, data={**data, "csrf_token": csrf_token(client, CHANGE)})


def password_hash(db, user) -> str:
    with db.session() as session:
        return session.get(Gebruiker, user.id).password_hash


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, db):
    user = new_account(db, "mantelzorger")
    here, elsewhere = app.test_client(), signed_in(app, db, user)
    log_in(here, user)
    assert change(here, PASSWORD).status_code == 303
    assert here.get("/mijn-gegevens/").status_code == 200
    assert elsewhere.get("/mijn-gegevens/").status_code == 302
    log_in(app.test_client(), user, NEW_PASSWORD)


@pytest.mark.parametrize("current", ["", "Niet-het-goede-wachtwoord"], ids=["empty", "wrong"])
def test_changing_needs_the_current_password_and_changes_nothing_without_it(app, db, current):
    user = new_account(db, "mantelzorger")
    client = signed_in(app, db, user)
    before = password_hash(db, user)
    response = change(client, current)
    assert response.status_code == 400
    assert "huidige wachtwoord" in response.get_data(as_text=True)
    assert password_hash(db, user) == before


def test_a_weak_new_password_is_refused_when_changing(app, db):
    user = new_account(db, "mantelzorger")
    before = password_hash(db, user)
    response = change(signed_in(app, db, user), PASSWORD, "mantelzorgacademie")
    assert response.status_code == 400
    assert "te makkelijk te raden" in response.get_data(as_text=True)
    assert password_hash(db, user) == before


def test_the_change_form_lets_password_managers_fill_it(app, db):
    html = signed_in(app, db, new_account(db)).get(CHANGE).get_data(as_text=True)
    assert 'autocomplete="current-password"' in html
    assert html.count('autocomplete="new-password"') == 2
    assert "onpaste" not in html


# --- Password policy ---


def test_a_password_one_shorter_than_the_minimum_is_refused():
    assert "te kort" in password_problem("a" * 5 + "x" * (MIN_PASSWORD_LENGTH - 6))


def test_a_long_password_with_spaces_and_emoji_works_whole_and_only_whole(app, db):
    password = "Mijn moeder 🌷 houdt van de zee bij Urk, elke zomer weer! " * 2
    assert len(password) >= 64
    email = f"{uuid.uuid4().hex[:10]}@verzonnen.example"
    client = app.test_client()
    data = {"display_name": "Verzonnen", "email": email, "password": password}
    response = client.post("/registreren", data={**data, "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    for wrong in (password[:-1], password[:64]):
        attempt = {"email": email, "password": wrong}
        fresh = app.test_client()
        answer = fresh.post("/inloggen", data={**attempt, "csrf_token": csrf_token(fresh)})
        assert answer.status_code == 401
    log_in(app.test_client(), email, password)


@pytest.mark.parametrize(
    "password",
    ["password1234", "qwertyuiop123", "123456789012", "iloveyou2026!", "Welkom welkom 1"],
)
def test_a_common_password_is_refused_with_a_dutch_reason(password):
    assert password_problem(password, "iemand@verzonnen.example") == GUESSABLE


@pytest.mark.parametrize(
    "password",
    [
        "mantelzorgacademie",
        "Mantelzorg Academie 2026!",
        "flevolandmantelzorger",
        *(word * 3 for word in CONTEXT_WORDS),
    ],
)
def test_the_name_of_this_site_is_refused_as_password(password):
    assert password_problem(password) == GUESSABLE


def test_the_own_name_from_the_email_address_is_refused():
    assert password_problem("jansen.jansen.2026", "jan.jansen@verzonnen.example") == GUESSABLE


def test_a_passphrase_of_ordinary_words_is_accepted():
    assert password_problem("fiets kaas boom lamp", "jan@verzonnen.example") is None


def test_registering_with_a_common_password_says_why_and_keeps_no_account(app, db):
    client = app.test_client()
    email = f"{uuid.uuid4().hex[:10]}@verzonnen.example"
    data = {"display_name": "Verzonnen", "email": email, "password": "mantelzorgacademie1"}
    response = client.post("/registreren", data={**data, "csrf_token": csrf_token(client)})
    assert response.status_code == 400
    assert "te makkelijk te raden" in response.get_data(as_text=True)
    with db.session() as session:
        assert session.query(Gebruiker).filter_by(email=email).count() == 0


# --- Escaping of what users and editors type ---

PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "attribute"])
def test_a_display_name_is_escaped_on_every_page_that_shows_it(app, db, payload):
    org = new_organisation(db)
    team = new_team(db, org.id)
    member = new_account(
        db, "medewerker", organisatie_id=org.id, team_id=team.id, display_name=payload
    )
    leader = new_account(db, "teamleider", organisatie_id=org.id, team_id=team.id)
    pages = [
        (member, "/mijn-gegevens/"),
        (member, "/academie/voortgang"),
        (leader, f"/academie/teams/{team.id}"),
        (new_account(db, "beheerder"), f"/beheer/organisaties/{org.id}"),
    ]
    for viewer, path in pages:
        html = signed_in(app, db, viewer).get(path).get_data(as_text=True)
        assert str(escape(payload)) in html and payload not in html, path


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "attribute"])
def test_a_meeting_title_and_description_are_escaped(app, db, payload):
    org = new_organisation(db)
    meeting = new_meeting(db, org.id, titel=f"Groep {payload}", beschrijving=f"Tekst {payload}")
    organiser = new_account(db, "organisator", organisatie_id=org.id)
    pages = [
        (app.test_client(), f"/bijeenkomsten/{meeting.id}"),
        (app.test_client(), "/bijeenkomsten/agenda"),
        (signed_in(app, db, organiser), "/bijeenkomsten/beheer"),
        (signed_in(app, db, organiser), f"/bijeenkomsten/{meeting.id}/bewerken"),
    ]
    for client, path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert f"Groep {escape(payload)}" in html and payload not in html, path


# --- No secrets in the repository ---

# Built from parts, so this file does not match itself.
SECRET_PATTERNS = {
    "private key": re.compile("-----BEGIN [A-Z ]*" + "PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)" + r"[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_" + r"[A-Za-z0-9]{36}\b"),
    "Slack token": re.compile(r"\bxox[abpr]-" + r"[A-Za-z0-9-]{10,}"),
}
# A password written into code or configuration. Tests and benchmarks use fictional ones
# (tests/academie.py: "Verzonnen-..."), so only the shipped code and configuration count.
PASSWORD_LITERAL = re.compile(
    r"""(?i)\b(?:password|passwd|wachtwoord|secret_key|api_key)\s*[=:]\s*["'][^"'\s{}%$]{8,}["']"""
)
SECRET_FILES = re.compile(r"(^|/)(\.env(\..+)?|id_rsa|id_ed25519|.*\.pem|.*\.key|secret_key)$")


def tracked_files() -> list[str]:
    result = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
    )
    return [name for name in result.stdout.split("\0") if name]


def test_no_secret_is_committed():
    found = []
    files = tracked_files()
    assert len(files) > 100
    for name in files:
        if SECRET_FILES.search(name) and not name.endswith(".env.example"):
            found.append(f"{name}: file that holds a secret")
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for kind, pattern in SECRET_PATTERNS.items():
            if pattern.search(text):
                found.append(f"{name}: {kind}")
        if not name.startswith(("tests/", "benchmarks/")):
            for match in PASSWORD_LITERAL.finditer(text):
                found.append(f"{name}: {match.group(0)}")
    assert found == []


def test_the_secret_scan_finds_what_it_looks_for():
    key = "-----BEGIN RSA " + "PRIVATE KEY-----"
    assert SECRET_PATTERNS["private key"].search(key)
    assert SECRET_PATTERNS["AWS access key"].search("AKIA" + "ABCDEFGHIJKLMNOP")
    assert PASSWORD_LITERAL.search('password = "' + 'hunter2hunter2"')
    assert not PASSWORD_LITERAL.search("password = form.password.data")
    assert SECRET_FILES.search("deploy/.env") and SECRET_FILES.search("instance/secret_key")
