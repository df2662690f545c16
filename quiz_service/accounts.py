"""Business rules for accounts that more than one entry point needs (CLI now, views later)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Gebruiker, normalise_email
from .passwords import GUESSABLE, hash_password, is_guessable


class AccountError(ValueError):
    """A request that breaks a rule; the message is Dutch and says what to do."""


# A length rule and nothing else (NIST SP 800-63B, ASVS 5.0 V6.2): 12 characters is enough for
# a passphrase of three or four ordinary words, which is easier to remember than "Xk8!..." and
# harder to guess. Composition rules ("a digit and a capital") only lead to predictable passwords.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024


def password_problem(password: str, email: str = "") -> str | None:
    """What is wrong with a new password, in Dutch, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"Het wachtwoord is te kort. Gebruik minstens {MIN_PASSWORD_LENGTH} tekens, "
            "bijvoorbeeld drie of vier woorden achter elkaar."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        return "Het wachtwoord is te lang."
    if email and normalise_email(password) == normalise_email(email):
        return "Gebruik niet uw e-mailadres als wachtwoord."
    local_part = normalise_email(email).partition("@")[0]
    if is_guessable(
        password, context=tuple(local_part.replace(".", " ").replace("-", " ").split())
    ):
        return GUESSABLE
    return None


def find_by_email(session: Session, email: str) -> Gebruiker | None:
    return session.scalar(select(Gebruiker).where(Gebruiker.email == normalise_email(email)))


def create_beheerder(session: Session, email: str, password: str, display_name: str) -> Gebruiker:
    """Add a beheerder; only the argon2id hash of `password` is stored. Does not commit."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise AccountError(f"Dit e-mailadres klopt niet: {error}") from None
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    if find_by_email(session, email) is not None:
        raise AccountError(f"Er is al een account met {normalise_email(email)}.")
    user = Gebruiker(
        email=email,
        password_hash=hash_password(password),
        role="beheerder",
        display_name=display_name,
    )
    session.add(user)
    return user
