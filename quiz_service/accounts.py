"""Business rules for accounts that more than one entry point needs (CLI now, views later)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Gebruiker, normalise_email
from .passwords import hash_password

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A request that breaks a rule; the message is Dutch and says what to do."""


def find_by_email(session: Session, email: str) -> Gebruiker | None:
    return session.scalar(select(Gebruiker).where(Gebruiker.email == normalise_email(email)))


def create_beheerder(session: Session, email: str, password: str, display_name: str) -> Gebruiker:
    """Add a beheerder; only the argon2id hash of `password` is stored. Does not commit."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise AccountError(f"Dit e-mailadres klopt niet: {error}") from None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"Het wachtwoord is te kort. Gebruik minstens {MIN_PASSWORD_LENGTH} tekens."
        )
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
