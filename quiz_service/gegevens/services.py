"""What the service stores about one person, as one document, and deleting it.

Deleting an account removes the person: their account row, lessons read, certificates,
reset links, sign-ups for meetings and mail to their address. Their quiz attempts stay, without a person attached
(the foreign key sets NULL), so counts such as "how often was this quiz passed" stay right;
so do the assignments they made as teamleider and the audit lines of their beheer actions
(each keeps only the role, not the person).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from ..api import serialize
from ..api.serialize import when
from ..auth import mfa
from ..bijeenkomsten import signups
from ..bijeenkomsten.mails import Links
from ..models import (
    Aanmelding,
    AuditRegel,
    Bijeenkomst,
    Certificaat,
    Gebruiker,
    LesGelezen,
    Mail,
    Poging,
    Team,
    Toewijzing,
    WachtwoordReset,
)

EXPORT_VERSION = 3

# Every table that holds something about a person (a foreign key to gebruiker, or an e-mail
# address), with where it is in the export or why it is not. tests/test_privacy_data.py fails
# when a table with such a column is missing here (Moodle's privacy registry, in small).
PERSONAL_DATA = {
    "gebruiker": "account",
    "les_gelezen": "gelezen_lessen",
    "poging": "pogingen",
    "certificaat": "certificaten",
    "wachtwoord_reset": "wachtwoord_herstellen",
    "aanmelding": "aanmeldingen",
    "mail": "e-mails",
    "toewijzing": "toewijzingen_gedaan",
    "audit_regel": "beheeracties",
}

# A mantelzorger account that nobody logged in to for this long is deleted by
# `quiz-service opruimen-accounts` (24 months, as the privacy page proposes). Staff accounts
# are left to their organisation's beheerder: they end with the job, not with disuse.
STALE_AFTER_DAYS = 730


def export(session: Session, user_id: int) -> dict[str, Any]:
    """Everything stored about this account, in Dutch keys, ready for json.dumps."""
    user = session.get(Gebruiker, user_id)
    if user is None:
        raise LookupError(user_id)
    lessons = session.scalars(
        select(LesGelezen).where(LesGelezen.gebruiker_id == user_id).order_by(LesGelezen.id)
    )
    attempts = session.scalars(
        select(Poging).where(Poging.gebruiker_id == user_id).order_by(Poging.id)
    )
    certificates = session.scalars(
        select(Certificaat).where(Certificaat.gebruiker_id == user_id).order_by(Certificaat.id)
    )
    resets = session.scalars(
        select(WachtwoordReset)
        .where(WachtwoordReset.gebruiker_id == user_id)
        .order_by(WachtwoordReset.id)
    )
    mails = session.scalars(select(Mail).where(Mail.aan == user.email).order_by(Mail.id))
    assignments = session.execute(
        select(Toewijzing, Team.naam)
        .join(Team)
        .where(Toewijzing.toegewezen_door_id == user_id)
        .order_by(Toewijzing.id)
    ).all()
    actions = session.scalars(
        select(AuditRegel).where(AuditRegel.actor_id == user_id).order_by(AuditRegel.id)
    )
    meetings = session.execute(
        select(Aanmelding, Bijeenkomst)
        .join(Bijeenkomst)
        .where(or_(Aanmelding.gebruiker_id == user_id, Aanmelding.email == user.email))
        .order_by(Bijeenkomst.begint_at, Aanmelding.id)
    ).all()
    return {
        "uitleg": "Alles wat de Mantelzorgacademie Flevoland over uw account bewaart.",
        "versie": EXPORT_VERSION,
        "gemaakt_op": when(datetime.now(UTC)),
        "account": {
            "e-mailadres": user.email,
            "naam": user.display_name,
            "rol": user.role,
            "aangemaakt_op": when(user.created_at),
            "laatst_ingelogd_op": when(user.laatst_ingelogd_at),
            "organisatie": user.organisatie.naam if user.organisatie else None,
            "team": user.team.naam if user.team else None,
            # Whether it is set up and when, never the secret or the recovery codes: they are
            # keys, not information about the person (and a download may end up anywhere).
            "tweede_stap": {
                "ingesteld": user.totp_confirmed_at is not None,
                "ingesteld_op": when(user.totp_confirmed_at),
                "laatste_code_gebruikt_op": when(
                    mfa.step_start(user.totp_last_step) if user.totp_last_step is not None else None
                ),
                "herstelcodes_over": len((user.recovery_code_hashes or "").split()),
            },
        },
        "gelezen_lessen": [
            {"cursus": row.cursus, "les": row.les, "eerst_gelezen_op": when(row.gelezen_at)}
            for row in lessons
        ],
        # As the API shows them: the answer key only for a submitted attempt.
        "pogingen": [serialize.attempt(attempt) for attempt in attempts],
        "certificaten": [
            {
                "code": c.code,
                "cursus": c.cursus,
                "cursustitel": c.cursus_titel,
                "naam_op_certificaat": c.naam,
                "cursusversie": c.quiz_version,
                "score_procent": c.score_procent,
                "behaald_op": when(c.behaald_op),
                "geldig_tot": when(c.geldig_tot),
                "ingetrokken_op": when(c.ingetrokken_at),
                "reden_intrekken": c.ingetrokken_reden,
            }
            for c in certificates
        ],
        # Only when; the link itself is never stored, just a hash of it.
        "wachtwoord_herstellen": [
            {
                "aangevraagd_op": when(r.created_at),
                "geldig_tot": when(r.expires_at),
                "gebruikt_op": when(r.used_at),
            }
            for r in resets
        ],
        "aanmeldingen": [
            {
                "bijeenkomst": meeting.titel,
                "begint_op": when(meeting.begint_at),
                "status": signup.status,
                "naam": signup.naam,
                "e-mailadres": signup.email,
                "aangemeld_op": when(signup.aangemeld_at),
                "afgemeld_op": when(signup.afgemeld_at),
            }
            for signup, meeting in meetings
        ],
        "e-mails": [
            {
                "onderwerp": m.onderwerp,
                "tekst": m.tekst,
                "aangemaakt_op": when(m.created_at),
                "verzonden_op": when(m.sent_at),
            }
            for m in mails
        ],
        # What this person did as teamleider or beheerder: their own actions, so theirs to see.
        "toewijzingen_gedaan": [
            {
                "team": team_naam,
                "cursus": t.cursus,
                "deadline": t.deadline.isoformat() if t.deadline else None,
                "toegewezen_op": when(t.created_at),
            }
            for t, team_naam in assignments
        ],
        "beheeracties": [
            {
                "actie": a.actie,
                "object": a.object_soort,
                "object_id": a.object_id,
                "op": when(a.at),
            }
            for a in actions
        ],
    }


def delete_account(session: Session, user_id: int, links: Links, now: datetime) -> bool:
    """Remove the person and what belongs to them. Commits; False if the account was gone.

    Their sign-ups for meetings are cancelled first, so each place goes to the first person on
    the waitlist (who is mailed); then the account and the rest go in one transaction.

    The database does the rest through its foreign keys: lessons read, certificates and reset
    links are deleted with the account; attempts and assignments lose their person (NULL).
    """
    email = session.scalar(select(Gebruiker.email).where(Gebruiker.id == user_id))
    session.rollback()  # the write below starts its own transaction (see quizzes.py)
    if email is None:
        return False
    signups.cancel_all_of_user(session, user_id, email, links, now)
    # Mail first: it is found by address, not by a foreign key.
    session.execute(delete(Mail).where(Mail.aan == email))
    # Sign-ups made without logging in have no foreign key to the account: found by address.
    session.execute(delete(Aanmelding).where(Aanmelding.email == email))
    deleted = session.execute(delete(Gebruiker).where(Gebruiker.id == user_id)).rowcount
    session.commit()
    return deleted == 1


def delete_stale_accounts(
    session: Session, links: Links, now: datetime, days: int = STALE_AFTER_DAYS
) -> int:
    """Delete every mantelzorger account not logged in to for `days` days; how many. Commits.

    An account that never logged in counts from its creation. Each goes as if its owner
    deleted it (`delete_account`), so their places at meetings pass to the waitlist.
    """
    cutoff = now - timedelta(days=days)
    last_seen = func.coalesce(Gebruiker.laatst_ingelogd_at, Gebruiker.created_at)
    stale = session.scalars(
        select(Gebruiker.id).where(
            Gebruiker.role == "mantelzorger",
            Gebruiker.deleted_at.is_(None),
            last_seen < cutoff,
        )
    ).all()
    session.rollback()
    return sum(delete_account(session, user_id, links, now) for user_id in stale)
