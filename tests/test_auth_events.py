"""Authentication events in the log (ASVS 5.0 V16.2.1, V16.3.1, V16.3.2, V16.4.1; SECURITY.md
item 29): one line per login, failure, second step, lockout, logout and password change, with
a UTC time and the account when it is known, and never a password, a code or a token. What a
visitor typed cannot add a line of its own.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest

from quiz_service.auth import events
from tests.academie import (
    PASSWORD,
    csrf_token,
    log_in,
    mails_to,
    new_account,
    signed_in,
    totp_code,
)

LOGGER = "quiz_service.auth.events"
# Every key a line may have: nothing else (no password, code, token, meeting or quiz) fits.
KEYS = {"tijd", "gebeurtenis", "account", "email", "ip", "stap", "reden", "over", "bekend", "door"}
LINE = re.compile(
    r'^(?:[a-z]+=(?:"(?:[^"\\]|\\.)*"|[^ "]+))(?: [a-z]+=(?:"(?:[^"\\]|\\.)*"|[^ "]+))*$'
)


@pytest.fixture
def outbox(tmp_path):
    return tmp_path / "outbox"


@pytest.fixture
def app(academie_app, outbox):
    return academie_app(OUTBOX_DIR=str(outbox), SITE_URL="https://academie.verzonnen.example/")


@pytest.fixture
def log(caplog):
    """The auth event lines written during the test, as dicts of their fields."""
    caplog.set_level(logging.INFO, logger=LOGGER)

    def lines(event: str | None = None) -> list[dict]:
        found = []
        for record in caplog.records:
            if record.name != LOGGER:
                continue
            message = record.getMessage()
            assert "\n" not in message and "\r" not in message, f"twee regels: {message!r}"
            assert LINE.match(message), f"geen nette regel: {message!r}"
            fields = dict(re.findall(r'([a-z]+)=("(?:[^"\\]|\\.)*"|[^ "]+)', message))
            assert set(fields) <= KEYS, message
            fields["_level"] = record.levelname
            if event is None or fields["gebeurtenis"] == event:
                found.append(fields)
        return found

    lines.text = lambda: "\n".join(r.getMessage() for r in caplog.records)
    return lines


def assert_utc_now(line: dict) -> None:
    moment = datetime.strptime(line["tijd"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - moment) < timedelta(minutes=1)


def post_login(client, email, password):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    return client.post("/inloggen", data=data)


# --- Logging in ---


def test_a_successful_login_is_logged_with_the_account_and_a_utc_time(app, db, log):
    user = new_account(db)
    log_in(app.test_client(), user)
    [line] = log("inloggen_gelukt")
    assert line["account"] == str(user.id)
    assert line["_level"] == "INFO"
    assert line["ip"] == '"127.0.0.1"'
    assert_utc_now(line)
    assert PASSWORD not in log.text()


def test_a_wrong_password_and_an_unknown_address_give_the_same_warning(app, db, log):
    user = new_account(db)
    assert post_login(app.test_client(), user.email, "Niet-het-goede-1").status_code == 401
    assert post_login(app.test_client(), "niemand@verzonnen.example", PASSWORD).status_code == 401
    wrong, unknown = log("inloggen_mislukt")
    assert wrong["_level"] == unknown["_level"] == "WARNING"
    assert wrong["email"] == f'"{user.email}"'
    assert unknown["email"] == '"niemand@verzonnen.example"'
    assert "account" not in wrong and "account" not in unknown, "zelfde regel, niets verraden"
    assert "Niet-het-goede-1" not in log.text() and PASSWORD not in log.text()


def test_a_line_break_in_the_address_cannot_forge_a_line(app, log):
    typed = "iemand@verzonnen.example\r\ntijd=2000-01-01T00:00:00Z gebeurtenis=inloggen_gelukt"
    assert post_login(app.test_client(), typed, PASSWORD).status_code == 400
    [line] = log("inloggen_mislukt")
    assert "\r" not in line["email"] and "\n" not in line["email"]
    assert line["email"].startswith('"iemand@verzonnen.example\\r\\n')
    assert log("inloggen_gelukt") == []
    assert len(log()) == 1


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("a\nb", '"a\\nb"'),
        ("a\rb", '"a\\rb"'),
        ("a\u2028b", '"a\\u2028b"'),
        ("a\x1b[31mb", '"a\\u001b[31mb"'),
        ('a" gebeurtenis=x', '"a\\" gebeurtenis=x"'),
        ("zoë@verzonnen.example", '"zoë@verzonnen.example"'),
    ],
)
def test_each_control_sign_is_written_as_an_escape(typed, written):
    assert events.neutralise(typed) == written


def test_an_unknown_event_name_is_a_programming_error():
    with pytest.raises(ValueError):
        events.log("ingelogd")


# --- The second step ---


def test_the_second_step_is_logged_and_its_code_is_not(app, db, log):
    user = new_account(db, "beheerder")
    client = app.test_client()
    post_login(client, user.email, PASSWORD)
    wrong = "000000" if totp_code(user.totp_secret) != "000000" else "111111"
    client.post("/inloggen/code", data={"code": wrong, "csrf_token": csrf_token(client)})
    right = totp_code(user.totp_secret)
    client.post("/inloggen/code", data={"code": right, "csrf_token": csrf_token(client)})
    asked, failed, passed = (log(e) for e in ("code_gevraagd", "code_mislukt", "code_gelukt"))
    assert [len(asked), len(failed), len(passed)] == [1, 1, 1]
    assert failed[0]["_level"] == "WARNING"
    assert {asked[0]["account"], failed[0]["account"], passed[0]["account"]} == {str(user.id)}
    [login] = log("inloggen_gelukt")
    assert login["account"] == str(user.id)
    assert re.search(rf"\b({right}|{wrong})\b", log.text()) is None


def test_a_lockout_by_the_rate_limit_is_logged(academie_app, db, log):
    app = academie_app(LOGIN_LIMIT_PER_EMAIL="2 per minute")
    user = new_account(db)
    client = app.test_client()
    for _ in range(3):
        post_login(client, user.email, "Niet-het-goede-1")
    [line] = log("te_veel_pogingen")
    assert line["_level"] == "WARNING"
    assert line["email"] == f'"{user.email}"' and line["stap"] == '"auth.login"'


def test_a_lockout_of_the_code_step_names_the_account(academie_app, db, log):
    app = academie_app(CODE_LIMIT_PER_ACCOUNT="1 per minute")
    user = new_account(db, "teamleider")
    client = app.test_client()
    post_login(client, user.email, PASSWORD)
    for _ in range(2):
        client.post("/inloggen/code", data={"code": "12345x", "csrf_token": csrf_token(client)})
    [line] = log("te_veel_pogingen")
    assert line["account"] == str(user.id) and line["stap"] == '"auth.code"'


# --- Logging out, ending sessions, passwords ---


def test_logging_out_is_logged(app, db, log):
    user = new_account(db)
    client = signed_in(app, db, user)
    client.post("/uitloggen", data={"csrf_token": csrf_token(client)})
    [line] = log("uitgelogd")
    assert line["account"] == str(user.id)


def test_a_session_that_ran_out_is_logged_with_the_reason(app, db, log):
    user = new_account(db)
    client = signed_in(app, db, user, at=datetime.now(UTC) - timedelta(hours=13))
    client.get("/mijn-gegevens/")
    [line] = log("sessie_verlopen")
    assert line["account"] == str(user.id) and line["reden"] == '"te_lang"'


def change(client, current, new):
    data = {"current_password": current, "password": new, "password_again": new}
    page = "/wachtwoord-wijzigen"
    return client.post(page, data={**data, "csrf_token": csrf_token(client, page)})


def test_changing_the_password_is_logged_and_neither_password_is(app, db, log):
    user = new_account(db)
    client = signed_in(app, db, user)
    assert change(client, "Niet-het-goede-1", "fiets regen koffie zomer").status_code == 400
    assert change(client, PASSWORD, "fiets regen koffie zomer").status_code == 303
    [failed] = log("wachtwoord_wijzigen_mislukt")
    [changed] = log("wachtwoord_gewijzigd")
    assert failed["account"] == changed["account"] == str(user.id)
    assert failed["_level"] == "WARNING"
    for secret in ("Niet-het-goede-1", PASSWORD, "fiets regen koffie zomer"):
        assert secret not in log.text()


def test_a_reset_is_logged_without_the_token(app, db, outbox, log):
    user = new_account(db)
    client = app.test_client()
    data = {"email": user.email, "csrf_token": csrf_token(client, "/wachtwoord-vergeten")}
    client.post("/wachtwoord-vergeten", data=data)
    [message] = mails_to(outbox, user.email)
    path = re.search(r"/wachtwoord-herstellen/[A-Za-z0-9_-]+", message.get_content()).group()
    new = "verzonnen fiets regen zomer"
    data = {"password": new, "password_again": new, "csrf_token": csrf_token(client)}
    assert client.post(path, data=data).status_code == 303
    [asked] = log("wachtwoord_herstel_gevraagd")
    [done] = log("wachtwoord_hersteld")
    assert asked["email"] == f'"{user.email}"' and asked["bekend"] == "1"
    assert done["account"] == str(user.id)
    token = path.rsplit("/", 1)[-1]
    assert token not in log.text() and new not in log.text()
