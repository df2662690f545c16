"""Certificates: issued when a signed-in learner passes a course quiz, checkable by code.

The code is random (60 bits from an alphabet without look-alike characters such as 0/O and
1/I), so it can be read aloud or typed from paper, and cannot be guessed from another one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from site_builder.courses import Course, percent

from . import audit, codes
from .localtime import local_date
from .models import Certificaat, Gebruiker, Poging

CODE_LENGTH = 12


def new_code() -> str:
    return codes.random_code(CODE_LENGTH)


def normalise_code(code: str) -> str:
    """Accept what people type: lower case, spaces and dashes."""
    return codes.letters(code)


def display_code(code: str) -> str:
    """'ABCDEFGHJKMN' → 'ABCD-EFGH-JKMN', easier to read and type."""
    return codes.grouped(code)


def valid_until(passed_on: date, months: int | None) -> date | None:
    """The last day a pass counts; None when the course sets no validity period."""
    if months is None:
        return None
    return passed_on + relativedelta(months=months)


def issue(
    session: Session, attempt: Poging, course: Course, user: Gebruiker, when: datetime
) -> Certificaat:
    """Add the certificate for a passed attempt to the session (the caller commits)."""
    certificate = Certificaat(
        code=new_code(),
        poging_id=attempt.id,
        gebruiker_id=user.id,
        naam=user.display_name,
        cursus=course.slug,
        cursus_titel=course.titel,
        quiz_version=attempt.quiz_version,
        score_procent=percent(attempt.score, attempt.aantal),
        behaald_op=when,
        geldig_tot=valid_until(local_date(when), course.geldigheid_maanden),
    )
    session.add(certificate)
    return certificate


def find(session: Session, code: str) -> Certificaat | None:
    return session.scalar(select(Certificaat).where(Certificaat.code == normalise_code(code)))


def revoke(session: Session, certificate_id: int, reason: str, *, actor: Gebruiker | None) -> bool:
    """Revoke a certificate; True if this call did, False if it was revoked already. Commits.

    The audit log gets a line only when this call revoked it; the reason stays on the
    certificate, not in the log.

    Ends the read transaction first, so the update starts its own (see quizzes.py), and only
    touches a certificate that is not revoked yet: the first reason given stays.
    """
    session.rollback()
    result = session.execute(
        update(Certificaat)
        .where(Certificaat.id == certificate_id, Certificaat.ingetrokken_at.is_(None))
        .values(ingetrokken_at=datetime.now(UTC), ingetrokken_reden=reason)
        .execution_options(synchronize_session=False)
    )
    revoked = result.rowcount == 1
    if revoked:
        audit.record(session, actor, "certificaat_ingetrokken", ("certificaat", certificate_id))
    session.commit()
    return revoked
