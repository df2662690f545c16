"""Helpers for tests of the academie service: apps on the test database, accounts, forms.

Fixtures `academie_app` and `account` are provided by tests/conftest.py on top of these.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pyotp
from sqlalchemy import select

from quiz_service.auth import mfa
from quiz_service.models import Gebruiker
from quiz_service.passwords import hash_password
from site_builder import settings

ROOT = Path(__file__).resolve().parent.parent
FICTIONAL_CONTENT = ROOT / "tests" / "fixtures" / "cursus" / "geldig"
PASSWORD = "Verzonnen-wachtwoord-42"
# Hashing with argon2 takes a while; every test account shares this one hash.
PASSWORD_HASH = hash_password(PASSWORD)


# The roles that need a second step with the default setting (the test apps keep it).
SECOND_STEP_ROLES = mfa.required_roles(settings.get("MZA_TWEEDE_STAP_ROLLEN"))


def new_account(db, role="mantelzorger", second_step=None, **fields) -> Gebruiker:
    """A committed account with a fresh, fictional e-mail address and PASSWORD.

    An account of a role that needs a second step has it set up already (`user.totp_secret`
    is the key of its app), unless `second_step=False`: then its first login sets it up.
    """
    if second_step is None:
        second_step = role in SECOND_STEP_ROLES
    if second_step:
        fields.setdefault("totp_secret", pyotp.random_base32())
        fields.setdefault("totp_confirmed_at", datetime.now(UTC))
    with db.session() as session:
        user = Gebruiker(
            email=f"{uuid.uuid4().hex[:10]}@verzonnen.example",
            password_hash=PASSWORD_HASH,
            role=role,
            display_name=fields.pop("display_name", "Verzonnen Persoon"),
            **fields,
        )
        session.add(user)
        session.commit()
        return user


def csrf_token(client, path="/inloggen") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


# The newest time step each secret gave a code for in this test run: the service accepts a
# code once, so the next login of the same account needs a later one.
_USED_STEPS: dict[str, int] = {}


def totp_code(secret: str, last_step: int | None = None) -> str:
    """The code an authenticator app with this secret shows now, as a person would type it.

    A code works once, so a second login in the same 30 seconds takes the code of the next
    step, as a phone whose clock runs a little ahead would show (the service accepts one step
    either side). A third login within 30 seconds cannot get a code; the test must say so.
    """
    totp = pyotp.TOTP(secret)
    now = totp.timecode(time.time())
    used = max(step for step in (last_step, _USED_STEPS.get(secret), now - 1) if step is not None)
    for step in (now, now + 1):
        if step > used:
            _USED_STEPS[secret] = step
            return totp.generate_otp(step)
    raise AssertionError("geen ongebruikte code meer: dit account logde net al twee keer in")


def _second_step_of(client, email: str) -> tuple[str, int | None]:
    """The secret and the last used time step of this account, from the app's database."""
    engine = client.application.extensions["db_engine"]
    with engine.connect() as connection:
        secret, last_step = connection.execute(
            select(Gebruiker.totp_secret, Gebruiker.totp_last_step).where(
                Gebruiker.email == email.strip().lower()
            )
        ).one()
    return secret, last_step


def pass_second_step(client, email: str, code: str | None = None):
    """Type the code from the app on /inloggen/code; the answer must send the person on."""
    if code is None:
        code = totp_code(*_second_step_of(client, email))
    data = {"code": code, "csrf_token": csrf_token(client, "/inloggen/code")}
    response = client.post("/inloggen/code", data=data)
    assert response.status_code == 302, "de code van de tweede stap werd geweigerd"
    return response


SECRET_ON_PAGE = re.compile(r'<code id="sleutel">([A-Z2-7 ]+)</code>')


def set_up_second_step(client) -> tuple[str, list[str]]:
    """Set up the app as a person would: read the key on /inloggen/instellen (as text, what
    the QR code holds), type the app's code. Returns the key and the recovery codes shown."""
    page = client.get("/inloggen/instellen").get_data(as_text=True)
    secret = SECRET_ON_PAGE.search(page).group(1).replace(" ", "")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/inloggen/instellen", data={"code": totp_code(secret), "csrf_token": token}
    )
    assert response.status_code == 200, "de tweede stap instellen mislukte"
    shown = response.get_data(as_text=True)
    assert "Bewaar uw herstelcodes" in shown
    return secret, re.findall(r"<li><code>([A-Z0-9-]+)</code></li>", shown)


def log_in(client, user_or_email, password=PASSWORD):
    """Log in through the pages, with the second step where the role needs one: the code from
    the app, or setting the app up first when the account has no second step yet."""
    email = getattr(user_or_email, "email", user_or_email)
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    response = client.post("/inloggen", data=data)
    assert response.status_code == 302, "inloggen mislukt"
    if response.headers["Location"] == "/inloggen/code":
        return pass_second_step(client, email)
    if response.headers["Location"] == "/inloggen/instellen":
        set_up_second_step(client)
    return response


# --- Organisations, teams and quizzes taken through the pages (progress tests) ---


def signed_in(app, db, user, at: datetime | None = None):
    """A client with the session a login (at `at`, default now) leaves, without hashing a
    password or typing a code (fast)."""
    client = app.test_client()
    with db.session() as session:
        epoch = session.get(Gebruiker, user.id).session_epoch
    moment = int((at or datetime.now(UTC)).timestamp())
    with client.session_transaction() as cookie:
        cookie["uid"], cookie["epoch"] = user.id, epoch
        cookie["login_at"] = cookie["seen_at"] = moment
    return client


def new_organisation(db, naam=None):
    """A committed, fictional organisation with a unique name and invite code."""
    from quiz_service.models import Organisatie

    with db.session() as session:
        organisation = Organisatie(
            naam=naam or f"Verzonnen Zorg {uuid.uuid4().hex[:8]}", invite_code=uuid.uuid4().hex
        )
        session.add(organisation)
        session.commit()
        return organisation


def new_team(db, organisatie_id, naam=None):
    """A committed team in that organisation."""
    from quiz_service.models import Team

    with db.session() as session:
        team = Team(organisatie_id=organisatie_id, naam=naam or f"Team {uuid.uuid4().hex[:6]}")
        session.add(team)
        session.commit()
        return team


def quiz_answers(questions, right: bool) -> dict[str, list[str]]:
    """Form fields that answer every stored question right, or every question wrong."""
    fields = {}
    for question in questions:
        good = [o["id"] for o in question["opties"] if o["juist"]]
        bad = [o["id"] for o in question["opties"] if not o["juist"]][:1]
        fields[f"vraag-{question['id']}"] = good if right else bad
    return fields


def take_quiz(client, db, start_path: str, right: bool, token_page: str = "/academie/") -> int:
    """Start an attempt through the pages and submit it, answering from `Poging.vragen`."""
    from quiz_service.models import Poging

    response = client.post(start_path, data={"csrf_token": csrf_token(client, token_page)})
    assert response.status_code == 303, response.get_data(as_text=True)
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    with db.session() as session:
        questions = session.get(Poging, attempt_id).vragen
    data = {**quiz_answers(questions, right), "csrf_token": csrf_token(client, token_page)}
    submitted = client.post(f"/academie/pogingen/{attempt_id}", data=data)
    assert submitted.status_code == 303, submitted.get_data(as_text=True)
    return attempt_id


def mails_to(outbox_dir, address) -> list:
    """The mails to `address` in the outbox folder, oldest first, once the service's
    background senders are done."""
    import email
    from email import policy

    from quiz_service import mail

    mail.wait_for_senders()
    found = []
    for path in sorted(outbox_dir.glob("*.eml")) if outbox_dir.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def run_together(count: int, work) -> tuple[list, list]:
    """Run `work()` in `count` threads released at the same moment (each opens its own
    database session). Returns (results, errors); an error is kept, with its type."""
    import threading

    barrier = threading.Barrier(count)
    results, errors = [], []

    def once():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # reported by the caller
            errors.append(error)

    threads = [threading.Thread(target=once) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def close_app(app) -> None:
    """Close a test app's database engine, after the mail it is still sending in the
    background: a sender that connects after the engine is closed would leave an open
    connection behind (a ResourceWarning on PostgreSQL)."""
    from quiz_service import mail

    mail.wait_for_senders()
    app.extensions["db_engine"].dispose()
