"""Opening hours, for any valid schedule and any moment (hypothesis).

Only what follows from the contract of `status_at`: it answers for every aware moment, also
in the missing and the repeated hour of the DST switches in Europe/Amsterdam; "open" means the
moment lies in one of the day's opening intervals and it stays open until `until`; "closed"
with a next opening means that opening lies ahead, the place is open then and closed until
then; and the answer is the same for the same instant in any time zone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sociale_kaart import hours as h

AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC
FAST = settings(max_examples=50, deadline=None)
YEARS = (2025, 2031)


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


DST_DAYS = [_last_sunday(y, m) for y in range(*YEARS) for m in (3, 10)]

# Times near the DST hour and ordinary office hours, on the minute or on any minute.
minutes = st.one_of(
    st.sampled_from([0, 60, 120, 130, 150, 170, 180, 540, 720, 1020, 1440]),
    st.integers(min_value=0, max_value=1440),
)


def _hhmm(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


@st.composite
def span(draw) -> dict:
    opens = draw(minutes.filter(lambda m: m < 1440))
    closes = draw(st.integers(min_value=opens + 1, max_value=1440) | minutes)
    assume(opens < closes)
    return {"van": _hhmm(opens), "tot": _hhmm(closes)}


@st.composite
def schedule(draw) -> dict:
    """A valid `openingstijden` dict, as an editor could write it."""
    week = [
        {
            "dagen": draw(st.lists(st.sampled_from(h.DAY_CODES), min_size=1, unique=True)),
            **draw(span()),
            **draw(st.sampled_from([{}, {}, {"week_van_de_maand": 1}, {"week_van_de_maand": -1}])),
        }
        for _ in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    exceptions = []
    for day in draw(st.sets(st.sampled_from(DST_DAYS) | dates, max_size=3)):
        closed = draw(st.booleans())
        exceptions.append(
            {"datum": day.isoformat(), **({"gesloten": True} if closed else draw(span()))}
        )
    data = {
        "week": week,
        "uitzonderingen": exceptions,
        "op_afspraak": draw(st.booleans()),
        "feestdagen": draw(st.sampled_from(["open", "gesloten"])),
    }
    assume(h.problems(data) == [])  # overlapping blocks are the checker's business
    return data


dates = st.dates(min_value=dt.date(YEARS[0], 1, 1), max_value=dt.date(YEARS[1] - 1, 12, 31))


@st.composite
def moment(draw) -> dt.datetime:
    """An aware moment: any instant, or a wall-clock time on a DST switch day (both folds)."""
    if draw(st.booleans()):
        day = draw(st.sampled_from(DST_DAYS))
        clock = dt.time(draw(st.integers(0, 5)), draw(st.integers(0, 59)))
        return dt.datetime.combine(day, clock, tzinfo=AMS).replace(fold=draw(st.integers(0, 1)))
    naive = draw(
        st.datetimes(dt.datetime(YEARS[0], 1, 1), dt.datetime(YEARS[1] - 1, 12, 31, 23, 59))
    )
    return naive.replace(tzinfo=draw(st.sampled_from([UTC, AMS, ZoneInfo("America/New_York")])))


TICK = dt.timedelta(microseconds=1)


def utc(moment: dt.datetime) -> dt.datetime:
    # Python adds a timedelta to an aware datetime on the wall clock, which near a DST switch
    # is not the real instant; in UTC it is.
    return moment.astimezone(UTC)


def is_open(hours: h.OpeningHours, at: dt.datetime) -> bool:
    return h.status_at(hours, at).state == "open"


def in_an_interval(hours: h.OpeningHours, at: dt.datetime) -> bool:
    """The oracle: the local wall-clock time lies in one of the day's opening intervals.

    On the two switch days a wall-clock time is not one instant, so there the real instants
    of the intervals (the module's own DST rules) decide.
    """
    local = at.astimezone(UTC).astimezone(AMS)
    day, plan = local.date(), h.day_plan(hours, local.date())
    if day in DST_DAYS:
        now = at.astimezone(UTC)
        return any(start <= now < end for start, end, _ in h._instants(plan, day))
    minute = local.hour * 60 + local.minute
    return any(opens <= minute < closes for opens, closes in plan.intervals)


@FAST
@given(schedule(), moment())
def test_the_answer_is_always_one_of_the_four_states(data, at):
    status = h.status_at(h.OpeningHours.from_data(data), at)
    assert status.state in ("open", "gesloten", "op_afspraak", "onbekend")
    assert status.label
    if not data["week"]:
        assert status.state == ("op_afspraak" if data["op_afspraak"] else "onbekend")


@FAST
@given(schedule(), moment())
def test_open_means_the_moment_lies_in_an_opening_and_stays_open_until_the_end(data, at):
    hours = h.OpeningHours.from_data(data)
    status = h.status_at(hours, at)
    assert (status.state == "open") == (bool(data["week"]) and in_an_interval(hours, at))
    if status.state == "open":
        assert status.next_open is None
        assert status.label.startswith("Nu open")
        if status.until is not None:
            assert status.until > at
            assert status.until.tzinfo is AMS
            assert is_open(hours, utc(status.until) - TICK)
            assert not is_open(hours, status.until)


@FAST
@given(schedule(), moment())
def test_the_next_opening_lies_ahead_is_open_and_nothing_opens_before_it(data, at):
    hours = h.OpeningHours.from_data(data)
    status = h.status_at(hours, at)
    if status.state != "gesloten":
        return
    assert status.until is None
    if status.next_open is None:
        return
    assert at < status.next_open <= at + dt.timedelta(days=h.HORIZON_DAYS + 2)
    assert status.next_open.tzinfo is AMS
    assert f"{status.next_open:%H:%M}" in status.label
    assert is_open(hours, status.next_open)
    halfway = utc(at) + (status.next_open - at) / 2
    assert not is_open(hours, halfway)
    assert not is_open(hours, utc(status.next_open) - TICK)


@FAST
@given(schedule(), moment())
def test_the_same_instant_gives_the_same_answer_in_every_time_zone(data, at):
    hours = h.OpeningHours.from_data(data)
    answers = {
        h.status_at(hours, at.astimezone(zone))
        for zone in (UTC, AMS, ZoneInfo("Asia/Tokyo"), dt.timezone(dt.timedelta(hours=-3)))
    }
    assert len(answers) == 1


@FAST
@given(schedule())
def test_every_valid_schedule_renders_and_exports(data):
    hours = h.OpeningHours.from_data(data)
    rows = h.weekly_rows(hours)
    assert [day for day, _ in rows] == (list(h.DAY_NAMES) if data["week"] else [])
    assert h.note_lines(hours)
    schedules = h.hsds_schedules(hours, lambda name: name)
    assert len(schedules) == (len(data["week"]) or int(data["op_afspraak"]))
    for spec in h.schema_org_hours(hours):
        assert spec["opens"] <= spec["closes"] or spec["closes"] == "00:00"


# --- What the properties found (regressions) ---


def test_blocks_whose_edges_both_fall_in_the_missing_march_hour_are_one_opening():
    """01:00–02:30 and 02:45–05:00 on the March switch night: both edges move to 03:00, so
    the place is open from 01:00 to 05:00 without a break. It said "Nu open tot 03:00"."""
    night = [
        {"dagen": ["zo"], "van": "01:00", "tot": "02:30"},
        {"dagen": ["zo"], "van": "02:45", "tot": "05:00"},
    ]
    hours = h.OpeningHours.from_data({"week": night})
    status = h.status_at(hours, dt.datetime(2026, 3, 29, 1, 30, tzinfo=AMS))
    assert status.state == "open"
    assert status.label == "Nu open tot 05:00"
    assert status.until == dt.datetime(2026, 3, 29, 5, 0, tzinfo=AMS)
