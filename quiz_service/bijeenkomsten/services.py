"""Meetings: who may organise them, creating, editing, copying and cancelling, and finding them.

Times: organisators type a date and clock times as they are in Flevoland; the service stores
the moment in UTC. Each date of a recurring meeting is converted on its own, so "19:00" stays
19:00 on both sides of a switch to or from summer time.

Who: an organisator manages the meetings of their own organisation only. A meeting of another
organisation is "not found" to them, exactly like one that does not exist.

SQLite note (see quiz_service/quizzes.py): every write below is the first statement of its
transaction; checks run in a read transaction that is ended first.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import audit
from ..errors import InvalidInput, NotAllowed, NotFound
from ..localtime import AMSTERDAM
from ..models import ACTIVE_SIGNUP_STATES, Aanmelding, Bijeenkomst, Gebruiker
from . import mails, signups
from .keuzes import PROVINCE, Choices

ORGANISER_ROLE = "organisator"

# Recurrence: how often, and how many dates at most in one go. A year of monthly meetings is
# enough; more dates are easily made later by copying the last one.
REPEATS = {
    "geen": "Niet herhalen",
    "wekelijks": "Elke week",
    "tweewekelijks": "Elke twee weken",
    "maandelijks": "Elke maand op dezelfde weekdag (bijvoorbeeld elke eerste dinsdag)",
}
MAX_DATES = 24
MAX_CAPACITY = 500
# How far ahead the agenda looks, and how long a past meeting stays in the calendar feeds
# (so a calendar that synchronises late still hears that it was cancelled).
AGENDA_DAYS = 366
FEED_PAST_DAYS = 30


@dataclass
class MeetingInput:
    """What the organisator filled in, already of the right types (see forms.MeetingForm)."""

    titel: str
    thema: str
    gemeente: str
    vorm: str
    datum: date
    begintijd: time
    eindtijd: time
    capaciteit: int
    beschrijving: str
    locatie_id: str = ""
    locatie_naam: str = ""
    adres: str = ""
    online_link: str = ""
    toegankelijkheid: list[str] = field(default_factory=list)
    toegankelijkheid_toelichting: str = ""
    herhaling: str = "geen"
    aantal: int = 1


# --- Who ---


def organiser_organisation(user: Gebruiker) -> int:
    """The organisation whose meetings this user manages; NotAllowed for anyone else."""
    if user.role != ORGANISER_ROLE or user.organisatie_id is None:
        raise NotAllowed()
    return user.organisatie_id


def meeting_for_organiser(session: Session, user: Gebruiker, meeting_id: int) -> Bijeenkomst:
    organisatie_id = organiser_organisation(user)
    meeting = session.get(Bijeenkomst, meeting_id)
    if meeting is None or meeting.organisatie_id != organisatie_id:
        raise NotFound()
    return meeting


def own_meetings(session: Session, user: Gebruiker, now: datetime) -> tuple[list, list]:
    """The organisation's meetings: (coming, past), the coming ones soonest first."""
    organisatie_id = organiser_organisation(user)
    rows = session.scalars(
        select(Bijeenkomst)
        .where(Bijeenkomst.organisatie_id == organisatie_id)
        .order_by(Bijeenkomst.begint_at, Bijeenkomst.id)
    ).all()
    coming = [m for m in rows if m.eindigt_at > now]
    past = [m for m in rows if m.eindigt_at <= now][::-1]
    return coming, past


# --- Times and dates ---

NOT_A_TIME = "Dit tijdstip bestaat niet op {datum}: dan gaat de klok een uur vooruit. Kies een ander tijdstip."


def local_moment(day: date, clock: time, field_name: str) -> datetime:
    """The UTC moment of a clock time on a day in Flevoland; refuses times that do not exist."""
    local = datetime.combine(day, clock, tzinfo=AMSTERDAM)
    # 02:30 on the last Sunday of March does not exist; a round trip through UTC shows it.
    if local.astimezone(UTC).astimezone(AMSTERDAM).replace(tzinfo=None) != local.replace(
        tzinfo=None
    ):
        raise InvalidInput(field_name, NOT_A_TIME.format(datum=day.strftime("%d-%m-%Y")))
    return local.astimezone(UTC)


def repeat_dates(first: date, herhaling: str, aantal: int) -> list[date]:
    """The dates of a meeting and its repeats; "maandelijks" keeps the weekday and its place in
    the month (the first Tuesday stays the first Tuesday; a fifth one becomes the last)."""
    if herhaling == "geen" or aantal <= 1:
        return [first]
    start = datetime.combine(first, time())
    if herhaling == "wekelijks":
        rule = rrule(WEEKLY, dtstart=start, count=aantal)
    elif herhaling == "tweewekelijks":
        rule = rrule(WEEKLY, interval=2, dtstart=start, count=aantal)
    elif herhaling == "maandelijks":
        nth = (first.day - 1) // 7 + 1
        rule = rrule(
            MONTHLY,
            dtstart=start,
            count=aantal,
            byweekday=weekday(first.weekday(), -1 if nth == 5 else nth),
        )
    else:
        raise InvalidInput("herhaling", "Kies hoe vaak de bijeenkomst terugkomt.")
    return [moment.date() for moment in rule]


def repeat_description(first: date, herhaling: str) -> str:
    """'elke eerste dinsdag van de maand', for the confirmation after saving."""
    days = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
    day = days[first.weekday()]
    if herhaling == "wekelijks":
        return f"elke {day}"
    if herhaling == "tweewekelijks":
        return f"om de week op {day}"
    if herhaling == "maandelijks":
        nth = (first.day - 1) // 7 + 1
        place = ("eerste", "tweede", "derde", "vierde", "laatste")[min(nth, 5) - 1]
        return f"elke {place} {day} van de maand"
    return ""


# --- Checking what was filled in ---


@dataclass
class Checked:
    """A MeetingInput that passed the rules, with what is derived from it."""

    data: MeetingInput
    begint: list[datetime]  # one per date
    duur: timedelta
    locatie_naam: str | None
    adres: str | None


def _text(value: str) -> str | None:
    value = (value or "").strip()
    return value or None


def check(data: MeetingInput, choices: Choices, now: datetime, new: bool) -> Checked:
    if data.thema not in choices.themas:
        raise InvalidInput("thema", "Kies een thema uit de lijst.")
    if data.gemeente not in choices.gemeenten:
        raise InvalidInput("gemeente", "Kies een gemeente uit de lijst.")
    unknown = [code for code in data.toegankelijkheid if code not in choices.toegankelijkheid]
    if unknown:
        raise InvalidInput("toegankelijkheid", "Kies alleen uit de lijst.")
    if not 1 <= data.capaciteit <= MAX_CAPACITY:
        raise InvalidInput("capaciteit", f"Kies een aantal van 1 tot en met {MAX_CAPACITY}.")
    locatie_naam, adres = _text(data.locatie_naam), _text(data.adres)
    if data.vorm == "fysiek":
        if data.locatie_id:
            place = choices.locaties.get(data.locatie_id)
            if place is None:
                raise InvalidInput(
                    "locatie_id",
                    "Deze locatie staat niet (meer) op de sociale kaart. Kies een andere of vul zelf een adres in.",
                )
            # Copied, so the meeting keeps its address if the sociale kaart changes later.
            locatie_naam, adres = place.naam, place.adres or adres
        elif not locatie_naam or not adres:
            field_name = "locatie_naam" if not locatie_naam else "adres"
            raise InvalidInput(
                field_name,
                "Kies een locatie uit de sociale kaart, of vul de naam en het adres van de plek in.",
            )
    elif data.vorm == "online":
        data.locatie_id = ""
        locatie_naam = adres = None
        link = (data.online_link or "").strip()
        if link and not link.startswith("https://"):
            raise InvalidInput(
                "online_link",
                "Een link begint met https://. Kopieer de hele link uit het programma voor online bijeenkomsten.",
            )
    else:
        raise InvalidInput("vorm", "Kies of de bijeenkomst op een plek is of online.")
    if data.eindtijd <= data.begintijd:
        raise InvalidInput(
            "eindtijd", "De eindtijd is vóór de begintijd. Kies een latere eindtijd."
        )
    if new and data.herhaling not in REPEATS:
        raise InvalidInput("herhaling", "Kies hoe vaak de bijeenkomst terugkomt.")
    if new and data.herhaling != "geen" and not 2 <= data.aantal <= MAX_DATES:
        raise InvalidInput("aantal", f"Kies een aantal keer van 2 tot en met {MAX_DATES}.")
    dates = repeat_dates(data.datum, data.herhaling, data.aantal) if new else [data.datum]
    begint = [local_moment(day, data.begintijd, "begintijd") for day in dates]
    ends = [local_moment(day, data.eindtijd, "eindtijd") for day in dates]
    if begint[0] <= now:
        raise InvalidInput(
            "datum", "Deze datum en tijd zijn al voorbij. Kies een moment in de toekomst."
        )
    return Checked(data, begint, ends[0] - begint[0], locatie_naam, adres)


def _fields(checked: Checked) -> dict:
    data = checked.data
    return {
        "titel": data.titel.strip(),
        "thema": data.thema,
        "gemeente": data.gemeente,
        "vorm": data.vorm,
        "locatie_id": data.locatie_id or None,
        "locatie_naam": checked.locatie_naam,
        "adres": checked.adres,
        "online_link": _text(data.online_link) if data.vorm == "online" else None,
        "capaciteit": data.capaciteit,
        "beschrijving": data.beschrijving.strip(),
        "toegankelijkheid": sorted(set(data.toegankelijkheid)),
        "toegankelijkheid_toelichting": _text(data.toegankelijkheid_toelichting),
    }


def new_uid() -> str:
    return f"{uuid.uuid4()}@mantelzorgacademie-flevoland"


# --- Creating, editing, cancelling ---


def create(
    session: Session, user: Gebruiker, data: MeetingInput, choices: Choices, now: datetime
) -> list[Bijeenkomst]:
    """One meeting per date (one, or the dates of the recurrence). Commits."""
    organisatie_id = organiser_organisation(user)
    checked = check(data, choices, now, new=True)
    session.rollback()
    reeks = secrets.token_hex(8) if len(checked.begint) > 1 else None
    made = [
        Bijeenkomst(
            uid=new_uid(),
            organisatie_id=organisatie_id,
            reeks=reeks,
            begint_at=begint,
            eindigt_at=begint + checked.duur,
            **_fields(checked),
        )
        for begint in checked.begint
    ]
    session.add_all(made)
    session.commit()
    return made


# What attendees are told about when it changes: the moment and the place.
_NOTICEABLE = ("begint_at", "eindigt_at", "vorm", "locatie_naam", "adres", "online_link")


def edit(
    session: Session,
    user: Gebruiker,
    meeting_id: int,
    data: MeetingInput,
    choices: Choices,
    now: datetime,
    links: mails.Links,
) -> Bijeenkomst:
    """Save the changes of one date. Commits.

    Every change raises the calendar SEQUENCE. People with a place or on the waitlist get a
    mail when the time or the place changed; more places fill up from the waitlist.
    """
    meeting = meeting_for_organiser(session, user, meeting_id)
    if meeting.geannuleerd_at is not None:
        raise InvalidInput("titel", "Deze bijeenkomst is geannuleerd en kan niet meer veranderen.")
    checked = check(data, choices, now, new=False)
    values = _fields(checked)
    values["begint_at"] = checked.begint[0]
    values["eindigt_at"] = checked.begint[0] + checked.duur
    before = {name: getattr(meeting, name) for name in _NOTICEABLE}
    session.rollback()
    # The row lock first (see signups): the capacity check below then sees the places as they
    # are, and no sign-up slips in between.
    signups.lock(session, meeting_id)
    bezet = session.scalar(select(Bijeenkomst.bezet).where(Bijeenkomst.id == meeting_id))
    if values["capaciteit"] < bezet:
        session.rollback()
        raise InvalidInput(
            "capaciteit",
            f"Er hebben al {bezet} mensen een plek. Kies minstens {bezet} plaatsen, "
            "of vraag mensen om zich af te melden.",
        )
    session.execute(
        update(Bijeenkomst)
        .where(Bijeenkomst.id == meeting_id)
        .values(**values, volgnummer=Bijeenkomst.volgnummer + 1, gewijzigd_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    meeting = session.get(Bijeenkomst, meeting_id, populate_existing=True)
    if any(before[name] != getattr(meeting, name) for name in _NOTICEABLE):
        for signup in _active(session, meeting_id, ("bevestigd", "wachtlijst")):
            mails.meeting_changed(session, meeting, signup, links)
    signups.fill_free_places(session, meeting, links)
    session.commit()
    return meeting


def cancel(
    session: Session, user: Gebruiker, meeting_id: int, reden: str, links: mails.Links
) -> Bijeenkomst:
    """Cancel the meeting and mail everyone with a place or on the waitlist. Commits.

    The sign-ups stay until the retention period ends, so the organisator can still see whom
    the mail went to; the meeting stays in the calendar feeds as STATUS:CANCELLED.
    """
    meeting = meeting_for_organiser(session, user, meeting_id)
    session.rollback()
    cancelled = session.execute(
        update(Bijeenkomst)
        .where(Bijeenkomst.id == meeting_id, Bijeenkomst.geannuleerd_at.is_(None))
        .values(
            geannuleerd_at=datetime.now(UTC),
            annulering_reden=_text(reden),
            volgnummer=Bijeenkomst.volgnummer + 1,
            gewijzigd_at=datetime.now(UTC),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if cancelled != 1:  # already cancelled (a second click): nobody is mailed twice
        session.rollback()
        return meeting
    meeting = session.get(Bijeenkomst, meeting_id, populate_existing=True)
    for signup in _active(session, meeting_id, ("bevestigd", "wachtlijst")):
        mails.meeting_cancelled(session, meeting, signup, links)
    # No names or numbers of the people signed up: who goes to which meeting is health data.
    audit.record(session, user, "bijeenkomst_geannuleerd", meeting)
    session.commit()
    return meeting


def _active(session: Session, meeting_id: int, states: Sequence[str]) -> list[Aanmelding]:
    return list(
        session.scalars(
            select(Aanmelding)
            .where(Aanmelding.bijeenkomst_id == meeting_id, Aanmelding.status.in_(states))
            .order_by(Aanmelding.in_rij_at, Aanmelding.id)
        )
    )


def as_input(meeting: Bijeenkomst) -> MeetingInput:
    """A meeting as the form shows it, for editing or as the start of a copy."""
    begint = meeting.begint_at.astimezone(AMSTERDAM)
    return MeetingInput(
        titel=meeting.titel,
        thema=meeting.thema,
        gemeente=meeting.gemeente,
        vorm=meeting.vorm,
        datum=begint.date(),
        begintijd=begint.time().replace(second=0, microsecond=0),
        eindtijd=meeting.eindigt_at.astimezone(AMSTERDAM).time().replace(second=0, microsecond=0),
        capaciteit=meeting.capaciteit,
        beschrijving=meeting.beschrijving,
        locatie_id=meeting.locatie_id or "",
        locatie_naam=meeting.locatie_naam or "",
        adres=meeting.adres or "",
        online_link=meeting.online_link or "",
        toegankelijkheid=list(meeting.toegankelijkheid or []),
        toegankelijkheid_toelichting=meeting.toegankelijkheid_toelichting or "",
    )


# --- Finding meetings (public) ---


@dataclass(frozen=True)
class Filters:
    gemeente: str = ""
    thema: str = ""
    vorm: str = ""  # "", "fysiek" or "online"


def clean_filters(gemeente: str, thema: str, vorm: str, choices: Choices) -> Filters:
    """Unknown values are ignored, not an error: an old link still shows the agenda."""
    return Filters(
        gemeente=gemeente if gemeente in choices.gemeenten else "",
        thema=thema if thema in choices.themas else "",
        vorm=vorm if vorm in ("fysiek", "online") else "",
    )


def _filtered(query, filters: Filters):
    if filters.gemeente:
        # A meeting for all of Flevoland is for every gemeente too.
        codes = {filters.gemeente, PROVINCE}
        query = query.where(Bijeenkomst.gemeente.in_(codes))
    if filters.thema:
        query = query.where(Bijeenkomst.thema == filters.thema)
    if filters.vorm:
        query = query.where(Bijeenkomst.vorm == filters.vorm)
    return query


def agenda(session: Session, filters: Filters, now: datetime) -> list[Bijeenkomst]:
    """Meetings that have not ended yet and are not cancelled, soonest first."""
    query = select(Bijeenkomst).where(
        Bijeenkomst.eindigt_at > now,
        Bijeenkomst.begint_at < now + timedelta(days=AGENDA_DAYS),
        Bijeenkomst.geannuleerd_at.is_(None),
    )
    return list(
        session.scalars(
            _filtered(query, filters).order_by(Bijeenkomst.begint_at, Bijeenkomst.id).limit(500)
        )
    )


def feed(session: Session, filters: Filters, now: datetime) -> list[Bijeenkomst]:
    """What a calendar subscription gets: also cancelled and recently past meetings, so a
    calendar learns about a cancellation and old entries do not vanish at once."""
    query = select(Bijeenkomst).where(
        Bijeenkomst.eindigt_at > now - timedelta(days=FEED_PAST_DAYS),
        Bijeenkomst.begint_at < now + timedelta(days=AGENDA_DAYS),
    )
    return list(session.scalars(_filtered(query, filters).order_by(Bijeenkomst.begint_at)))


def public_meeting(session: Session, meeting_id: int) -> Bijeenkomst:
    meeting = session.get(Bijeenkomst, meeting_id)
    if meeting is None:
        raise NotFound()
    return meeting


def series(session: Session, meeting: Bijeenkomst, now: datetime) -> list[Bijeenkomst]:
    """The other coming dates of the same recurring meeting."""
    if meeting.reeks is None:
        return []
    return list(
        session.scalars(
            select(Bijeenkomst)
            .where(
                Bijeenkomst.reeks == meeting.reeks,
                Bijeenkomst.id != meeting.id,
                Bijeenkomst.eindigt_at > now,
                Bijeenkomst.geannuleerd_at.is_(None),
            )
            .order_by(Bijeenkomst.begint_at)
        )
    )


def attendees(session: Session, user: Gebruiker, meeting_id: int) -> tuple[Bijeenkomst, dict]:
    """The meeting and its sign-ups by status, for its own organisator only."""
    meeting = meeting_for_organiser(session, user, meeting_id)
    by_status: dict[str, list[Aanmelding]] = {state: [] for state in ACTIVE_SIGNUP_STATES}
    for signup in _active(session, meeting_id, ACTIVE_SIGNUP_STATES):
        by_status[signup.status].append(signup)
    return meeting, by_status
