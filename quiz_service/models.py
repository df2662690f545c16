"""The account domain: organisaties, teams and gebruikers.

Every change here needs a migration (`alembic revision --autogenerate -m ...`, then read it);
tests/test_migrations.py fails while the models and the migrations differ.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .db import Base

ROLES = ("mantelzorger", "medewerker", "teamleider", "organisator", "beheerder")


def _now() -> datetime:
    return datetime.now(UTC)


def normalise_email(email: str) -> str:
    """E-mail addresses are compared without regard to case, so they are stored in lower case."""
    return email.strip().lower()


class Organisatie(Base):
    __tablename__ = "organisatie"

    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(200), unique=True)
    # Staff join their organisation with this code; it is unique so it names one organisation.
    invite_code: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    teams: Mapped[list[Team]] = relationship(
        back_populates="organisatie", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint("length(naam) > 0", name="naam_niet_leeg"),
        CheckConstraint("length(invite_code) >= 8", name="invite_code_lang_genoeg"),
    )


class Team(Base):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A team only exists inside its organisation: deleting the organisation deletes its teams.
    organisatie_id: Mapped[int] = mapped_column(ForeignKey("organisatie.id", ondelete="CASCADE"))
    naam: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    organisatie: Mapped[Organisatie] = relationship(back_populates="teams")

    # The unique constraint's index also serves lookups by organisatie_id.
    __table_args__ = (
        UniqueConstraint("organisatie_id", "naam"),
        CheckConstraint("length(naam) > 0", name="naam_niet_leeg"),
    )


class Gebruiker(Base):
    """A person with an account. Mantelzorgers and beheerders need no organisation."""

    __tablename__ = "gebruiker"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored in lower case (see `normalise_email`); the check keeps raw SQL from adding a
    # mixed-case twin that the unique constraint would not see.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(200))
    # An account belongs to its person, not to the employer: deleting an organisation or team
    # detaches its people instead of deleting their accounts.
    organisatie_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisatie.id", ondelete="SET NULL"), index=True
    )
    # That the team is one of the user's organisation is checked by the services: a composite
    # foreign key would clear the organisation too when the team is deleted.
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="SET NULL"), index=True
    )
    # Raised to end every session of this user at once (logout everywhere, password change);
    # a session cookie carrying an older epoch is no longer valid.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisatie: Mapped[Organisatie | None] = relationship()
    team: Mapped[Team | None] = relationship()

    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_kleine_letters"),
        CheckConstraint("length(email) >= 3", name="email_niet_leeg"),
        CheckConstraint(
            "role IN (" + ", ".join(f"'{role}'" for role in ROLES) + ")", name="role_bekend"
        ),
        CheckConstraint("length(display_name) > 0", name="display_name_niet_leeg"),
        CheckConstraint("session_epoch >= 0", name="session_epoch_niet_negatief"),
    )

    @validates("email")
    def _normalise_email(self, _key: str, email: str) -> str:
        return normalise_email(email)
