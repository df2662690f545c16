"""Opening hours: status at a moment (DST, holidays, exceptions), checks, page rows and exports."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sociale_kaart.hours import (
    OpeningHours,
    hsds_schedules,
    note_lines,
    problems,
    schema_org_hours,
    status_at,
    weekly_rows,
)

ROOT = Path(__file__).resolve().parent.parent
AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC
ALL_DAYS = ["ma", "di", "wo", "do", "vr", "za", "zo"]

# Monday to Friday with a lunch break, Thursday afternoon too, like a typical steunpunt.
OFFICE = {
    "week": [
        {"dagen": ["ma", "di", "wo", "do", "vr"], "van": "09:00", "tot": "12:30"},
        {"dagen": ["ma", "di", "wo", "do", "vr"], "van": "13:30", "tot": "17:00"},
    ]
}
# Every day 09:00-17:00, so that the DST Sundays themselves are opening days.
DAILY = {"week": [{"dagen": ALL_DAYS, "van": "09:00", "tot": "17:00"}]}
# A night line, to have opening hours across the switch hour itself.
NIGHT = {"week": [{"dagen": ALL_DAYS, "van": "00:00", "tot": "06:00"}]}


def at(*args: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS, fold=fold)


def hours(data: dict | None, **extra) -> OpeningHours:
    return OpeningHours.from_data({**(data or {}), **extra})


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(UTC)


# --- ordinary days --------------------------------------------------------------------------------


def test_open_on_a_weekday_morning_until_the_lunch_break():
    status = status_at(hours(OFFICE), at(2026, 4, 21, 10, 0))  # a Tuesday
    assert status.state == "open"
    assert status.label == "Nu open tot 12:30"
    assert status.until == at(2026, 4, 21, 12, 30)


def test_closed_in_the_lunch_gap_and_opens_again_the_same_afternoon():
    status = status_at(hours(OFFICE), at(2026, 4, 21, 12, 45))
    assert status.state == "gesloten"
    assert status.label == "Nu gesloten · gaat vandaag open om 13:30"
    assert status.next_open == at(2026, 4, 21, 13, 30)


def test_open_at_the_opening_minute_and_closed_at_the_closing_minute():
    office = hours(OFFICE)
    assert status_at(office, at(2026, 4, 21, 9, 0)).state == "open"
    assert status_at(office, at(2026, 4, 21, 8, 59, 59)).state == "gesloten"
    assert status_at(office, at(2026, 4, 21, 17, 0)).state == "gesloten"


def test_closed_in_the_evening_opens_tomorrow_morning():
    status = status_at(hours(OFFICE), at(2026, 4, 21, 18, 0))
    assert status.label == "Nu gesloten · gaat morgen open om 09:00"
    assert status.next_open == at(2026, 4, 22, 9, 0)


def test_next_opening_across_a_weekend_names_the_weekday():
    status = status_at(hours(OFFICE), at(2026, 4, 17, 17, 30))  # Friday
    assert status.label == "Nu gesloten · gaat open op maandag om 09:00"
    assert status.next_open == at(2026, 4, 20, 9, 0)


def test_blocks_that_touch_are_one_opening():
    data = {"week": [{"dagen": ["di"], "van": "09:00", "tot": "12:30"}]}
    data["week"].append({"dagen": ["di"], "van": "12:30", "tot": "17:00"})
    assert status_at(hours(data), at(2026, 4, 21, 10, 0)).label == "Nu open tot 17:00"


def test_moment_in_utc_gives_the_same_answer_as_local_time():
    office = hours(OFFICE)
    local = at(2026, 4, 21, 12, 45)
    in_utc = dt.datetime(2026, 4, 21, 10, 45, tzinfo=UTC)
    in_new_york = local.astimezone(ZoneInfo("America/New_York"))
    assert status_at(office, in_utc) == status_at(office, local)
    assert status_at(office, in_new_york) == status_at(office, local)
    # A UTC moment just after local midnight belongs to the next local day.
    late = status_at(office, dt.datetime(2026, 4, 23, 22, 30, tzinfo=UTC))  # Fri 00:30
    assert late.label == "Nu gesloten · gaat vandaag open om 09:00"


def test_a_moment_without_timezone_is_refused():
    with pytest.raises(ValueError):
        status_at(hours(OFFICE), dt.datetime(2026, 4, 21, 10, 0))


def test_without_a_week_grid_status_is_appointment_or_unknown():
    assert status_at(hours(None, op_afspraak=True), at(2026, 4, 21, 10, 0)).state == "op_afspraak"
    assert status_at(hours(None, op_afspraak=True), at(2026, 4, 21, 10)).label == (
        "Alleen op afspraak"
    )
    unknown = status_at(OpeningHours.from_data(None), at(2026, 4, 21, 10, 0))
    assert (unknown.state, unknown.label) == ("onbekend", "Openingstijden onbekend")


def test_nothing_within_fourteen_days_says_only_closed():
    data = {"week": [{"dagen": ["za"], "week_van_de_maand": 1, "van": "10:00", "tot": "16:00"}]}
    status = status_at(hours(data), at(2026, 5, 3, 12, 0))  # next one is 6 June
    assert (status.label, status.next_open) == ("Nu gesloten", None)


def test_opening_more_than_a_week_ahead_names_the_date():
    data = {"week": [{"dagen": ["za"], "week_van_de_maand": 1, "van": "10:00", "tot": "16:00"}]}
    status = status_at(hours(data), at(2026, 5, 24, 12, 0))  # Pinksteren, 13 days ahead
    assert status.label == "Nu gesloten · gaat open op zaterdag 6 juni om 10:00"


# --- summer time and winter time -----------------------------------------------------------------


def test_march_switch_day_is_open_at_the_usual_wall_clock_time():
    status = status_at(hours(DAILY), at(2026, 3, 29, 9, 30))
    assert status.state == "open"
    assert status.until == at(2026, 3, 29, 17, 0)
    assert utc(status.until) == dt.datetime(2026, 3, 29, 15, 0, tzinfo=UTC)  # summer time


def test_day_after_march_switch_is_open_at_the_usual_wall_clock_time():
    status = status_at(hours(DAILY), at(2026, 3, 30, 9, 30))
    assert (status.state, status.label) == ("open", "Nu open tot 17:00")
    assert utc(status.until) == dt.datetime(2026, 3, 30, 15, 0, tzinfo=UTC)


def test_next_opening_across_the_march_switch_keeps_the_wall_clock_time():
    status = status_at(hours(DAILY), at(2026, 3, 28, 18, 0))  # Saturday, still winter time
    assert status.label == "Nu gesloten · gaat morgen open om 09:00"
    assert utc(status.next_open) == dt.datetime(2026, 3, 29, 7, 0, tzinfo=UTC)


def test_non_existent_0230_in_march_does_not_crash_and_is_read_as_0330():
    # PEP 495: 02:30 fold=0 on the switch day uses the winter offset, i.e. the instant 03:30 CEST.
    missing = at(2026, 3, 29, 2, 30)
    daily = status_at(hours(DAILY), missing)
    assert daily.label == "Nu gesloten · gaat vandaag open om 09:00"
    assert utc(daily.next_open) == dt.datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    night = status_at(hours(NIGHT), missing)
    assert night == status_at(hours(NIGHT), at(2026, 3, 29, 3, 30))
    assert (night.state, night.label) == ("open", "Nu open tot 06:00")
    assert utc(night.until) == dt.datetime(2026, 3, 29, 4, 0, tzinfo=UTC)


def test_opening_time_inside_the_missing_march_hour_moves_to_0300():
    data = {"week": [{"dagen": ["zo"], "van": "02:30", "tot": "04:00"}]}
    status = status_at(hours(data), at(2026, 3, 29, 1, 0))
    assert status.label == "Nu gesloten · gaat vandaag open om 03:00"
    assert utc(status.next_open) == dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_october_switch_day_is_open_at_the_usual_wall_clock_time():
    status = status_at(hours(DAILY), at(2026, 10, 25, 9, 30))
    assert (status.state, status.label) == ("open", "Nu open tot 17:00")
    assert utc(status.until) == dt.datetime(2026, 10, 25, 16, 0, tzinfo=UTC)  # winter time


def test_day_after_october_switch_is_open_at_the_usual_wall_clock_time():
    status = status_at(hours(DAILY), at(2026, 10, 26, 9, 30))
    assert status.state == "open"
    assert utc(status.until) == dt.datetime(2026, 10, 26, 16, 0, tzinfo=UTC)


def test_next_opening_across_the_october_switch_keeps_the_wall_clock_time():
    status = status_at(hours(DAILY), at(2026, 10, 24, 18, 0))
    assert status.label == "Nu gesloten · gaat morgen open om 09:00"
    assert utc(status.next_open) == dt.datetime(2026, 10, 25, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("fold", [0, 1])
def test_repeated_0230_in_october_gives_the_same_answer_in_both_folds(fold):
    moment = at(2026, 10, 25, 2, 30, fold=fold)
    daily = status_at(hours(DAILY), moment)
    assert daily.label == "Nu gesloten · gaat vandaag open om 09:00"
    assert utc(daily.next_open) == dt.datetime(2026, 10, 25, 8, 0, tzinfo=UTC)
    night = status_at(hours(NIGHT), moment)
    assert (night.state, night.label) == ("open", "Nu open tot 06:00")
    assert utc(night.until) == dt.datetime(2026, 10, 25, 5, 0, tzinfo=UTC)


def test_closing_time_in_the_repeated_hour_means_its_last_occurrence():
    data = {"week": [{"dagen": ["zo"], "van": "01:00", "tot": "02:30"}]}
    first = status_at(hours(data), at(2026, 10, 25, 2, 45, fold=0))
    assert first.state == "open"
    assert utc(first.until) == dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert status_at(hours(data), at(2026, 10, 25, 2, 45, fold=1)).state == "gesloten"


# --- holidays and exceptions -----------------------------------------------------------------------


def test_koningsdag_is_closed_by_default():
    status = status_at(hours(OFFICE), at(2026, 4, 27, 10, 0))
    assert status.state == "gesloten"
    assert status.label == "Vandaag gesloten (Koningsdag) · gaat morgen open om 09:00"
    assert status.next_open == at(2026, 4, 28, 9, 0)


def test_koningsdag_is_open_with_feestdagen_open():
    status = status_at(hours(OFFICE, feestdagen="open"), at(2026, 4, 27, 10, 0))
    assert (status.state, status.label) == ("open", "Nu open tot 12:30")


def test_an_exception_overrides_a_holiday():
    exception = {"datum": "2026-04-27", "van": "10:00", "tot": "14:00", "omschrijving": "Markt"}
    status = status_at(hours(OFFICE, uitzonderingen=[exception]), at(2026, 4, 27, 13, 0))
    assert (status.state, status.label) == ("open", "Nu open tot 14:00")


def test_a_closed_exception_overrides_feestdagen_open_and_the_grid():
    exceptions = [
        {"datum": "2026-04-27", "gesloten": True},
        {"datum": "2026-12-24", "gesloten": True, "omschrijving": "Kerstavond"},
    ]
    place = hours(OFFICE, feestdagen="open", uitzonderingen=exceptions)
    assert status_at(place, at(2026, 4, 27, 10, 0)).label == (
        "Vandaag gesloten · gaat morgen open om 09:00"
    )
    assert status_at(place, at(2026, 12, 24, 10, 0)).label.startswith(
        "Vandaag gesloten (Kerstavond) · "
    )


def test_tweede_kerstdag_is_closed_and_the_next_day_opens_again():
    status = status_at(hours(DAILY), at(2026, 12, 26, 10, 0))
    assert status.label == "Vandaag gesloten (Tweede kerstdag) · gaat morgen open om 09:00"
    assert status_at(hours(DAILY, feestdagen="open"), at(2026, 12, 26, 10, 0)).state == "open"


def test_a_holiday_on_a_day_that_is_always_closed_is_not_named():
    # Eerste pinksterdag 2026 is a Sunday; the office is closed every Sunday anyway.
    status = status_at(hours(OFFICE), at(2026, 5, 24, 12, 0))
    assert status.label == "Nu gesloten · gaat open op dinsdag om 09:00"  # Monday is Pinksteren too


def test_next_opening_skips_easter_holidays_and_the_weekend():
    # Thursday 2 April 2026; Goede vrijdag, the weekend and Tweede paasdag follow.
    status = status_at(hours(OFFICE), at(2026, 4, 2, 18, 0))
    assert status.label == "Nu gesloten · gaat open op dinsdag om 09:00"
    assert status.next_open == at(2026, 4, 7, 9, 0)


# --- week of the month ------------------------------------------------------------------------------


def test_first_saturday_of_the_month_only():
    data = {"week": [{"dagen": ["za"], "week_van_de_maand": 1, "van": "10:00", "tot": "16:00"}]}
    place = hours(data)
    assert status_at(place, at(2026, 5, 2, 11, 0)).state == "open"  # 1 May is a Friday
    assert status_at(place, at(2026, 5, 9, 11, 0)).state == "gesloten"
    assert status_at(place, at(2026, 8, 1, 11, 0)).state == "open"


def test_last_saturday_of_the_month_only():
    data = {"week": [{"dagen": ["za"], "week_van_de_maand": -1, "van": "10:00", "tot": "16:00"}]}
    place = hours(data)
    assert status_at(place, at(2026, 5, 30, 11, 0)).state == "open"
    assert status_at(place, at(2026, 5, 23, 11, 0)).state == "gesloten"
    status = status_at(place, at(2026, 5, 23, 11, 0))
    assert status.label == "Nu gesloten · gaat open op zaterdag 30 mei om 10:00"


# --- problems ----------------------------------------------------------------------------------------


def _paths(data: dict) -> list[tuple]:
    return [path for path, _message, _fix in problems(data)]


def test_valid_hours_have_no_problems():
    data = {
        **OFFICE,
        "op_afspraak": True,
        "uitzonderingen": [
            {"datum": "2026-12-24", "gesloten": True, "omschrijving": "Kerstavond"},
            {"datum": "2026-12-31", "van": "09:00", "tot": "12:00"},
        ],
    }
    data["week"] = [*OFFICE["week"], {"dagen": ["za"], "van": "10:00", "tot": "24:00"}]
    assert problems(data) == []
    assert problems(None) == []


def test_problem_when_van_is_not_before_tot():
    data = {"week": [{"dagen": ["ma"], "van": "17:00", "tot": "09:00"}]}
    [(path, message, fix)] = problems(data)
    assert path == ("week", 0, "tot")
    assert message == "de eindtijd 09:00 ligt niet na de begintijd 17:00"
    assert "24:00" in fix
    assert _paths({"week": [{"dagen": ["ma"], "van": "09:00", "tot": "09:00"}]}) == [
        ("week", 0, "tot")
    ]


def test_problem_when_blocks_overlap_on_the_same_day():
    data = {
        "week": [
            {"dagen": ["ma", "di"], "van": "09:00", "tot": "12:30"},
            {"dagen": ["di", "wo"], "van": "12:00", "tot": "17:00"},
        ]
    }
    [(path, message, _fix)] = problems(data)
    assert path == ("week", 1)
    assert message == "de tijden 12:00–17:00 op dinsdag overlappen met blok 1 (09:00–12:30)"


def test_overlap_depends_on_the_week_of_the_month():
    every = {"dagen": ["za"], "van": "10:00", "tot": "16:00"}
    first = {**every, "week_van_de_maand": 1}
    last = {**every, "week_van_de_maand": -1}
    fifth = {**every, "week_van_de_maand": 5}
    assert _paths({"week": [first, last]}) == []
    assert _paths({"week": [every, first]}) == [("week", 1)]
    assert _paths({"week": [fifth, last]}) == [("week", 1)]


@pytest.mark.parametrize("bad", ["24:30", "9.00", "9:00", "12:60", "ochtend", 600])
def test_problem_for_a_time_that_is_not_a_time(bad):
    data = {"week": [{"dagen": ["ma"], "van": bad, "tot": "17:00"}]}
    [(path, message, fix)] = problems(data)
    assert path == ("week", 0, "van")
    assert str(bad) in message
    assert "UU:MM" in fix


def test_2400_is_only_a_closing_time():
    assert _paths({"week": [{"dagen": ["ma"], "van": "24:00", "tot": "24:00"}]}) == [
        ("week", 0, "van")
    ]


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "24-12-2026", "20261224"])
def test_problem_for_an_exception_date_that_does_not_exist(bad):
    data = {"uitzonderingen": [{"datum": bad, "gesloten": True}]}
    [(path, message, _fix)] = problems(data)
    assert path == ("uitzonderingen", 0, "datum")
    assert message == f"'{bad}' is geen bestaande datum"


def test_problem_for_a_duplicate_exception_date():
    data = {
        "uitzonderingen": [
            {"datum": "2026-12-24", "gesloten": True},
            {"datum": "2026-12-24", "van": "09:00", "tot": "12:00"},
        ]
    }
    [(path, message, _fix)] = problems(data)
    assert path == ("uitzonderingen", 1, "datum")
    assert message == "de datum 24 december 2026 staat al bij uitzondering 1"


def test_problems_in_exception_times():
    data = {
        "uitzonderingen": [
            {"datum": "2026-12-30", "van": "12:00", "tot": "09:00"},
            {"datum": "2026-12-31", "gesloten": True, "van": "09:00", "tot": "12:00"},
            {"datum": "2027-01-02", "van": "09:00"},
        ]
    }
    assert _paths(data) == [
        ("uitzonderingen", 0, "tot"),
        ("uitzonderingen", 1, "gesloten"),
        ("uitzonderingen", 2),
    ]


def test_from_data_refuses_hours_with_problems():
    with pytest.raises(ValueError, match=r"openingstijden\.week\.0\.tot: de eindtijd"):
        OpeningHours.from_data({"week": [{"dagen": ["ma"], "van": "17:00", "tot": "09:00"}]})


# --- page rows -------------------------------------------------------------------------------------


FULL = {
    "op_afspraak": True,
    "week": [
        {"dagen": ["ma", "di", "wo", "do", "vr"], "van": "09:00", "tot": "12:30"},
        {"dagen": ["do"], "van": "13:30", "tot": "17:00"},
        {"dagen": ["za"], "week_van_de_maand": 1, "van": "10:00", "tot": "16:00"},
    ],
    "uitzonderingen": [
        {"datum": "2026-12-31", "van": "09:00", "tot": "12:00"},
        {"datum": "2026-12-24", "gesloten": True, "omschrijving": "Kerstavond"},
    ],
    "toelichting": "Bel eerst even.",
}


def test_weekly_rows_monday_first_in_dutch():
    assert weekly_rows(hours(FULL)) == [
        ("maandag", "09:00–12:30"),
        ("dinsdag", "09:00–12:30"),
        ("woensdag", "09:00–12:30"),
        ("donderdag", "09:00–12:30 en 13:30–17:00"),
        ("vrijdag", "09:00–12:30"),
        ("zaterdag", "10:00–16:00 (1e zaterdag van de maand)"),
        ("zondag", "gesloten"),
    ]
    last = {"week": [{"dagen": ["za"], "week_van_de_maand": -1, "van": "10:00", "tot": "12:00"}]}
    assert weekly_rows(hours(last))[5] == (
        "zaterdag",
        "10:00–12:00 (laatste zaterdag van de maand)",
    )
    assert weekly_rows(hours(None, op_afspraak=True)) == []


def test_note_lines_for_appointment_holidays_and_exceptions():
    assert note_lines(hours(FULL)) == [
        "Ook op afspraak",
        "Gesloten op feestdagen",
        "24 december 2026: gesloten (Kerstavond)",
        "31 december 2026: 09:00–12:00",
        "Bel eerst even.",
    ]
    assert note_lines(hours(FULL), since=dt.date(2026, 12, 25))[2:] == [
        "31 december 2026: 09:00–12:00",
        "Bel eerst even.",
    ]
    assert note_lines(hours(OFFICE, feestdagen="open")) == ["Open op feestdagen"]
    assert note_lines(hours(None, op_afspraak=True)) == ["Alleen op afspraak"]
    assert note_lines(OpeningHours()) == ["Openingstijden onbekend"]


# --- exports -----------------------------------------------------------------------------------------


def _schedule_schema_dir() -> Path:
    # Vendored unchanged (tests/vendor/hsds-3.0/README.md), so the test works on a fresh clone.
    return ROOT / "tests" / "vendor" / "hsds-3.0" / "schema"


def _schedule_validator() -> Draft202012Validator:
    folder = _schedule_schema_dir()
    # schedule.json declares no $schema and refers to attribute.json and metadata.json by name.
    registry = Registry().with_resources(
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in folder.glob("*.json")
    )
    schema = json.loads((folder / "schedule.json").read_text())
    return Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _make_id(suffix: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://example.org/test/{suffix}"))


def test_hsds_schedules_validate_against_the_hsds_schedule_schema():
    validator = _schedule_validator()
    schedules = hsds_schedules(hours(FULL), _make_id)
    for schedule in schedules:
        validator.validate(schedule)
    assert [s["id"] for s in schedules] == [_make_id(f"week-{n}") for n in range(3)]
    first, thursday, saturday = schedules
    assert (first["freq"], first["byday"]) == ("WEEKLY", "MO,TU,WE,TH,FR")
    assert (first["opens_at"], first["closes_at"]) == ("09:00", "12:30")
    assert first["description"] == "maandag t/m vrijdag 09:00–12:30"
    assert (thursday["byday"], thursday["opens_at"]) == ("TH", "13:30")
    assert (saturday["freq"], saturday["byday"]) == ("MONTHLY", "1SA")
    assert all(s["timezone"] == 1 and s["attending_type"] == "Op afspraak" for s in schedules)
    assert "Tijden in Nederlandse tijd (Europe/Amsterdam)" in first["notes"]
    assert "Gesloten op Nederlandse feestdagen." in first["notes"]
    assert "24 december 2026: gesloten (Kerstavond)" in first["notes"]
    # The validator really checks: HSDS wants a number, not a zone name.
    assert not validator.is_valid({**first, "timezone": "Europe/Amsterdam"})


def test_hsds_schedules_without_grid():
    validator = _schedule_validator()
    [only] = hsds_schedules(hours(None, op_afspraak=True), _make_id)
    validator.validate(only)
    assert (only["id"], only["description"]) == (_make_id("afspraak"), "Alleen op afspraak")
    assert hsds_schedules(OpeningHours(), _make_id) == []
    last = {"week": [{"dagen": ["za"], "week_van_de_maand": -1, "van": "10:00", "tot": "24:00"}]}
    [monthly] = hsds_schedules(hours(last), _make_id)
    validator.validate(monthly)
    assert (monthly["byday"], monthly["closes_at"]) == ("-1SA", "23:59")
    assert "attending_type" not in monthly


def test_schema_org_hours_for_json_ld():
    specs = schema_org_hours(hours(FULL), since=dt.date(2026, 12, 25))
    assert specs == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [
                "https://schema.org/Monday",
                "https://schema.org/Tuesday",
                "https://schema.org/Wednesday",
                "https://schema.org/Thursday",
                "https://schema.org/Friday",
            ],
            "opens": "09:00",
            "closes": "12:30",
        },
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": ["https://schema.org/Thursday"],
            "opens": "13:30",
            "closes": "17:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "validFrom": "2026-12-31",
            "validThrough": "2026-12-31",
            "opens": "09:00",
            "closes": "12:00",
        },
    ]
    closed = schema_org_hours(hours(FULL))[2]
    assert (closed["validFrom"], closed["opens"], closed["closes"]) == (
        "2026-12-24",
        "00:00",
        "00:00",
    )
