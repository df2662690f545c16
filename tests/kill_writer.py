"""Writers of realistic multi-row transactions, for the crash test and the backup test.

One transaction is what passing a course writes: an account, the attempt, the certificate and
the mail that announces it (four rows in four tables). Every row carries the transaction's
tag and number, so a check can tell a complete transaction from a partial one.

Run as `python -m tests.kill_writer DATABASE_URL`, it is a launcher for tests/test_kill.py:
it imports SQLAlchemy and the models once, then for each line `RUN ACK_FILE` on its stdin forks
a writer that commits transactions until it is killed, prints the writer's pid, and after the
kill prints `dood`. Forking skips the second of interpreter start-up per kill.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz_service.db import make_engine
from quiz_service.models import Certificaat, Gebruiker, Mail, Poging

# Not a real hash: these accounts are never logged in to.
FAKE_HASH = "$argon2id$niet-echt"
TABLES = ("gebruiker", "poging", "certificaat", "mail")


def email_of(tag: str, number: int) -> str:
    return f"{tag}-{number}@verzonnen.example"


def write_transaction(session: Session, tag: str, number: int) -> None:
    """Add and commit one transaction of four rows."""
    now = datetime.now(UTC)
    user = Gebruiker(
        email=email_of(tag, number),
        password_hash=FAKE_HASH,
        role="medewerker",
        display_name=f"Verzonnen Medewerker {number}",
    )
    session.add(user)
    session.flush()
    attempt = Poging(
        gebruiker_id=user.id,
        quiz_key=f"cursus:{tag}-{number}",
        quiz_version="verzonnen0001",
        state="ingeleverd",
        vragen=[{"id": "v1", "tekst": "Verzonnen vraag", "opties": []}],
        antwoorden={"v1": ["a"]},
        score=1,
        aantal=1,
        geslaagd=True,
        started_at=now - timedelta(minutes=12),
        submitted_at=now,
    )
    session.add(attempt)
    session.flush()
    session.add(
        Certificaat(
            code=f"{tag}-{number}",
            poging_id=attempt.id,
            gebruiker_id=user.id,
            naam=user.display_name,
            cursus="ken-je-mantelzorger",
            cursus_titel="Ken je mantelzorger (verzonnen)",
            quiz_version="verzonnen0001",
            score_procent=100,
            behaald_op=now,
            geldig_tot=date(2028, 12, 1),
        )
    )
    session.add(
        Mail(aan=user.email, onderwerp=f"Certificaat {tag}-{number}", tekst="Gefeliciteerd.")
    )
    session.commit()


def numbers_per_table(session: Session, tag: str) -> dict[str, set[int]]:
    """The transaction numbers with `tag` that each of the four tables holds."""
    prefix = f"{tag}-"

    def numbers(values) -> set[int]:
        found = set()
        for value in values:
            found.add(int(value.removeprefix(prefix).split("@")[0]))
        return found

    like = f"{prefix}%"
    return {
        "gebruiker": numbers(
            session.scalars(select(Gebruiker.email).where(Gebruiker.email.like(like)))
        ),
        "poging": numbers(
            key.removeprefix("cursus:")
            for key in session.scalars(
                select(Poging.quiz_key).where(Poging.quiz_key.like(f"cursus:{like}"))
            )
        ),
        "certificaat": numbers(
            session.scalars(select(Certificaat.code).where(Certificaat.code.like(like)))
        ),
        "mail": numbers(session.scalars(select(Mail.aan).where(Mail.aan.like(like)))),
    }


def _write_until_killed(url: str, run: str, ack_path: str) -> None:
    engine = make_engine(url)
    with open(ack_path, "a", encoding="utf-8") as acks, Session(engine) as session:
        number = 0
        while True:
            number += 1
            write_transaction(session, run, number)
            # The acknowledgement: only after COMMIT has returned.
            acks.write(f"{number}\n")
            acks.flush()


def main() -> None:
    url = sys.argv[1]
    for line in iter(sys.stdin.readline, ""):
        run, ack_path = line.split()
        pid = os.fork()
        if pid == 0:
            try:
                _write_until_killed(url, run, ack_path)
            finally:
                os._exit(1)
        print(pid, flush=True)
        os.waitpid(pid, 0)
        print("dood", flush=True)


if __name__ == "__main__":
    main()
