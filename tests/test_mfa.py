"""The second step at login for privileged roles (ASVS 5.0 V6.3.3, V6.5.1, V6.5.5; SECURITY.md
item 9): a right password alone opens nothing, a code from the app works once and only close
to now, recovery codes work once and are stored as digests, and a beheerder can clear it.

The codes are computed from the account's secret with pyotp, as the person's app would.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import segno
from sqlalchemy import func, select

from quiz_service import audit
from quiz_service.auth import mfa
from quiz_service.auth.views import PENDING, PENDING_GONE, WRONG_CODE, WRONG_SET_UP_CODE
from quiz_service.gegevens import services as gegevens
from quiz_service.models import AuditRegel, Gebruiker
from tests.academie import (
    PASSWORD,
    csrf_token,
    log_in,
    new_account,
    new_organisation,
    pass_second_step,
    run_together,
    set_up_second_step,
    signed_in,
    totp_code,
)
from tests.bijeenkomsten import LINKS


class Clock:
    """A moment that a test sets and moves on (the app's CLOCK)."""

    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def app(academie_app):
    return academie_app()


def password_step(client, user, **extra):
    data = {"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client), **extra}
    return client.post("/inloggen", data=data)


def send_code(client, code: str):
    # The token from the login page: the code page itself may already send the person away.
    data = {"code": code, "csrf_token": csrf_token(client, "/inloggen")}
    return client.post("/inloggen/code", data=data)


def is_signed_in(client) -> bool:
    return client.get("/mijn-gegevens/").status_code == 200


def stored(db, user) -> Gebruiker:
    with db.session() as session:
        return session.get(Gebruiker, user.id)


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def a_wrong_code(secret: str, now: datetime) -> str:
    """Six digits that are not the code of any step near now."""
    step = pyotp.TOTP(secret).timecode(now.timestamp())
    near = {code_at(secret, s) for s in range(step - 2, step + 3)}
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in near)


# --- Who needs it ---


@pytest.mark.parametrize("role", ["teamleider", "organisator", "beheerder"])
def test_a_privileged_role_gets_the_code_page_after_the_password(app, db, role):
    client = app.test_client()
    response = password_step(client, new_account(db, role))
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen/code"


@pytest.mark.parametrize("role", ["mantelzorger", "medewerker"])
def test_other_roles_log_in_with_the_password_alone(app, db, role):
    response = password_step(app.test_client(), new_account(db, role))
    assert response.headers["Location"] == "/"


def test_the_setting_decides_which_roles_need_it(academie_app, db):
    app = academie_app(MFA_ROLES="beheerder, organisator")
    leader = password_step(app.test_client(), new_account(db, "teamleider"))
    organiser = password_step(app.test_client(), new_account(db, "organisator"))
    assert leader.headers["Location"] == "/"
    assert organiser.headers["Location"] == "/inloggen/code"


def test_an_unknown_role_in_the_setting_is_refused_in_dutch():
    with pytest.raises(ValueError, match="onbekende rol: koning"):
        mfa.required_roles("beheerder, koning")


# --- A right password alone opens nothing ---


def test_after_the_password_the_session_holds_only_a_marker_and_opens_nothing(app, db):
    user = new_account(db, "teamleider")
    client = app.test_client()
    password_step(client, user)
    with client.session_transaction() as cookie:
        assert "uid" not in cookie and "epoch" not in cookie
        assert cookie[PENDING]["uid"] == user.id
    for path in ("/mijn-gegevens/", "/academie/teams", "/academie/voortgang"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/inloggen?volgende=")
    assert client.get("/api/v1/voortgang").status_code == 401


def test_the_right_code_logs_in_with_a_new_session_and_goes_where_asked(app, db):
    user = new_account(db, "teamleider")
    client = app.test_client()
    password_step(client, user, volgende="/academie/teams")
    pending = client.get_cookie("session").value
    response = send_code(client, totp_code(user.totp_secret))
    assert response.status_code == 302
    assert response.headers["Location"] == "/academie/teams"
    assert client.get_cookie("session").value != pending
    with client.session_transaction() as cookie:
        assert cookie["uid"] == user.id and PENDING not in cookie
    assert client.get("/academie/teams").status_code == 200
    # Whoever copied the cookie of the first step has nothing.
    copy = app.test_client()
    copy.set_cookie("session", pending)
    assert not is_signed_in(copy)


def test_a_wrong_code_is_refused_and_keeps_what_was_typed(app, db):
    user = new_account(db, "beheerder")
    client = app.test_client()
    password_step(client, user)
    wrong = a_wrong_code(user.totp_secret, datetime.now(UTC))
    response = send_code(client, wrong)
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert WRONG_CODE in page
    assert f'value="{wrong}"' in page
    assert 'aria-invalid="true"' in page and 'href="#code"' in page
    assert not is_signed_in(client)


def test_an_empty_code_is_a_bad_request_with_a_dutch_message(app, db):
    client = app.test_client()
    password_step(client, new_account(db, "beheerder"))
    response = send_code(client, "")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Vul de code in." in page
    assert 'href="#code"' in page


def test_the_code_page_asks_for_a_one_time_code_without_script(app, db):
    client = app.test_client()
    password_step(client, new_account(db, "organisator"))
    page = client.get("/inloggen/code").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page
    assert '<label for="code">Code</label>' in page
    assert "herstelcode" in page
    assert "<script" not in page


def test_the_code_step_without_a_right_password_sends_back_to_the_login(app):
    response = app.test_client().get("/inloggen/code")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen"


def test_the_code_step_expires_ten_minutes_after_the_password(academie_app, db):
    clock = Clock(datetime.now(UTC))
    app = academie_app(CLOCK=clock)
    user = new_account(db, "teamleider")
    client = app.test_client()
    password_step(client, user)
    clock.advance(minutes=11)
    response = send_code(client, totp_code(user.totp_secret))
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen"
    assert PENDING_GONE in client.get("/inloggen").get_data(as_text=True)
    assert not is_signed_in(client)


# --- A code works once, and only close to now ---


def test_a_code_works_once(app, db):
    user = new_account(db, "teamleider")
    code = totp_code(user.totp_secret)
    first, second = app.test_client(), app.test_client()
    password_step(first, user)
    password_step(second, user)
    assert send_code(first, code).status_code == 302
    assert send_code(second, code).status_code == 401
    assert not is_signed_in(second)


def test_the_window_is_one_step_either_side_and_steps_only_go_forward(db):
    user = new_account(db, "beheerder")
    secret, now = user.totp_secret, datetime.now(UTC)
    step = pyotp.TOTP(secret).timecode(now.timestamp())
    with db.session() as session:
        assert mfa.verify(session, user.id, code_at(secret, step - 2), now) is None
        assert mfa.verify(session, user.id, code_at(secret, step + 2), now) is None
        assert mfa.verify(session, user.id, code_at(secret, step - 1), now) is not None
        assert mfa.verify(session, user.id, code_at(secret, step + 1), now) is not None
        # The code of now is older than the last one used: refused too.
        assert mfa.verify(session, user.id, code_at(secret, step), now) is None
    assert stored(db, user).totp_last_step == step + 1


def test_a_code_with_spaces_as_the_app_shows_it_is_accepted(db):
    user = new_account(db, "beheerder")
    now = datetime.now(UTC)
    code = pyotp.TOTP(user.totp_secret).at(now.timestamp())
    with db.session() as session:
        assert mfa.verify(session, user.id, f" {code[:3]} {code[3:]} ", now) is not None


def test_one_code_sent_from_five_tabs_at_once_is_accepted_once(db):
    user = new_account(db, "beheerder")
    now = datetime.now(UTC)
    code = pyotp.TOTP(user.totp_secret).at(now.timestamp())

    def use():
        with db.session() as session:
            return mfa.verify(session, user.id, code, now)

    results, errors = run_together(5, use)
    assert errors == []
    assert sum(result is not None for result in results) == 1


def test_wrong_codes_are_rate_limited_per_account(academie_app, db):
    app = academie_app(CODE_LIMIT_PER_ACCOUNT="3 per minute")
    user = new_account(db, "teamleider")
    wrong = a_wrong_code(user.totp_secret, datetime.now(UTC))
    client = app.test_client()
    password_step(client, user)
    for _ in range(3):
        assert send_code(client, wrong).status_code == 401
    response = send_code(client, totp_code(user.totp_secret))  # even the right code waits
    assert response.status_code == 429
    assert "Te veel pogingen" in response.get_data(as_text=True)
    # A new login from another browser does not give new tries for this account.
    other = app.test_client()
    password_step(other, user)
    assert send_code(other, totp_code(user.totp_secret)).status_code == 429
    # Another account is not held up.
    log_in(app.test_client(), new_account(db, "teamleider"))


# --- Setting it up at the first login ---


@pytest.fixture
def new_leader(db):
    """A teamleider whose account has no second step yet."""
    return new_account(db, "teamleider", second_step=False)


def test_the_first_login_without_a_second_step_goes_to_setting_it_up(app, db, new_leader):
    client = app.test_client()
    response = password_step(client, new_leader)
    assert response.headers["Location"] == "/inloggen/instellen"
    assert not is_signed_in(client)
    # The code page cannot be used to skip it.
    assert client.get("/inloggen/code").headers["Location"] == "/inloggen/instellen"


def test_the_set_up_page_shows_the_key_as_text_and_as_an_inline_qr_code(app, db, new_leader):
    client = app.test_client()
    password_step(client, new_leader)
    response = client.get("/inloggen/instellen")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    secret = stored(db, new_leader).totp_secret
    assert secret and stored(db, new_leader).totp_confirmed_at is None
    assert f'<code id="sleutel">{mfa.grouped_secret(secret)}</code>' in page
    assert re.search(r"^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$", mfa.grouped_secret(secret))
    assert '<svg class="qr" role="img" aria-labelledby="qr-titel"' in page
    assert "<script" not in page and "<img" not in page and "http" not in qr_svg(page)
    # Reloading shows the same key: the app may have it already.
    again = client.get("/inloggen/instellen").get_data(as_text=True)
    assert mfa.grouped_secret(secret) in again


def qr_svg(page: str) -> str:
    return re.search(r'<svg class="qr".*?</svg>', page, re.S).group()


def test_the_qr_code_holds_the_otpauth_address_of_the_key(app, db, new_leader):
    client = app.test_client()
    password_step(client, new_leader)
    svg = qr_svg(client.get("/inloggen/instellen").get_data(as_text=True))
    path = re.search(r'<path fill="#000" d="([^"]+)"', svg).group(1)
    drawn = set()
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path):
        drawn |= {(int(x) + i, int(y)) for i in range(int(width))}
    secret = stored(db, new_leader).totp_secret
    uri = mfa.provisioning_uri(secret, new_leader.email)
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
    expected = segno.make_qr(uri, error="m").matrix_iter(border=4)
    dark = {(x, y) for y, row in enumerate(expected) for x, module in enumerate(row) if module}
    assert drawn == dark


def test_a_wrong_code_at_set_up_confirms_nothing(app, db, new_leader):
    client = app.test_client()
    password_step(client, new_leader)
    client.get("/inloggen/instellen")
    secret = stored(db, new_leader).totp_secret
    wrong = a_wrong_code(secret, datetime.now(UTC))
    data = {"code": wrong, "csrf_token": csrf_token(client, "/inloggen/instellen")}
    response = client.post("/inloggen/instellen", data=data)
    assert response.status_code == 400
    assert WRONG_SET_UP_CODE in response.get_data(as_text=True)
    assert f'value="{wrong}"' in response.get_data(as_text=True)
    assert mfa.grouped_secret(secret) in response.get_data(as_text=True)
    assert stored(db, new_leader).totp_confirmed_at is None
    assert not is_signed_in(client)


def test_setting_up_shows_ten_recovery_codes_once_and_stores_only_digests(app, db, new_leader):
    client = app.test_client()
    password_step(client, new_leader)
    secret, codes = set_up_second_step(client)
    assert len(codes) == len(set(codes)) == mfa.RECOVERY_CODES
    assert all(re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code) for code in codes)
    after = stored(db, new_leader)
    assert after.totp_secret == secret and after.totp_confirmed_at is not None
    digests = after.recovery_code_hashes.split()
    assert len(digests) == mfa.RECOVERY_CODES
    assert not any(code in after.recovery_code_hashes for code in codes)
    assert is_signed_in(client)
    # Reloading the page does not show the codes again.
    again = client.get("/inloggen/instellen")
    assert again.status_code == 302
    assert not any(code in again.get_data(as_text=True) for code in codes)


def test_after_setting_up_the_next_login_asks_for_the_code(app, db, new_leader):
    client = app.test_client()
    password_step(client, new_leader)
    set_up_second_step(client)
    other = app.test_client()
    assert password_step(other, new_leader).headers["Location"] == "/inloggen/code"
    pass_second_step(other, new_leader.email)
    assert is_signed_in(other)


# --- Recovery codes ---


def test_a_recovery_code_logs_in_once_and_says_how_many_are_left(app, db, new_leader):
    client = app.test_client()
    password_step(client, new_leader)
    _secret, codes = set_up_second_step(client)
    first = app.test_client()
    password_step(first, new_leader)
    typed = codes[0].lower().replace("-", " ")  # typed from paper, any way
    response = send_code(first, typed)
    assert response.status_code == 302
    assert "U heeft nog 9 herstelcodes." in first.get("/mijn-gegevens/").get_data(as_text=True)
    second = app.test_client()
    password_step(second, new_leader)
    assert send_code(second, codes[0]).status_code == 401
    assert send_code(second, codes[1]).status_code == 302
    assert len(stored(db, new_leader).recovery_code_hashes.split()) == 8


# --- Clearing it: a lost phone ---


def test_a_beheerder_clears_the_second_step_and_the_person_sets_it_up_again(app, db):
    org = new_organisation(db)
    leader = new_account(db, "teamleider", organisatie_id=org.id, display_name="Verzonnen Kwijt")
    beheerder = new_account(db, "beheerder")
    leader_session = signed_in(app, db, leader)
    admin = signed_in(app, db, beheerder)
    page = f"/beheer/organisaties/{org.id}"
    html = admin.get(page).get_data(as_text=True)
    assert 'aria-label="Tweede stap van Verzonnen Kwijt wissen"' in html
    before = audit_lines(db)
    response = admin.post(
        f"/beheer/gebruikers/{leader.id}/tweede-stap-wissen",
        data={"csrf_token": csrf_token(admin, page)},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == page
    assert "De tweede stap van Verzonnen Kwijt is gewist" in admin.get(page).get_data(as_text=True)
    after = stored(db, leader)
    assert (after.totp_secret, after.totp_confirmed_at, after.recovery_code_hashes) == (
        None,
        None,
        None,
    )
    [line] = audit_lines(db)[len(before) :]
    assert (line.actor_id, line.actie, line.object_soort, line.object_id) == (
        beheerder.id,
        "tweede_stap_gewist",
        "gebruiker",
        leader.id,
    )
    assert audit.LABELS[line.actie] in admin.get("/beheer/logboek").get_data(as_text=True)
    # Whoever has the lost phone and is still logged in is out.
    assert not is_signed_in(leader_session)
    response = password_step(app.test_client(), leader)
    assert response.headers["Location"] == "/inloggen/instellen"


def audit_lines(db) -> list[AuditRegel]:
    with db.session() as session:
        return list(session.scalars(select(AuditRegel).order_by(AuditRegel.id)))


def test_clearing_ends_a_login_that_waits_for_its_code(app, db):
    leader = new_account(db, "teamleider")
    client = app.test_client()
    password_step(client, leader)
    with db.session() as session:
        assert mfa.clear(session, leader.id, actor=None)
    assert send_code(client, totp_code(leader.totp_secret)).headers["Location"] == "/inloggen"
    assert not is_signed_in(client)


def test_clearing_an_unknown_account_is_not_found_and_logs_nothing(app, db):
    admin = signed_in(app, db, new_account(db, "beheerder"))
    before = len(audit_lines(db))
    response = admin.post(
        "/beheer/gebruikers/999999/tweede-stap-wissen",
        data={"csrf_token": csrf_token(admin, "/beheer/")},
    )
    assert response.status_code == 404
    assert len(audit_lines(db)) == before


def test_the_command_line_clears_the_second_step_of_a_beheerder(db, monkeypatch, capsys):
    from quiz_service.cli import main

    monkeypatch.setenv("DATABASE_URL", db.url.render_as_string(hide_password=False))
    beheerder = new_account(db, "beheerder")
    assert main(["tweede-stap-wissen", "--email", beheerder.email.upper()]) == 0
    assert "is gewist" in capsys.readouterr().out
    assert stored(db, beheerder).totp_secret is None
    with db.session() as session:
        line = session.scalars(select(AuditRegel).where(AuditRegel.object_id == beheerder.id)).one()
    assert (line.actor_rol, line.actie) == (audit.COMMAND_LINE, "tweede_stap_gewist")
    assert main(["tweede-stap-wissen", "--email", "niemand@verzonnen.example"]) == 1
    assert "Er is geen account met" in capsys.readouterr().err


# --- Mijn gegevens ---


def test_the_download_says_the_second_step_is_set_up_but_holds_no_key_or_code(app, db, new_leader):
    client = app.test_client()
    password_step(client, new_leader)
    secret, codes = set_up_second_step(client)
    response = client.get("/mijn-gegevens/download")
    body = response.get_data(as_text=True)
    second_step = json.loads(body)["account"]["tweede_stap"]
    assert second_step["ingesteld"] is True
    assert second_step["herstelcodes_over"] == mfa.RECOVERY_CODES
    assert second_step["ingesteld_op"] and second_step["laatste_code_gebruikt_op"]
    digests = stored(db, new_leader).recovery_code_hashes.split()
    for secret_value in (secret, mfa.grouped_secret(secret), *codes, *digests):
        assert secret_value not in body


def test_deleting_the_account_leaves_no_key_behind(db):
    leader = new_account(db, "teamleider")
    with db.session() as session:
        assert gegevens.delete_account(session, leader.id, LINKS, datetime.now(UTC))
    with db.session() as session:
        left = session.scalar(
            select(func.count()).where(Gebruiker.totp_secret == leader.totp_secret)
        )
    assert left == 0
