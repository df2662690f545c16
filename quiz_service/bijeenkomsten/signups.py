"""Sign-ups: places, the waitlist, confirming by e-mail, cancelling, and deleting them later.

Places. `Bijeenkomst.bezet` counts the confirmed places and only grows through one
conditional update (`_take_place`): `UPDATE bijeenkomst SET bezet = bezet + 1 WHERE id = …
AND bezet < capaciteit`, with the row count saying whether this request got the place. The
database decides, so simultaneous sign-ups can never overbook: counting the confirmed
sign-ups first and inserting afterwards let 40 simultaneous sign-ups confirm 31–39 people for
10 places on SQLite and 18–25 on PostgreSQL.

The waitlist. A request that found no place, a cancellation and a promotion all take the
meeting's row lock first (`lock`), so "no place left, so wait" and "a place came free, so
promote the first one waiting" never pass each other: there is never a free place while
somebody waits.

Sensitive data. A sign-up says something about the health of a relative. Without an account,
nothing is kept but the name and address typed in, and the place is only taken once the link
in the mail is clicked, so nobody can sign up someone else. `purge` deletes sign-ups a set
number of days after the meeting; only the counts stay.

SQLite note (see quiz_service/quizzes.py): every write below is the first statement of its
transaction; the checks before it run in a read transaction that is ended first.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import write_lock
from ..errors import NotFound
from ..models import ACTIVE_SIGNUP_STATES, Aanmelding, Bijeenkomst, Gebruiker, normalise_email
from . import mails

CONFIRMED, WAITING, UNCONFIRMED, CANCELLED = "bevestigd", "wachtlijst", "onbevestigd", "afgemeld"

# An unconfirmed sign-up (its link never clicked) is deleted after this long.
CONFIRM_HOURS = 48

# bandit B105: a public salt.
_TOKEN_SALT = "bijeenkomst-aanmelding"  # nosec B105
MAX_TOKEN_LENGTH = 200


class Closed(Exception):
    """The meeting is cancelled or has begun: no more sign-ups (a 409)."""

    def __init__(self, meeting: Bijeenkomst):
        super().__init__(meeting.id)
        self.cancelled = meeting.geannuleerd_at is not None


class AlreadySignedUp(Exception):
    """This account (or address) already has a sign-up for the meeting (a 409)."""


@dataclass(frozen=True)
class Outcome:
    signup_id: int
    status: str
    position: int | None  # place on the waitlist, 1 for the first


# --- The links in the mails ---


def token_for(signup: Aanmelding, secret: str) -> str:
    """The signed part of the sign-up's own link. Signed, not stored: the database holds only
    the random key, so a copy of it is not enough to make a link for someone else."""
    return URLSafeSerializer(secret, salt=_TOKEN_SALT).dumps([signup.id, signup.sleutel])


def find_by_token(session: Session, token: str, secret: str) -> Aanmelding:
    """The sign-up of a link; NotFound for a wrong, changed or deleted one."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise NotFound()
    try:
        signup_id, key = URLSafeSerializer(secret, salt=_TOKEN_SALT).loads(token)
    except (BadSignature, ValueError, TypeError) as error:
        raise NotFound() from error
    signup = session.get(Aanmelding, signup_id) if isinstance(signup_id, int) else None
    if signup is None or not secrets.compare_digest(str(key), signup.sleutel):
        raise NotFound()
    return signup


def _new_key() -> str:
    return secrets.token_hex(16)


# --- Places and the lock ---


def lock(session: Session, meeting_id: int) -> None:
    """Take the meeting's row lock until commit: an update that changes nothing. On
    PostgreSQL it locks that row; on SQLite every write transaction is alone anyway."""
    session.execute(
        update(Bijeenkomst)
        .where(Bijeenkomst.id == meeting_id)
        .values(bezet=Bijeenkomst.bezet)
        .execution_options(synchronize_session=False)
    )


def _take_place(session: Session, meeting_id: int, now: datetime) -> bool:
    taken = session.execute(
        update(Bijeenkomst)
        .where(
            Bijeenkomst.id == meeting_id,
            Bijeenkomst.bezet < Bijeenkomst.capaciteit,
            Bijeenkomst.geannuleerd_at.is_(None),
            Bijeenkomst.begint_at > now,
        )
        .values(bezet=Bijeenkomst.bezet + 1)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def _open_meeting(session: Session, meeting_id: int, now: datetime) -> Bijeenkomst:
    meeting = session.get(Bijeenkomst, meeting_id, populate_existing=True)
    if meeting is None:
        raise NotFound()
    if meeting.geannuleerd_at is not None or meeting.begint_at <= now:
        raise Closed(meeting)
    return meeting


def _claim(session: Session, meeting_id: int, now: datetime) -> str:
    """A place, or else a turn on the waitlist: CONFIRMED or WAITING. Raises Closed."""
    if _take_place(session, meeting_id, now):
        return CONFIRMED
    lock(session, meeting_id)
    # Under the lock: a place that came free since the first try is taken after all.
    if _take_place(session, meeting_id, now):
        return CONFIRMED
    _open_meeting(session, meeting_id, now)  # full, or closed?
    return WAITING


def position(session: Session, signup: Aanmelding) -> int | None:
    if signup.status != WAITING:
        return None
    ahead = session.scalar(
        select(func.count())
        .select_from(Aanmelding)
        .where(
            Aanmelding.bijeenkomst_id == signup.bijeenkomst_id,
            Aanmelding.status == WAITING,
            tuple_(Aanmelding.in_rij_at, Aanmelding.id) < tuple_(signup.in_rij_at, signup.id),
        )
    )
    return ahead + 1


def fill_free_places(
    session: Session, meeting: Bijeenkomst, links: mails.Links, now: datetime | None = None
) -> int:
    """Promote people from the waitlist, first come first served, while places are free, and
    mail each of them. The caller holds the meeting's lock and commits."""
    now = now or datetime.now(UTC)
    promoted = 0
    while True:
        first = session.scalar(
            select(Aanmelding)
            .where(Aanmelding.bijeenkomst_id == meeting.id, Aanmelding.status == WAITING)
            .order_by(Aanmelding.in_rij_at, Aanmelding.id)
            .limit(1)
        )
        if first is None or not _take_place(session, meeting.id, now):
            return promoted
        session.execute(
            update(Aanmelding)
            .where(Aanmelding.id == first.id)
            .values(status=CONFIRMED)
            .execution_options(synchronize_session=False)
        )
        session.refresh(first)
        mails.promoted(session, meeting, first, links)
        promoted += 1


# --- Signing up ---


def _existing(session: Session, meeting_id: int, email: str) -> Aanmelding | None:
    return session.scalar(
        select(Aanmelding).where(
            Aanmelding.bijeenkomst_id == meeting_id,
            Aanmelding.email == normalise_email(email),
            Aanmelding.status != CANCELLED,
        )
    )


def sign_up_with_account(
    session: Session, user: Gebruiker, meeting_id: int, links: mails.Links, now: datetime
) -> Outcome:
    """A place or a turn on the waitlist for a signed-in person, at once. Commits.

    Raises AlreadySignedUp, Closed or NotFound."""
    _open_meeting(session, meeting_id, now)
    if _existing(session, meeting_id, user.email) is not None:
        session.rollback()
        raise AlreadySignedUp()
    user_id, naam, email = user.id, user.display_name, user.email
    session.rollback()
    with write_lock(session):
        try:
            status = _claim(session, meeting_id, now)
            signup = Aanmelding(
                bijeenkomst_id=meeting_id,
                gebruiker_id=user_id,
                naam=naam,
                email=email,
                status=status,
                sleutel=_new_key(),
                in_rij_at=now,
            )
            session.add(signup)
            session.flush()
        except Closed:
            session.rollback()
            raise
        except IntegrityError as error:  # the same person's other click, a moment earlier
            session.rollback()
            raise AlreadySignedUp() from error
        outcome = Outcome(signup.id, status, position(session, signup))
        mails.placed(session, signup.bijeenkomst, signup, outcome.position, links)
        session.commit()
    return outcome


def sign_up_by_mail(
    session: Session, meeting_id: int, naam: str, email: str, links: mails.Links, now: datetime
) -> None:
    """Without an account: keep the name and address and mail a link to confirm. Commits.

    The visitor always hears the same ("look in your mail"), also when the address was signed
    up already: the page must not tell anyone who else goes to this meeting. The mail says
    what is going on instead. Raises Closed or NotFound.
    """
    meeting = _open_meeting(session, meeting_id, now)
    existing = _existing(session, meeting_id, email)
    session.rollback()
    # In the writers' queue like the other sign-up writes: a burst of sign-ups then waits its
    # turn instead of polling for the lock (see db.write_lock).
    with write_lock(session):
        if existing is not None:
            mails.already_signed_up(session, meeting, existing, links)
            session.commit()
            return
        signup = Aanmelding(
            bijeenkomst_id=meeting_id,
            naam=naam.strip(),
            email=email,
            status=UNCONFIRMED,
            sleutel=_new_key(),
        )
        session.add(signup)
        try:
            session.flush()
        except IntegrityError:  # a double click: the first request mailed the link
            session.rollback()
            return
        mails.confirm_link(session, meeting, signup, links)
        session.commit()


def confirm(session: Session, signup_id: int, links: mails.Links, now: datetime) -> Outcome:
    """The link in the mail was followed and its button pressed: claim a place or a turn on
    the waitlist. Pressing it again changes nothing. Commits; raises Closed."""
    signup = session.get(Aanmelding, signup_id, populate_existing=True)
    if signup is None:
        raise NotFound()
    if signup.status != UNCONFIRMED:
        outcome = Outcome(signup.id, signup.status, position(session, signup))
        session.rollback()
        return outcome
    meeting_id = signup.bijeenkomst_id
    session.rollback()
    with write_lock(session):
        try:
            status = _claim(session, meeting_id, now)
        except Closed:
            session.rollback()
            raise
        confirmed = session.execute(
            update(Aanmelding)
            .where(Aanmelding.id == signup_id, Aanmelding.status == UNCONFIRMED)
            .values(status=status, in_rij_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if confirmed == 1:
            signup = session.get(Aanmelding, signup_id, populate_existing=True)
            outcome = Outcome(signup.id, status, position(session, signup))
            mails.placed(session, signup.bijeenkomst, signup, outcome.position, links)
            session.commit()
            return outcome
        session.rollback()  # the other click confirmed it; the place claimed here goes back
    return confirm(session, signup_id, links, now)


def cancel(session: Session, signup_id: int, links: mails.Links, now: datetime) -> bool:
    """The person cancels: their place goes to the first one waiting. Commits.

    False when there was nothing to cancel (already cancelled, a second click)."""
    meeting_id = session.scalar(select(Aanmelding.bijeenkomst_id).where(Aanmelding.id == signup_id))
    session.rollback()
    if meeting_id is None:
        raise NotFound()
    with write_lock(session):
        return _cancel(session, signup_id, meeting_id, links, now)


def _cancel(
    session: Session, signup_id: int, meeting_id: int, links: mails.Links, now: datetime
) -> bool:
    lock(session, meeting_id)
    was = session.scalar(select(Aanmelding.status).where(Aanmelding.id == signup_id))
    if was not in ACTIVE_SIGNUP_STATES:
        session.rollback()
        return False
    session.execute(
        update(Aanmelding)
        .where(Aanmelding.id == signup_id)
        .values(status=CANCELLED, afgemeld_at=now)
        .execution_options(synchronize_session=False)
    )
    meeting = session.get(Bijeenkomst, meeting_id, populate_existing=True)
    if was == CONFIRMED:
        session.execute(
            update(Bijeenkomst)
            .where(Bijeenkomst.id == meeting_id)
            .values(bezet=Bijeenkomst.bezet - 1)
            .execution_options(synchronize_session=False)
        )
        session.refresh(meeting)
        fill_free_places(session, meeting, links, now)
    if was != UNCONFIRMED:
        mails.cancelled_by_attendee(session, meeting, session.get(Aanmelding, signup_id), links)
    session.commit()
    return True


def cancel_all_of_user(
    session: Session, user_id: int, email: str, links: mails.Links, now: datetime
) -> int:
    """Cancel every sign-up of an account, also those made without logging in from its
    address (before the account is deleted), so their places go to others."""
    ids = session.scalars(
        select(Aanmelding.id).where(
            or_(Aanmelding.gebruiker_id == user_id, Aanmelding.email == normalise_email(email)),
            Aanmelding.status.in_(ACTIVE_SIGNUP_STATES),
        )
    ).all()
    session.rollback()
    return sum(cancel(session, signup_id, links, now) for signup_id in ids)


def of_user(session: Session, user_id: int) -> list[Aanmelding]:
    """An account's sign-ups that still count, soonest meeting first."""
    return list(
        session.scalars(
            select(Aanmelding)
            .join(Bijeenkomst)
            .where(
                Aanmelding.gebruiker_id == user_id,
                Aanmelding.status.in_(ACTIVE_SIGNUP_STATES),
            )
            .order_by(Bijeenkomst.begint_at)
        )
    )


def of_user_for(session: Session, user_id: int, meeting_id: int) -> Aanmelding | None:
    return session.scalar(
        select(Aanmelding).where(
            Aanmelding.gebruiker_id == user_id,
            Aanmelding.bijeenkomst_id == meeting_id,
            Aanmelding.status.in_(ACTIVE_SIGNUP_STATES),
        )
    )


# --- Keeping it short ---


@dataclass(frozen=True)
class Purged:
    signups: int
    meetings: int
    unconfirmed: int


def purge(session: Session, now: datetime, days_after: int) -> Purged:
    """Delete the sign-ups of meetings that ended more than `days_after` days ago, and
    unconfirmed sign-ups older than CONFIRM_HOURS. Commits. The counts on the meeting stay."""
    ended = select(Bijeenkomst.id).where(Bijeenkomst.eindigt_at < now - timedelta(days=days_after))
    signups = session.execute(
        delete(Aanmelding)
        .where(Aanmelding.bijeenkomst_id.in_(ended))
        .execution_options(synchronize_session=False)
    ).rowcount
    meetings = session.execute(
        update(Bijeenkomst)
        .where(Bijeenkomst.id.in_(ended), Bijeenkomst.aanmeldingen_verwijderd_at.is_(None))
        .values(aanmeldingen_verwijderd_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    unconfirmed = session.execute(
        delete(Aanmelding)
        .where(
            Aanmelding.status == UNCONFIRMED,
            Aanmelding.aangemeld_at < now - timedelta(hours=CONFIRM_HOURS),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return Purged(signups, meetings, unconfirmed)
