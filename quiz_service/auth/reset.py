"""Links to choose a (new) password: a reset someone asked for, or the invitation of new staff.

The link carries a random token; only its sha256 is stored, so a copy of the database cannot
be used to reset anyone's password. A token works once, until it expires, and only while the
account is active. Setting a password through it ends every session of the account and makes
the account's other links useless.

SQLite note (see quiz_service/quizzes.py): reads happen in a transaction of their own, and each
write is the first statement of its transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import mail
from ..accounts import AccountError, password_problem
from ..models import Gebruiker, WachtwoordReset, normalise_email
from ..passwords import hash_password
from .services import bump_session_epoch, has_usable_password

# Tokens longer than this never came from us; they are refused before any hashing.
MAX_TOKEN_LENGTH = 100

# A link that builds the absolute URL for a token (from the configured site address, never
# from the request's Host header, which anyone can set).
LinkFor = Callable[[str], str]


class InvalidToken(Exception):
    """The link is unknown, expired, used, or its account no longer exists."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_token(session: Session, user_id: int, valid_for: timedelta) -> str:
    """Add a link token for the user to the caller's transaction; returns the token itself."""
    token = secrets.token_urlsafe(32)
    session.add(
        WachtwoordReset(
            gebruiker_id=user_id,
            token_hash=hash_token(token),
            expires_at=datetime.now(UTC) + valid_for,
        )
    )
    return token


# --- Asking for a reset ---

RESET_SUBJECT = "Nieuw wachtwoord voor de Mantelzorgacademie"


def reset_mail_text(name: str, link: str, minutes: int) -> str:
    return (
        f"Beste {name},\n\n"
        "U heeft gevraagd om een nieuw wachtwoord voor de Mantelzorgacademie Flevoland.\n"
        "Klik op deze link. Daarna kiest u een nieuw wachtwoord.\n\n"
        f"{link}\n\n"
        f"De link werkt {minutes} minuten. U kunt hem één keer gebruiken.\n\n"
        "Heeft u niet om een nieuw wachtwoord gevraagd? Dan hoeft u niets te doen. "
        "Uw wachtwoord blijft dan hetzelfde.\n\n"
        "Met vriendelijke groet,\n"
        "Mantelzorgacademie Flevoland\n"
    )


def request_reset(session: Session, email: str, link_for: LinkFor, valid_for: timedelta) -> bool:
    """Queue a reset mail if an active account has this address. Commits.

    Returns whether a mail was queued; the caller must not show that to the visitor (the answer
    is the same either way, so nobody can find out who has an account).
    """
    user = session.execute(
        select(Gebruiker.id, Gebruiker.email, Gebruiker.display_name).where(
            Gebruiker.email == normalise_email(email), Gebruiker.deleted_at.is_(None)
        )
    ).one_or_none()
    session.rollback()  # the writes below start their own transaction (module notes)
    if user is None:
        return False
    token = add_token(session, user.id, valid_for)
    minutes = int(valid_for.total_seconds() // 60)
    mail.queue(
        session,
        user.email,
        RESET_SUBJECT,
        reset_mail_text(user.display_name, link_for(token), minutes),
    )
    session.commit()
    return True


# --- Using a link ---


@dataclass(frozen=True)
class OpenLink:
    """What the form needs to know about a valid link."""

    user_id: int
    email: str
    first_password: bool  # an invited account that never had a password


def find_open_link(session: Session, token: str) -> OpenLink:
    """The link's account, if the token is valid now; raises InvalidToken otherwise."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken
    row = session.execute(
        select(Gebruiker.id, Gebruiker.email, Gebruiker.password_hash)
        .join(WachtwoordReset, WachtwoordReset.gebruiker_id == Gebruiker.id)
        .where(
            WachtwoordReset.token_hash == hash_token(token),
            WachtwoordReset.used_at.is_(None),
            WachtwoordReset.expires_at > datetime.now(UTC),
            Gebruiker.deleted_at.is_(None),
        )
    ).one_or_none()
    session.rollback()
    if row is None:
        raise InvalidToken
    return OpenLink(row.id, row.email, not has_usable_password(row.password_hash))


def set_password(session: Session, token: str, password: str) -> int:
    """Set the password through a link; returns the user id. Commits.

    Raises AccountError (a Dutch message, nothing changed) for a weak password and
    InvalidToken when the link is no longer valid, also when it was used at the same moment.
    """
    link = find_open_link(session, token)
    problem = password_problem(password, link.email)
    if problem:
        raise AccountError(problem)
    # Hashed before the write transaction starts: argon2 is slow on purpose, and SQLite has one
    # writer at a time.
    new_hash = hash_password(password)
    now = datetime.now(UTC)
    # The guard makes the link work once: of two submissions at the same moment, one marks it
    # used and the other finds nothing left to update.
    claimed = session.execute(
        update(WachtwoordReset)
        .where(
            WachtwoordReset.token_hash == hash_token(token),
            WachtwoordReset.used_at.is_(None),
            WachtwoordReset.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise InvalidToken
    changed = session.execute(
        update(Gebruiker)
        .where(Gebruiker.id == link.user_id, Gebruiker.deleted_at.is_(None))
        .values(password_hash=new_hash)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        session.rollback()
        raise InvalidToken
    # Other links (an older reset mail, the invitation) must not work any more either.
    session.execute(
        update(WachtwoordReset)
        .where(WachtwoordReset.gebruiker_id == link.user_id, WachtwoordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    # Whoever knew the old password (or still has a session) is out.
    bump_session_epoch(session, link.user_id)
    session.commit()
    return link.user_id
