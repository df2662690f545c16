"""Helpers for tests of the academie service: apps on the test database, accounts, forms.

Fixtures `academie_app` and `account` are provided by tests/conftest.py on top of these.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from quiz_service.models import Gebruiker
from quiz_service.passwords import hash_password

ROOT = Path(__file__).resolve().parent.parent
FICTIONAL_CONTENT = ROOT / "tests" / "fixtures" / "cursus" / "geldig"
PASSWORD = "Verzonnen-wachtwoord-42"
# Hashing with argon2 takes a while; every test account shares this one hash.
PASSWORD_HASH = hash_password(PASSWORD)


def new_account(db, role="mantelzorger", **fields) -> Gebruiker:
    """A committed account with a fresh, fictional e-mail address and PASSWORD."""
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


def log_in(client, user_or_email, password=PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    response = client.post("/inloggen", data=data)
    assert response.status_code == 302, "inloggen mislukt"
    return response


# --- Organisations, teams and quizzes taken through the pages (progress tests) ---


def signed_in(app, db, user):
    """A client with the session a login leaves, without hashing a password (fast)."""
    client = app.test_client()
    with db.session() as session:
        epoch = session.get(Gebruiker, user.id).session_epoch
    with client.session_transaction() as cookie:
        cookie["uid"], cookie["epoch"] = user.id, epoch
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
