"""The account domain: organisaties, teams and gebruikers.

Every change here needs a migration (`alembic revision --autogenerate -m ...`, then read it);
tests/test_migrations.py fails while the models and the migrations differ.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .db import Base, UTCDateTime

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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last successful login: a mantelzorger account unused for the retention period is
    # deleted by `quiz-service opruimen-accounts` (quiz_service.gegevens.services).
    laatst_ingelogd_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The second step at login for the roles in MZA_TWEEDE_STAP_ROLLEN (quiz_service.auth.mfa).
    # The TOTP secret is set when the person starts setting up their app and counts once a
    # first code confirmed it. It cannot be hashed: the server needs it to compute each code.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The time step of the last code accepted: a code (and any older one) works only once.
    totp_last_step: Mapped[int | None] = mapped_column()
    # sha256 digests of the unused recovery codes, separated by spaces; never the codes.
    recovery_code_hashes: Mapped[str | None] = mapped_column(Text)

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


# --- Learning: attempts, lessons read, assignments, certificates ---

ATTEMPT_STATES = ("bezig", "ingeleverd")


class Poging(Base):
    """One attempt at a quiz: the questions it drew, and after submission the answers and grade.

    `vragen` is a snapshot of the drawn questions as they were shown (text, options in the
    shown order, the answer key and the explanations), so the review page and the grade never
    change when an editor edits the quiz later; `quiz_version` names that version. The answer
    key in it never leaves the server before the attempt is submitted.

    Anonymous attempts (`gebruiker_id` NULL) hold nothing about a person. When an account is
    deleted its attempts become anonymous too: the counts stay, the person goes.
    """

    __tablename__ = "poging"

    id: Mapped[int] = mapped_column(primary_key=True)
    gebruiker_id: Mapped[int | None] = mapped_column(
        ForeignKey("gebruiker.id", ondelete="SET NULL")
    )
    # "cursus:<slug>" or "ziektebeeld:<slug>" (see quiz_service.catalog).
    quiz_key: Mapped[str] = mapped_column(String(200))
    quiz_version: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(12), default="bezig", server_default="bezig")
    vragen: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    antwoorden: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)
    score: Mapped[int | None] = mapped_column()  # questions answered right
    aantal: Mapped[int] = mapped_column()  # questions asked
    geslaagd: Mapped[bool | None] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint(
            "state IN (" + ", ".join(f"'{s}'" for s in ATTEMPT_STATES) + ")", name="state_bekend"
        ),
        CheckConstraint("aantal > 0", name="aantal_positief"),
        CheckConstraint(
            "(state = 'bezig') = (submitted_at IS NULL)", name="ingeleverd_heeft_datum"
        ),
        Index("ix_poging_gebruiker_quiz", "gebruiker_id", "quiz_key"),
        # One open attempt per person per quiz: starting twice (a double click, two tabs)
        # gives the same attempt, and the attempt limit cannot be raced past.
        Index(
            "uq_poging_een_open_poging",
            "gebruiker_id",
            "quiz_key",
            unique=True,
            sqlite_where=text("state = 'bezig' AND gebruiker_id IS NOT NULL"),
            postgresql_where=text("state = 'bezig' AND gebruiker_id IS NOT NULL"),
        ),
    )


class LesGelezen(Base):
    """A lesson a signed-in user opened, with the first time they did."""

    __tablename__ = "les_gelezen"

    id: Mapped[int] = mapped_column(primary_key=True)
    gebruiker_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id", ondelete="CASCADE"))
    cursus: Mapped[str] = mapped_column(String(200))
    les: Mapped[str] = mapped_column(String(300))  # the lesson's page path inside content/
    gelezen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    __table_args__ = (UniqueConstraint("gebruiker_id", "cursus", "les"),)


class Toewijzing(Base):
    """A course a teamleider assigned to a team, with a deadline."""

    __tablename__ = "toewijzing"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    cursus: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date | None] = mapped_column(Date)
    toegewezen_door_id: Mapped[int | None] = mapped_column(
        ForeignKey("gebruiker.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    team: Mapped[Team] = relationship()

    __table_args__ = (UniqueConstraint("team_id", "cursus"),)


class Certificaat(Base):
    """Proof of a passed course attempt, checkable by anyone who has the code.

    Name, course title and score are copied at issue time: the certificate says what was true
    on that day, even if the course or the person's display name changes later.
    """

    __tablename__ = "certificaat"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    poging_id: Mapped[int] = mapped_column(ForeignKey("poging.id", ondelete="CASCADE"), unique=True)
    gebruiker_id: Mapped[int] = mapped_column(
        ForeignKey("gebruiker.id", ondelete="CASCADE"), index=True
    )
    naam: Mapped[str] = mapped_column(String(200))
    cursus: Mapped[str] = mapped_column(String(200))
    cursus_titel: Mapped[str] = mapped_column(String(300))
    quiz_version: Mapped[str] = mapped_column(String(16))
    score_procent: Mapped[int] = mapped_column()
    behaald_op: Mapped[datetime] = mapped_column(UTCDateTime)
    geldig_tot: Mapped[date | None] = mapped_column(Date)
    ingetrokken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ingetrokken_reden: Mapped[str | None] = mapped_column(String(500))

    poging: Mapped[Poging] = relationship()

    __table_args__ = (
        CheckConstraint("score_procent BETWEEN 0 AND 100", name="score_procent_bereik"),
    )


# --- Mail and password reset ---


class WachtwoordReset(Base):
    """A password-reset link. Only a hash of its token is stored, so a copy of the database
    cannot be used to reset anyone's password."""

    __tablename__ = "wachtwoord_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    gebruiker_id: Mapped[int] = mapped_column(
        ForeignKey("gebruiker.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Mail(Base):
    """An e-mail in the outbox: written in the same transaction as what caused it, sent later.

    A mail server that is down never undoes a sign-up or a reset request; `quiz-service
    send-mail` (and the request that queued it) tries again until `sent_at` is set.
    """

    __tablename__ = "mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    aan: Mapped[str] = mapped_column(String(320))
    onderwerp: Mapped[str] = mapped_column(String(300))
    tekst: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pogingen: Mapped[int] = mapped_column(default=0, server_default="0")
    laatste_fout: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (Index("ix_mail_niet_verzonden", "sent_at", "id"),)


# --- Lotgenoten bijeenkomsten ---

MEETING_FORMS = ("fysiek", "online")
SIGNUP_STATES = ("onbevestigd", "bevestigd", "wachtlijst", "afgemeld")
# Sign-ups that hold a place or a place in the queue, or wait for their e-mail to be confirmed.
ACTIVE_SIGNUP_STATES = ("onbevestigd", "bevestigd", "wachtlijst")


class Bijeenkomst(Base):
    """One lotgenoten meeting on one day. A recurring meeting is a row per date, sharing `reeks`,
    so every date has its own places, waitlist and calendar entry.

    `bezet` counts the confirmed places. It only changes with a conditional update in
    quiz_service.bijeenkomsten.signups, and the check keeps it within the capacity even if a
    bug or hand-written SQL tried otherwise.
    """

    __tablename__ = "bijeenkomst"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The iCalendar UID: made once, so a calendar that subscribed recognises the meeting after
    # every change (and its cancellation) instead of showing a second one.
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    organisatie_id: Mapped[int] = mapped_column(
        ForeignKey("organisatie.id", ondelete="CASCADE"), index=True
    )
    reeks: Mapped[str | None] = mapped_column(String(32), index=True)
    titel: Mapped[str] = mapped_column(String(200))
    thema: Mapped[str] = mapped_column(String(100), index=True)
    gemeente: Mapped[str] = mapped_column(String(10), index=True)  # CBS code, or PV24
    vorm: Mapped[str] = mapped_column(String(10))
    # A location from the sociale kaart (its id), with its name and address copied at saving,
    # or a name and address typed by the organisator.
    locatie_id: Mapped[str | None] = mapped_column(String(200))
    locatie_naam: Mapped[str | None] = mapped_column(String(300))
    adres: Mapped[str | None] = mapped_column(String(300))
    # Only shown to people with a confirmed place, so strangers cannot join a closed group.
    online_link: Mapped[str | None] = mapped_column(String(500))
    begint_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    eindigt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capaciteit: Mapped[int] = mapped_column()
    bezet: Mapped[int] = mapped_column(default=0, server_default="0")
    beschrijving: Mapped[str] = mapped_column(Text)
    toegankelijkheid: Mapped[list[str]] = mapped_column(JSON, default=list)
    toegankelijkheid_toelichting: Mapped[str | None] = mapped_column(String(500))
    # The iCalendar SEQUENCE: raised on every change, so calendars take the newest version.
    volgnummer: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    gewijzigd_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    geannuleerd_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    annulering_reden: Mapped[str | None] = mapped_column(String(500))
    # Set when the sign-ups were deleted after the retention period; the counts stay.
    aanmeldingen_verwijderd_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisatie: Mapped[Organisatie] = relationship()

    __table_args__ = (
        CheckConstraint("length(titel) > 0", name="titel_niet_leeg"),
        CheckConstraint(
            "vorm IN (" + ", ".join(f"'{v}'" for v in MEETING_FORMS) + ")", name="vorm_bekend"
        ),
        CheckConstraint("capaciteit > 0", name="capaciteit_positief"),
        CheckConstraint("bezet >= 0 AND bezet <= capaciteit", name="bezet_binnen_capaciteit"),
        CheckConstraint("eindigt_at > begint_at", name="eindigt_na_begin"),
        CheckConstraint("volgnummer >= 0", name="volgnummer_niet_negatief"),
    )


class Aanmelding(Base):
    """Someone who signed up for a meeting: with an account, or with a name and e-mail address
    confirmed through a link.

    This says something about the health of a relative, so it is kept as short as possible:
    quiz_service.bijeenkomsten.signups deletes it a set number of days after the meeting, and
    nobody but the person and the meeting's own organisation ever sees it.
    """

    __tablename__ = "aanmelding"

    id: Mapped[int] = mapped_column(primary_key=True)
    bijeenkomst_id: Mapped[int] = mapped_column(ForeignKey("bijeenkomst.id", ondelete="CASCADE"))
    # Set for a sign-up with an account. Deleting the account first cancels its sign-ups
    # (freeing the place for the waitlist), then the cascade removes them.
    gebruiker_id: Mapped[int | None] = mapped_column(
        ForeignKey("gebruiker.id", ondelete="CASCADE"), index=True
    )
    naam: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(12))
    # Random, part of the signed link in the mails (see signups.link_token); a new key makes
    # old links stop working.
    sleutel: Mapped[str] = mapped_column(String(32))
    aangemeld_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    # When the place or the queue position was claimed: the waitlist goes in this order.
    in_rij_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    afgemeld_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bijeenkomst: Mapped[Bijeenkomst] = relationship()

    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in SIGNUP_STATES) + ")",
            name="status_bekend",
        ),
        CheckConstraint("email = lower(email)", name="email_kleine_letters"),
        CheckConstraint("length(naam) > 0", name="naam_niet_leeg"),
        # A place or a turn in the queue has its moment; an unconfirmed sign-up has none yet.
        CheckConstraint(
            "(status != 'onbevestigd' OR in_rij_at IS NULL) "
            "AND (status NOT IN ('bevestigd', 'wachtlijst') OR in_rij_at IS NOT NULL)",
            name="in_rij_na_bevestigen",
        ),
        # Nobody signs up twice for the same meeting: a double click, two tabs or a second
        # form all end at this index. A cancelled sign-up does not count, so one can come back.
        Index(
            "uq_aanmelding_een_per_adres",
            "bijeenkomst_id",
            "email",
            unique=True,
            sqlite_where=text("status != 'afgemeld'"),
            postgresql_where=text("status != 'afgemeld'"),
        ),
        Index("ix_aanmelding_rij", "bijeenkomst_id", "status", "in_rij_at", "id"),
    )

    @validates("email")
    def _normalise_email(self, _key: str, email: str) -> str:
        return normalise_email(email)


class AuditRegel(Base):
    """One administrative action: who did what to which object, and when (in UTC).

    Written by quiz_service.audit.record in the same transaction as the action itself, so a
    change that was rolled back leaves no line and a committed one always has its line.
    `details` holds only what explains the action (counts, old and new role), never anything
    that says something about a person's health, such as the themes of their meetings.
    """

    __tablename__ = "audit_regel"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, index=True)
    # The actor's account may be deleted later (their right to erasure); the line stays, with
    # their role at the time, but no longer points at the person.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("gebruiker.id", ondelete="SET NULL"), index=True
    )
    actor_rol: Mapped[str] = mapped_column(String(20))
    actie: Mapped[str] = mapped_column(String(50))
    object_soort: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[int | None] = mapped_column()
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (CheckConstraint("length(actie) > 0", name="actie_niet_leeg"),)
