"""The second step at login (ASVS 5.0 V6.3.3, V6.5): a code from an authenticator app (TOTP,
RFC 6238) for the roles that must use one, and recovery codes for a lost phone.

- Setting up: the first login after the password makes a secret, shows it (as text and as a
  QR code) and asks for a code from the app; only a right code confirms it. Then the person
  gets RECOVERY_CODES recovery codes, shown once; only their sha256 digests are stored.
- Logging in: a code from the app is accepted for the time step before, at and after now
  (a phone clock may be 30 seconds off), and only for a step later than the last one accepted,
  so a code works once (RFC 6238 §5.2). A recovery code works once too.
- A beheerder (or `quiz-service tweede-stap-wissen`) can clear the second step of someone who
  lost their phone and codes; they set it up again at their next login.

SQLite note (see quiz_service/quizzes.py): reads happen in a transaction of their own, and each
write is the first statement of its transaction. Every write is conditional, so two requests
at the same moment cannot both use one code.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from .. import audit, codes
from ..models import ROLES, Gebruiker
from .services import bump_session_epoch

ISSUER = "Mantelzorgacademie Flevoland"
# Steps either side of now that a code may be from.
WINDOW = 1
RECOVERY_CODES = 10
# From codes.ALPHABET (31 signs): 16 of them are about 79 bits, too many to guess even from a
# stolen digest, so a fast hash is enough (as for the reset links).
RECOVERY_LENGTH = 16
TOTP_DIGITS = 6
INTERVAL_SECONDS = 30  # pyotp's default, and what every authenticator app uses


class AlreadySetUp(Exception):
    """The second step of this account was confirmed already (perhaps in another tab)."""


def required_roles(value: str) -> frozenset[str]:
    """The roles in a MZA_TWEEDE_STAP_ROLLEN value such as 'teamleider, beheerder'."""
    roles = frozenset(part.strip() for part in value.split(",") if part.strip())
    unknown = roles - set(ROLES)
    if unknown:
        raise ValueError(
            f"MZA_TWEEDE_STAP_ROLLEN noemt een onbekende rol: {', '.join(sorted(unknown))}. "
            f"Kies uit: {', '.join(ROLES)}."
        )
    return roles


def is_set_up(user: Gebruiker) -> bool:
    return user.totp_confirmed_at is not None


def grouped_secret(secret: str) -> str:
    """'JBSWY3DPEHPK3PXP' → 'JBSW Y3DP EHPK 3PXP': easier to type over into an app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address in the QR code; the app shows the site's name and the address."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _timestamp(now: datetime) -> float:
    return now.astimezone(UTC).timestamp()


def step_start(step: int) -> datetime:
    """When a time step began (for the export: when the last code was used)."""
    return datetime.fromtimestamp(step * INTERVAL_SECONDS, UTC)


def _matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step in the window whose code this is and that was not used yet, or None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(_timestamp(now))
    for step in range(current - WINDOW, current + WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _digits(typed: str) -> str | None:
    """The code from an app, without the spaces people type ('123 456'); None if it is not one."""
    plain = "".join(typed.split())
    if len(plain) == TOTP_DIGITS and plain.isascii() and plain.isdigit():
        return plain
    return None


# --- Setting it up ---


def begin_set_up(session: Session, user_id: int) -> str:
    """The secret to show for setting up: the one made earlier if the person reloads the page
    (their app may have it already), else a new one. Commits."""
    user = session.get(Gebruiker, user_id)
    if user is None:
        raise LookupError(user_id)
    if is_set_up(user):
        raise AlreadySetUp
    if user.totp_secret:
        secret = user.totp_secret
        session.rollback()
        return secret
    secret = pyotp.random_base32()  # 32 signs of base32: 160 bits, as RFC 4226 advises
    session.rollback()
    session.execute(
        update(Gebruiker)
        .where(
            Gebruiker.id == user_id,
            Gebruiker.totp_secret.is_(None),
            Gebruiker.totp_confirmed_at.is_(None),
        )
        .values(totp_secret=secret)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    # Another tab may have made one at the same moment: everyone shows the stored one.
    return session.scalar(select(Gebruiker.totp_secret).where(Gebruiker.id == user_id))


def hash_recovery_code(typed: str) -> str:
    return hashlib.sha256(codes.letters(typed).encode("ascii", "ignore")).hexdigest()


def new_recovery_codes() -> list[str]:
    return [codes.grouped(codes.random_code(RECOVERY_LENGTH)) for _ in range(RECOVERY_CODES)]


def confirm_set_up(session: Session, user_id: int, typed: str, now: datetime) -> list[str] | None:
    """Confirm the secret with a code from the app; returns the new recovery codes (to show
    once), or None if the code is wrong. Raises AlreadySetUp. Commits."""
    row = session.execute(
        select(Gebruiker.totp_secret, Gebruiker.totp_confirmed_at).where(Gebruiker.id == user_id)
    ).one_or_none()
    session.rollback()
    if row is None:
        raise LookupError(user_id)
    secret, confirmed_at = row
    if confirmed_at is not None:
        raise AlreadySetUp
    code = _digits(typed)
    step = _matching_step(secret, code, now, None) if secret and code else None
    if step is None:
        return None
    recovery = new_recovery_codes()
    done = session.execute(
        update(Gebruiker)
        .where(
            Gebruiker.id == user_id,
            Gebruiker.totp_secret == secret,
            Gebruiker.totp_confirmed_at.is_(None),
        )
        .values(
            totp_confirmed_at=now,
            totp_last_step=step,
            recovery_code_hashes=" ".join(hash_recovery_code(c) for c in recovery),
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        session.rollback()
        raise AlreadySetUp
    session.commit()
    return recovery


# --- Logging in ---

APP = "app"
RECOVERY = "herstelcode"


@dataclass(frozen=True)
class Accepted:
    kind: str  # APP or RECOVERY
    recovery_left: int


def verify(session: Session, user_id: int, typed: str, now: datetime) -> Accepted | None:
    """Accept a code from the app or a recovery code, once; None if it is wrong or used.
    Commits when it is accepted."""
    row = session.execute(
        select(
            Gebruiker.totp_secret,
            Gebruiker.totp_confirmed_at,
            Gebruiker.totp_last_step,
            Gebruiker.recovery_code_hashes,
        ).where(Gebruiker.id == user_id, Gebruiker.deleted_at.is_(None))
    ).one_or_none()
    session.rollback()
    if row is None or row.totp_confirmed_at is None or not row.totp_secret:
        return None
    left = len((row.recovery_code_hashes or "").split())
    code = _digits(typed)
    if code is None:
        return _use_recovery_code(session, user_id, typed)
    step = _matching_step(row.totp_secret, code, now, row.totp_last_step)
    if step is None:
        return None
    # Of two requests with the same code at the same moment, one moves the step on and the
    # other finds nothing left to update.
    claimed = session.execute(
        update(Gebruiker)
        .where(
            Gebruiker.id == user_id,
            or_(Gebruiker.totp_last_step.is_(None), Gebruiker.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()
        return None
    session.commit()
    return Accepted(APP, left)


def _use_recovery_code(session: Session, user_id: int, typed: str) -> Accepted | None:
    if len(codes.letters(typed)) != RECOVERY_LENGTH:
        return None
    digest = hash_recovery_code(typed)
    # Compare-and-swap on the whole list: a code used by another request in the meantime
    # makes the update miss, and the list is read again.
    for _ in range(3):
        stored = session.scalar(
            select(Gebruiker.recovery_code_hashes).where(Gebruiker.id == user_id)
        )
        session.rollback()
        hashes = (stored or "").split()
        if not any(hmac.compare_digest(digest, h) for h in hashes):
            return None
        rest = [h for h in hashes if not hmac.compare_digest(digest, h)]
        swapped = session.execute(
            update(Gebruiker)
            .where(Gebruiker.id == user_id, Gebruiker.recovery_code_hashes == stored)
            .values(recovery_code_hashes=" ".join(rest))
            .execution_options(synchronize_session=False)
        )
        if swapped.rowcount == 1:
            session.commit()
            return Accepted(RECOVERY, len(rest))
        session.rollback()
    return None


# --- Clearing it (a lost phone) ---


def clear(session: Session, user_id: int, actor: Gebruiker | None) -> bool:
    """Remove the second step of this account and end its sessions; the person sets it up
    again at their next login. Writes an audit line. Commits; False if there is no account."""
    done = session.execute(
        update(Gebruiker)
        .where(Gebruiker.id == user_id, Gebruiker.deleted_at.is_(None))
        .values(
            totp_secret=None,
            totp_confirmed_at=None,
            totp_last_step=None,
            recovery_code_hashes=None,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        session.rollback()
        return False
    # Whoever has the phone or the codes may still be logged in: not any more.
    bump_session_epoch(session, user_id)
    audit.record(session, actor, "tweede_stap_gewist", ("gebruiker", user_id))
    session.commit()
    return True
