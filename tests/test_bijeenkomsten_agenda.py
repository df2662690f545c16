"""The calendar files of lotgenoten meetings, read back by two independent iCalendar parsers.

A calendar app must see the same meeting that the service stored: the same UID for life, a
SEQUENCE that grows with every change, STATUS:CANCELLED instead of a vanished entry, and the
clock time of Flevoland on both sides of a switch to or from summer time. The feeds filter by
gemeente and thema, and never carry anything about the people who signed up.

The database is shared by the whole module, so the feeds also hold the other tests' meetings:
every event is looked up by its UID.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream
from sqlalchemy import select

from quiz_service.localtime import AMSTERDAM
from quiz_service.models import Aanmelding, Bijeenkomst
from tests.academie import csrf_token, log_in, new_account, new_organisation
from tests.bijeenkomsten import app_config, meeting_form, new_meeting

LELYSTAD, URK, PROVINCE = "GM0995", "GM0184", "PV24"


@pytest.fixture
def app(academie_app, tmp_path):
    return academie_app(**app_config(tmp_path))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def org(db):
    return new_organisation(db)


@pytest.fixture
def organiser(db, org):
    return new_account(db, "organisator", organisatie_id=org.id)


class Entry(NamedTuple):
    """What a calendar app shows of one event."""

    summary: str
    sequence: int
    status: str
    start: datetime
    end: datetime


def by_icalendar(text: str) -> dict[str, Entry]:
    found = {}
    for event in icalendar.Calendar.from_ical(text).walk("VEVENT"):
        found[str(event["UID"])] = Entry(
            summary=str(event["SUMMARY"]),
            sequence=int(event.get("SEQUENCE", 0)),
            status=str(event.get("STATUS", "")),
            start=event.decoded("DTSTART"),
            end=event.decoded("DTEND"),
        )
    return found


def by_ical(text: str) -> dict[str, Entry]:
    found = {}
    for event in IcsCalendarStream.calendar_from_ics(text).events:
        found[event.uid] = Entry(
            summary=event.summary,
            sequence=event.sequence or 0,
            status=event.status.value if event.status else "",
            start=event.dtstart,
            end=event.dtend,
        )
    return found


def entries(text: str) -> dict[str, Entry]:
    """Every event in the file, after checking that both parsers read exactly the same."""
    first, second = by_icalendar(text), by_ical(text)
    assert first == second
    for entry in first.values():
        # A time without zone would float: 19:00 wherever the phone happens to be.
        assert entry.start.utcoffset() is not None and entry.end.utcoffset() is not None
    return first


def fetch(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "text/calendar", path
    return response.get_data(as_text=True)


def event_in(client, path: str, uid: str) -> Entry:
    found = entries(fetch(client, path))
    assert uid in found, f"{uid} ontbreekt in {path}"
    return found[uid]


def stored(db, meeting_id: int) -> Bijeenkomst:
    with db.session() as session:
        return session.get(Bijeenkomst, meeting_id)


def post(client, path: str, data: dict, token_page: str):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_page)})


def feeds_of(meeting: Bijeenkomst) -> list[str]:
    return [
        f"/bijeenkomsten/{meeting.id}.ics",
        "/bijeenkomsten/agenda.ics",
        f"/bijeenkomsten/gemeente/{meeting.gemeente}.ics",
        f"/bijeenkomsten/thema/{meeting.thema}.ics",
    ]


def test_every_calendar_file_reads_the_same_in_both_parsers_and_as_stored(client, db, org):
    meeting = new_meeting(db, org.id, titel="Verzonnen koffieavond")
    saved = stored(db, meeting.id)
    for path in feeds_of(meeting):
        entry = event_in(client, path, meeting.uid)
        assert entry.summary == "Verzonnen koffieavond", path
        assert (entry.sequence, entry.status) == (0, "CONFIRMED"), path
        assert (entry.start, entry.end) == (saved.begint_at, saved.eindigt_at), path


# 19:00 in Flevoland on three Tuesdays in 2027: in winter time (UTC+1), in summer time
# (UTC+2, after 28 March) and in winter time again (after 31 October).
SEVEN_PM = [
    datetime(2027, 3, 23, 18, 0, tzinfo=UTC),
    datetime(2027, 3, 30, 17, 0, tzinfo=UTC),
    datetime(2027, 11, 2, 18, 0, tzinfo=UTC),
]


@pytest.mark.parametrize("begint", SEVEN_PM, ids=lambda moment: moment.date().isoformat())
def test_seven_in_the_evening_stays_seven_across_summer_time(client, db, org, begint):
    meeting = new_meeting(
        db, org.id, begint_at=begint, eindigt_at=begint + timedelta(hours=2), gemeente=LELYSTAD
    )
    text = fetch(client, f"/bijeenkomsten/{meeting.id}.ics")

    entry = entries(text)[meeting.uid]
    assert entry.start == begint and entry.end == begint + timedelta(hours=2)
    local = entry.start.astimezone(AMSTERDAM)
    assert (local.date(), local.strftime("%H:%M")) == (begint.date(), "19:00")
    # Written as Flevoland's clock time with its zone, not as UTC: a calendar shows "19:00".
    assert f"DTSTART;TZID=Europe/Amsterdam:{begint:%Y%m%d}T190000" in text
    assert f"DTEND;TZID=Europe/Amsterdam:{begint:%Y%m%d}T210000" in text

    # A calendar that does not know the zone's name uses the VTIMEZONE in the file. Read
    # with only its rules (no lookup of the name), 19:00 must still be the same moment.
    (zone,) = icalendar.Calendar.from_ical(text).timezones
    assert zone.tz_name == "Europe/Amsterdam"
    own_rules = zone.to_tz(lookup_tzid=False)
    written = datetime(begint.year, begint.month, begint.day, 19, 0, tzinfo=own_rules)
    assert written.astimezone(UTC) == begint


def test_an_edit_keeps_the_uid_and_raises_the_sequence(app, client, db, org, organiser):
    meeting = new_meeting(db, org.id)
    path = f"/bijeenkomsten/{meeting.id}.ics"
    before = event_in(client, path, meeting.uid)
    assert before.sequence == 0

    editor = app.test_client()
    log_in(editor, organiser)
    edit = f"/bijeenkomsten/{meeting.id}/bewerken"
    data = meeting_form(titel="Verzonnen lotgenotengroep, nieuwe tijd", begintijd="19:30")
    response = post(editor, edit, data, edit)
    assert response.status_code == 303, response.get_data(as_text=True)

    saved = stored(db, meeting.id)
    for feed in feeds_of(saved):
        after = event_in(client, feed, meeting.uid)
        assert after.sequence == before.sequence + 1, feed
        assert after.summary == "Verzonnen lotgenotengroep, nieuwe tijd", feed
        assert after.start == saved.begint_at != before.start, feed
        assert after.start.astimezone(AMSTERDAM).strftime("%H:%M") == "19:30", feed


def test_a_cancelled_meeting_stays_in_the_feeds_as_cancelled(app, client, db, org, organiser):
    meeting = new_meeting(db, org.id)
    before = event_in(client, "/bijeenkomsten/agenda.ics", meeting.uid)
    assert before.status == "CONFIRMED"

    organiser_client = app.test_client()
    log_in(organiser_client, organiser)
    cancel = f"/bijeenkomsten/{meeting.id}/annuleren"
    data = {"zeker": "y", "reden": "De verzonnen zaal is dicht."}
    assert post(organiser_client, cancel, data, cancel).status_code == 303

    for feed in feeds_of(meeting):
        after = event_in(client, feed, meeting.uid)
        assert after.status == "CANCELLED", feed
        assert after.sequence > before.sequence, feed
        assert after.summary == "Gaat niet door: Verzonnen lotgenotengroep", feed
        assert after.start == before.start, feed


def test_the_feeds_hold_only_their_gemeente_or_thema(app, client, db, org):
    lelystad = new_meeting(db, org.id, gemeente=LELYSTAD, thema="mantelzorg")
    everywhere = new_meeting(db, org.id, gemeente=PROVINCE, thema="verzonnen-ziekte")

    def uids(path):
        return set(entries(fetch(client, path)))

    assert lelystad.uid in uids(f"/bijeenkomsten/gemeente/{LELYSTAD}.ics")
    assert lelystad.uid not in uids(f"/bijeenkomsten/gemeente/{URK}.ics")
    gemeenten = [
        code for code in app.extensions["bijeenkomst_keuzes"].gemeenten if code != PROVINCE
    ]
    assert len(gemeenten) == 6
    for code in gemeenten:
        assert everywhere.uid in uids(f"/bijeenkomsten/gemeente/{code}.ics"), code

    mantelzorg = uids("/bijeenkomsten/thema/mantelzorg.ics")
    assert lelystad.uid in mantelzorg and everywhere.uid not in mantelzorg
    ziekte = uids("/bijeenkomsten/thema/verzonnen-ziekte.ics")
    assert everywhere.uid in ziekte and lelystad.uid not in ziekte
    assert {lelystad.uid, everywhere.uid} <= uids("/bijeenkomsten/agenda.ics")


@pytest.mark.parametrize(
    "path",
    [
        "/bijeenkomsten/gemeente/GM9999.ics",
        "/bijeenkomsten/gemeente/gm0995.ics",
        "/bijeenkomsten/thema/bestaat-niet.ics",
        "/bijeenkomsten/999999.ics",
    ],
)
def test_an_unknown_gemeente_thema_or_meeting_is_not_found(client, db, path):
    assert client.get(path).status_code == 404


def test_no_calendar_file_names_the_people_who_signed_up(app, client, db, org):
    meeting = new_meeting(db, org.id, titel="Verzonnen avond voor lotgenoten")
    person = new_account(db, "mantelzorger", display_name="Verzonnen Geheime Deelnemer")
    signed_in = app.test_client()
    log_in(signed_in, person)
    page = f"/bijeenkomsten/{meeting.id}"
    assert post(signed_in, f"{page}/aanmelden", {"toestemming": "y"}, page).status_code == 303
    with db.session() as session:
        signup = session.scalars(
            select(Aanmelding).where(Aanmelding.bijeenkomst_id == meeting.id)
        ).one()
        assert (signup.naam, signup.email) == ("Verzonnen Geheime Deelnemer", person.email)

    for path in feeds_of(meeting):
        # Long lines are folded at 75 octets: unfolded, a name cannot hide across a break.
        text = fetch(client, path).replace("\r\n ", "").replace("\r\n\t", "")
        assert meeting.titel in text, path  # the check below can see the text
        assert "Geheime Deelnemer" not in text, path
        assert person.email not in text and person.email.split("@")[0] not in text, path
        assert meeting.uid in entries(text), path
