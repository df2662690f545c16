"""A forgotten password: a link by mail that works once, for a while, and ends old sessions."""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from quiz_service.models import Gebruiker, Mail, WachtwoordReset
from quiz_service.passwords import verify_password
from tests.academie import PASSWORD, csrf_token, log_in, mails_to

SITE_URL = "https://academie.verzonnen.example/"
NEW_PASSWORD = "nieuwe fiets regen koffie"
LINK = re.compile(r"https://academie\.verzonnen\.example(/wachtwoord-herstellen/[A-Za-z0-9_-]+)")
SAME_ANSWER = "Hoort dit e-mailadres bij een account?"


@pytest.fixture
def outbox_dir(tmp_path):
    return tmp_path / "outbox"


@pytest.fixture
def make_app(academie_app, outbox_dir):
    return lambda **config: academie_app(OUTBOX_DIR=str(outbox_dir), SITE_URL=SITE_URL, **config)


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


def ask_for_link(client, address):
    data = {"email": address, "csrf_token": csrf_token(client, "/wachtwoord-vergeten")}
    return client.post("/wachtwoord-vergeten", data=data)


def link_in(message) -> str:
    """The path of the reset link in the mail."""
    return LINK.search(message.get_content()).group(1)


def new_link(client, outbox_dir, user) -> str:
    before = len(mails_to(outbox_dir, user.email))
    assert ask_for_link(client, user.email).status_code == 303
    messages = mails_to(outbox_dir, user.email)
    assert len(messages) == before + 1, "er is geen mail verstuurd"
    return link_in(messages[-1])


def choose(client, path, password=NEW_PASSWORD, again=None, token=True):
    data = {"password": password, "password_again": password if again is None else again}
    if token:
        data["csrf_token"] = csrf_token(client, "/wachtwoord-vergeten")
    return client.post(path, data=data)


def password_hash(db, user) -> str:
    with db.session() as session:
        return session.get(Gebruiker, user.id).password_hash


def signed_in(client) -> bool:
    return client.get("/aansluiten").status_code == 200


# --- The whole flow ---


def test_the_login_page_links_to_forgot_password(client):
    page = client.get("/inloggen").get_data(as_text=True)
    assert '<a href="/wachtwoord-vergeten">Wachtwoord vergeten?</a>' in page


def test_the_whole_flow_through_the_outbox(client, account, outbox_dir, db):
    user = account("medewerker")
    response = ask_for_link(client, user.email.upper())
    assert response.status_code == 303
    assert response.headers["Location"] == "/wachtwoord-vergeten/verstuurd"
    sent_page = client.get("/wachtwoord-vergeten/verstuurd")
    assert sent_page.status_code == 200
    assert SAME_ANSWER in sent_page.get_data(as_text=True)

    (message,) = mails_to(outbox_dir, user.email)
    assert message["Subject"] == "Nieuw wachtwoord voor de Mantelzorgacademie"
    assert "De link werkt 60 minuten" in message.get_content()
    path = link_in(message)

    form = client.get(path)
    assert form.status_code == 200
    assert "Kies een nieuw wachtwoord" in form.get_data(as_text=True)
    assert 'autocomplete="new-password"' in form.get_data(as_text=True)
    done = choose(client, path)
    assert done.status_code == 303
    assert done.headers["Location"] == "/inloggen"
    assert "Uw nieuwe wachtwoord is opgeslagen" in client.get("/inloggen").get_data(as_text=True)

    assert log_in(client, user, NEW_PASSWORD).status_code == 302
    other = client.application.test_client()
    assert (
        other.post(
            "/inloggen",
            data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(other)},
        ).status_code
        == 401
    ), "het oude wachtwoord werkt niet meer"
    assert password_hash(db, user).startswith("$argon2id$")


def test_only_a_hash_of_the_token_is_stored(client, account, outbox_dir, db):
    user = account()
    token = new_link(client, outbox_dir, user).rsplit("/", 1)[-1]
    assert len(token) >= 43  # secrets.token_urlsafe(32)
    with db.session() as session:
        stored = session.scalars(
            select(WachtwoordReset.token_hash).where(WachtwoordReset.gebruiker_id == user.id)
        ).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]


def test_the_reset_page_sends_no_referrer(client, account, outbox_dir):
    user = account()
    path = new_link(client, outbox_dir, user)
    assert client.get(path).headers["Referrer-Policy"] == "no-referrer"
    assert choose(client, path, again="iets anders").headers["Referrer-Policy"] == "no-referrer"
    assert choose(client, path).headers["Referrer-Policy"] == "no-referrer"
    assert client.get(path).headers["Referrer-Policy"] == "no-referrer"  # the 404 too


def test_the_link_uses_the_site_address_never_the_host_header(client, account, outbox_dir):
    # Otherwise a request with `Host: kwaad.example` would mail the victim a link to that site.
    user = account()
    evil = {"base_url": "http://kwaad.example/"}
    page = client.get("/wachtwoord-vergeten", **evil).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"email": user.email, "csrf_token": token}
    assert client.post("/wachtwoord-vergeten", data=data, **evil).status_code == 303
    (message,) = mails_to(outbox_dir, user.email)
    assert "kwaad.example" not in message.get_content()
    assert LINK.search(message.get_content())


# --- No account enumeration ---


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, account, outbox_dir, db):
    user = account()
    known = ask_for_link(client, user.email)
    unknown = ask_for_link(client, "niemand@verzonnen.example")
    assert unknown.status_code == known.status_code == 303
    assert unknown.headers["Location"] == known.headers["Location"]
    assert SAME_ANSWER in client.get(unknown.headers["Location"]).get_data(as_text=True)
    assert mails_to(outbox_dir, "niemand@verzonnen.example") == []
    with db.session() as session:
        assert (
            session.scalars(select(Mail).where(Mail.aan == "niemand@verzonnen.example")).all() == []
        )


def test_a_deleted_account_gets_no_mail(client, account, outbox_dir, db):
    user = account(deleted_at=datetime.now(UTC))
    assert ask_for_link(client, user.email).status_code == 303
    assert mails_to(outbox_dir, user.email) == []


# --- Bad input, one class per test ---


def test_a_malformed_email_is_a_bad_request_and_kept(client):
    response = ask_for_link(client, "geen-e-mailadres")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Dit is geen goed e-mailadres" in page
    assert 'value="geen-e-mailadres"' in page


def test_an_empty_email_is_a_bad_request(client):
    response = ask_for_link(client, "")
    assert response.status_code == 400
    assert "Vul uw e-mailadres in." in response.get_data(as_text=True)


def test_an_unknown_token_gives_a_dutch_404_with_a_way_to_ask_again(client):
    response = client.get("/wachtwoord-herstellen/" + "x" * 43)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Deze link werkt niet meer" in page
    assert 'href="/wachtwoord-vergeten"' in page


def test_an_expired_link_no_longer_works(client, account, outbox_dir, db):
    user = account()
    path = new_link(client, outbox_dir, user)
    with db.session() as session:
        session.execute(
            update(WachtwoordReset)
            .where(WachtwoordReset.gebruiker_id == user.id)
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        session.commit()
    assert client.get(path).status_code == 404
    before = password_hash(db, user)
    assert choose(client, path).status_code == 404
    assert password_hash(db, user) == before


def test_a_link_works_once(client, account, outbox_dir, db):
    user = account()
    path = new_link(client, outbox_dir, user)
    assert choose(client, path).status_code == 303
    after_first = password_hash(db, user)
    assert client.get(path).status_code == 404
    again = choose(client, path, password="weer een ander wachtwoord")
    assert again.status_code == 404
    assert "Deze link werkt niet meer" in again.get_data(as_text=True)
    assert password_hash(db, user) == after_first


def test_five_submissions_of_one_link_at_the_same_moment_set_one_password(
    app, account, outbox_dir, db
):
    user = account()
    path = new_link(app.test_client(), outbox_dir, user)
    clients = [app.test_client() for _ in range(5)]
    tokens = [csrf_token(c, "/wachtwoord-vergeten") for c in clients]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def submit(number):
        password = f"verzonnen wachtwoord nummer {number}"
        data = {"password": password, "password_again": password, "csrf_token": tokens[number]}
        barrier.wait()
        statuses.append(clients[number].post(path, data=data).status_code)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303, 404, 404, 404, 404]
    stored = password_hash(db, user)
    matching = [n for n in range(5) if verify_password(stored, f"verzonnen wachtwoord nummer {n}")]
    assert len(matching) == 1


def test_using_a_link_makes_the_other_open_links_useless(client, account, outbox_dir):
    user = account()
    older = new_link(client, outbox_dir, user)
    newer = new_link(client, outbox_dir, user)
    assert older != newer
    assert choose(client, newer).status_code == 303
    assert client.get(older).status_code == 404


def test_a_new_password_ends_every_old_session(app, account, outbox_dir):
    user = account()
    elsewhere = app.test_client()
    log_in(elsewhere, user)
    assert signed_in(elsewhere)
    client = app.test_client()
    assert choose(client, new_link(client, outbox_dir, user)).status_code == 303
    assert not signed_in(elsewhere), "een oude sessie werkt na een nieuw wachtwoord niet meer"


def test_a_weak_new_password_is_refused_and_nothing_changes(app, client, account, outbox_dir, db):
    user = account()
    elsewhere = app.test_client()
    log_in(elsewhere, user)
    path = new_link(client, outbox_dir, user)
    before = password_hash(db, user)
    response = choose(client, path, password="kort-wachtw")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Gebruik minstens 12 tekens" in page
    assert 'href="#password"' in page
    assert password_hash(db, user) == before
    assert signed_in(elsewhere), "een geweigerd wachtwoord beëindigt geen sessies"
    assert client.get(path).status_code == 200, "de link werkt nog"


def test_two_different_passwords_are_refused(client, account, outbox_dir, db):
    user = account()
    path = new_link(client, outbox_dir, user)
    before = password_hash(db, user)
    response = choose(client, path, again="een heel ander wachtwoord")
    assert response.status_code == 400
    assert "De twee wachtwoorden zijn niet gelijk" in response.get_data(as_text=True)
    assert password_hash(db, user) == before


def test_the_email_address_is_not_accepted_as_password(client, account, outbox_dir, db):
    user = account()
    path = new_link(client, outbox_dir, user)
    response = choose(client, path, password=user.email.upper())
    assert response.status_code == 400
    assert verify_password(password_hash(db, user), PASSWORD)


# --- Rate limits and CSRF ---


def test_too_many_requests_for_one_address_are_refused(make_app, account, outbox_dir):
    client = make_app(RESET_LIMIT_PER_EMAIL="2 per hour").test_client()
    user = account()
    for _ in range(2):
        assert ask_for_link(client, user.email).status_code == 303
    response = ask_for_link(client, user.email)
    assert response.status_code == 429
    assert "Te veel pogingen" in response.get_data(as_text=True)
    assert len(mails_to(outbox_dir, user.email)) == 2
    # Another address from the same IP address is not blocked by this limit.
    assert ask_for_link(client, account().email).status_code == 303


def test_too_many_requests_from_one_ip_address_are_refused(make_app):
    client = make_app(RESET_LIMIT_PER_IP="2 per hour").test_client()
    for number in range(2):
        assert ask_for_link(client, f"onbekend{number}@verzonnen.example").status_code == 303
    assert ask_for_link(client, "nog-een@verzonnen.example").status_code == 429


def test_asking_for_a_link_without_csrf_token_is_refused(client, account, outbox_dir):
    user = account()
    response = client.post("/wachtwoord-vergeten", data={"email": user.email})
    assert response.status_code == 400
    assert "Formulier verlopen" in response.get_data(as_text=True)
    assert mails_to(outbox_dir, user.email) == []


def test_choosing_a_password_without_csrf_token_is_refused(client, account, outbox_dir, db):
    user = account()
    path = new_link(client, outbox_dir, user)
    before = password_hash(db, user)
    response = choose(client, path, token=False)
    assert response.status_code == 400
    assert "Formulier verlopen" in response.get_data(as_text=True)
    assert password_hash(db, user) == before
    assert client.get(path).status_code == 200
