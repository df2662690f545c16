"""Business rules for accounts on the web; the views only translate HTTP to and from these."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import codes
from ..accounts import AccountError, password_problem
from ..models import Gebruiker, Organisatie, normalise_email
from ..passwords import hash_password, needs_rehash, verify_password

# Verified when the e-mail address is unknown, so that a wrong address takes as long as a
# wrong password and the response time does not tell which addresses have an account.
_DUMMY_HASH = hash_password("geen-echt-wachtwoord")


# An account made by a beheerder (CSV import) has no password until its owner chooses one
# through the link in the invitation. argon2 cannot parse this value, so
# `passwords.verify_password` rejects every password for it; the random part keeps it from
# being a known value.
UNUSABLE_PREFIX = "!"


def unusable_password() -> str:
    return UNUSABLE_PREFIX + secrets.token_urlsafe(32)


def has_usable_password(password_hash: str) -> bool:
    return not password_hash.startswith(UNUSABLE_PREFIX)


def authenticate(session: Session, email: str, password: str) -> Gebruiker | None:
    """The active user with this e-mail and password, or None.

    Commits the moment of this login (for the retention of unused accounts) and a rehash if
    one is due.
    """
    user = session.scalar(
        select(Gebruiker).where(
            Gebruiker.email == normalise_email(email), Gebruiker.deleted_at.is_(None)
        )
    )
    if user is None or not has_usable_password(user.password_hash):
        # An invited account without a password yet takes as long to refuse as any other.
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    values: dict[str, object] = {"laatst_ingelogd_at": datetime.now(UTC)}
    if needs_rehash(user.password_hash):
        values["password_hash"] = hash_password(password)
    # The read transaction ends first, so the write starts its own (see quizzes.py).
    user_id = user.id
    session.rollback()
    session.execute(
        update(Gebruiker)
        .where(Gebruiker.id == user_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return session.get(Gebruiker, user_id)


def load_session_user(session: Session, user_id: object, epoch: object) -> Gebruiker | None:
    """The user a session cookie names, if the account still exists and the epoch still holds.

    A cookie is only signed, not stored: without the epoch a copy would outlive logout.
    """
    if not isinstance(user_id, int) or not isinstance(epoch, int):
        return None
    user = session.get(Gebruiker, user_id)
    if user is None or user.deleted_at is not None or user.session_epoch != epoch:
        return None
    return user


def bump_session_epoch(session: Session, user_id: int) -> None:
    """Invalidate every session cookie of this user, in the caller's transaction.

    Incremented in SQL, so two logouts at once both count and neither is lost.
    """
    session.execute(
        update(Gebruiker)
        .where(Gebruiker.id == user_id)
        .values(session_epoch=Gebruiker.session_epoch + 1)
        .execution_options(synchronize_session=False)
    )


def end_all_sessions(session: Session, user_id: int) -> None:
    """Invalidate every session cookie of this user (logout, password change). Commits."""
    bump_session_epoch(session, user_id)
    session.commit()


# bandit B105: a message.
WRONG_CURRENT_PASSWORD = "Uw huidige wachtwoord klopt niet. Er is niets veranderd."  # nosec B105


def change_password(session: Session, user_id: int, current: str, new: str) -> int:
    """Set a new password after checking the current one; returns the new session epoch.

    Every other session of this user ends (the epoch goes up); the caller keeps its own by
    storing the returned epoch. Raises AccountError (Dutch, nothing changed). Commits.
    """
    user = session.get(Gebruiker, user_id)
    if user is None or user.deleted_at is not None:
        raise AccountError("Dit account bestaat niet meer.")
    if not verify_password(user.password_hash, current):
        raise AccountError(WRONG_CURRENT_PASSWORD)
    problem = password_problem(new, user.email)
    if problem:
        raise AccountError(problem)
    new_hash = hash_password(new)
    session.rollback()  # the write below starts its own transaction (see quizzes.py)
    session.execute(
        update(Gebruiker)
        .where(Gebruiker.id == user_id)
        .values(password_hash=new_hash)
        .execution_options(synchronize_session=False)
    )
    bump_session_epoch(session, user_id)
    session.commit()
    return session.scalar(select(Gebruiker.session_epoch).where(Gebruiker.id == user_id))


# --- Registration and joining an organisation ---


def register_mantelzorger(
    session: Session, email: str, display_name: str, password: str
) -> Gebruiker:
    """A new mantelzorger account; raises AccountError with a Dutch message. Commits."""
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    email = normalise_email(email)
    if session.scalar(select(Gebruiker.id).where(Gebruiker.email == email)) is not None:
        raise AccountError(DUPLICATE_EMAIL)
    user = Gebruiker(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        role="mantelzorger",
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        # Someone registered the same address at the same moment: the unique constraint wins.
        session.rollback()
        raise AccountError(DUPLICATE_EMAIL) from None
    return user


DUPLICATE_EMAIL = (
    "Er is al een account met dit e-mailadres. Log in, of gebruik een ander e-mailadres."
)

# Roles that may join an organisation with a code; the others are given their role by a beheerder.
JOINABLE_ROLES = ("mantelzorger", "medewerker")


def join_organisation(session: Session, user_id: int, invite_code: str) -> Organisatie:
    """Make the user a medewerker of the organisation whose invite code this is. Commits."""
    user = session.get(Gebruiker, user_id)
    if user is None or user.deleted_at is not None:
        raise AccountError("Dit account bestaat niet meer.")
    if user.organisatie_id is not None:
        raise AccountError(
            f"U hoort al bij {user.organisatie.naam}. Wilt u wisselen? Vraag het de beheerder."
        )
    if user.role not in JOINABLE_ROLES:
        raise AccountError("Met dit account kunt u niet aansluiten. Vraag het de beheerder.")
    organisatie = session.scalar(
        select(Organisatie).where(Organisatie.invite_code.in_(invite_code_variants(invite_code)))
    )
    if organisatie is None:
        raise AccountError(UNKNOWN_CODE)
    user.organisatie_id = organisatie.id
    user.role = "medewerker"
    session.commit()
    return organisatie


UNKNOWN_CODE = "Deze code kennen we niet. Controleer de code die u van uw werkgever kreeg."

# --- Invite codes ---

INVITE_LENGTH = 12


def new_invite_code() -> str:
    """A random code such as 'K7QM-XW2D-9HRT' (see quiz_service.codes)."""
    return codes.grouped(codes.random_code(INVITE_LENGTH))


def invite_code_variants(typed: str) -> set[str]:
    """The stored forms a typed code may have: as typed, in capitals, and regrouped.

    People type 'k7qm xw2d 9hrt' or 'K7QMXW2D9HRT' for 'K7QM-XW2D-9HRT'; older codes (the demo
    data) are stored as they were made.
    """
    typed = typed.strip()
    return {typed, typed.upper(), codes.grouped(codes.letters(typed))}
