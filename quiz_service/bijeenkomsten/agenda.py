"""Calendar files: one meeting as `.ics`, and feeds a calendar app can subscribe to.

Made with the icalendar library. Each meeting keeps its UID for life and raises its SEQUENCE
on every change, so a subscribed calendar updates the entry instead of adding a second one; a
cancelled meeting stays in the feed with STATUS:CANCELLED, so calendars remove it. Times are
written in Europe/Amsterdam with its VTIMEZONE, so "19:00" is 19:00 in every calendar, also
after a switch to or from summer time. Names of people who signed up are never in here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from icalendar import Calendar, Event, vDuration

from ..localtime import AMSTERDAM
from ..models import Bijeenkomst
from . import mails
from .keuzes import Choices

PRODID = "-//Mantelzorgacademie Flevoland//Bijeenkomsten//NL"
# How often a subscribed calendar should look again. An hour: changes arrive the same
# evening, and our server is not asked every minute by every phone.
REFRESH = timedelta(hours=1)


def event(meeting: Bijeenkomst, url: str, choices: Choices) -> Event:
    cancelled = meeting.geannuleerd_at is not None
    description = meeting.beschrijving
    if meeting.toegankelijkheid:
        names = choices.toegankelijkheid_namen(meeting.toegankelijkheid)
        description += f"\n\nToegankelijkheid: {names}."
    if meeting.toegankelijkheid_toelichting:
        description += f" {meeting.toegankelijkheid_toelichting}"
    if cancelled:
        description = "Deze bijeenkomst gaat niet door.\n\n" + description
    description += f"\n\nMeer informatie en aanmelden: {url}"
    item = Event.new(
        uid=meeting.uid,
        summary=("Gaat niet door: " if cancelled else "") + meeting.titel,
        start=meeting.begint_at.astimezone(AMSTERDAM),
        end=meeting.eindigt_at.astimezone(AMSTERDAM),
        stamp=meeting.gewijzigd_at,
        created=meeting.created_at,
        last_modified=meeting.gewijzigd_at,
        sequence=meeting.volgnummer,
        status="CANCELLED" if cancelled else "CONFIRMED",
        location=mails.where(meeting),
        description=description,
        url=url,
        categories=[choices.thema_naam(meeting.thema)],
    )
    return item


def calendar(
    meetings: Iterable[Bijeenkomst],
    name: str,
    feed_url: str,
    url_of: Callable[[Bijeenkomst], str],
    choices: Choices,
) -> bytes:
    """A VCALENDAR with an event per meeting, as bytes for an `text/calendar` response."""
    meetings = list(meetings)
    cal = Calendar.new(
        prodid=PRODID,
        name=name,
        # The same feed keeps the same UID (RFC 7986), so a calendar app knows it again.
        uid=uuid.uuid5(uuid.NAMESPACE_URL, feed_url),
        url=feed_url,
        refresh_interval=REFRESH,
        subcomponents=[event(meeting, url_of(meeting), choices) for meeting in meetings],
    )
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    # The older names for the same, read by Outlook and Google Calendar (Calendar.new already
    # writes X-WR-CALNAME).
    cal.add("x-published-ttl", vDuration(REFRESH))
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    # The time zone's rules only for the years the meetings are in: without limits the
    # VTIMEZONE lists every switch from 1970 to 2038, ten times the size of a meeting.
    years = [m.begint_at.year for m in meetings] or [date.today().year]
    cal.add_missing_timezones(
        first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 1, 12, 31)
    )
    return cal.to_ical()
