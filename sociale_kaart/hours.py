"""Opening hours of the sociale kaart: checks, "nu open" status, page rows and exports.

Editors write `openingstijden` in local Dutch wall-clock time (see the organisation schema). This
module turns that into an `OpeningHours` value and answers, for any moment, whether a place is open,
taking Dutch public holidays (from the `holidays` package), per-date exceptions and the switches to
and from summer time into account. Everything a visitor or editor reads is Dutch.

Daylight saving time, the choices made:

- Opening times are wall-clock times: "09:00" is 09:00 on the clock in Amsterdam, in winter and in
  summer, on the switch days too. All day arithmetic is on local `date`s; an aware datetime is only
  made (with zoneinfo) for one wall-clock time on one date, never by adding a timedelta to it.
- A block becomes an interval of real instants [opens, closes). In the repeated hour of the October
  switch an opening time means its first occurrence and a closing time its last, so a block that spans
  the repeated hour covers both folds instead of closing and reopening.
- A block edge inside the missing hour of the March switch (02:00–03:00 does not exist) moves to
  03:00, the first moment that exists after it.
- A moment given as a non-existent local time (02:30 on the March switch day) is read as PEP 495
  says: fold=0 uses the offset from before the switch, so it is the instant 03:30 summer time;
  fold=1 is 01:30 winter time. Both are real instants, so the answer is always defined.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

import holidays
from babel.dates import format_date

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC
# How far ahead status_at looks for the next opening; beyond this the label just says "gesloten".
HORIZON_DAYS = 14
END_OF_DAY = 24 * 60

DAY_CODES = ("ma", "di", "wo", "do", "vr", "za", "zo")
DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SCHEMA_ORG_DAYS = tuple(
    f"https://schema.org/{name}"
    for name in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
)
_WEEKS_OF_MONTH = (1, 2, 3, 4, 5, -1)

_TIME = re.compile(r"^(\d{2}):(\d{2})$")
# date.fromisoformat also takes "20261224" and week dates; editors are told to write JJJJ-MM-DD.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

TIME_FIX = (
    'schrijf de tijd als UU:MM tussen aanhalingstekens, bijvoorbeeld "09:00" of "17:30"; '
    '"24:00" mag alleen als eindtijd (middernacht)'
)
HSDS_NOTE = (
    "Tijden in Nederlandse tijd (Europe/Amsterdam). De tijdzone 1 is de wintertijd (UTC+1); "
    "in de zomertijd (UTC+2) gelden dezelfde kloktijden."
)

State = Literal["open", "gesloten", "op_afspraak", "onbekend"]
KeyPath = tuple[str | int, ...]
ProblemRow = tuple[KeyPath, str, str]


@dataclass(frozen=True)
class TimeBlock:
    """One row of the weekly grid. Times are minutes after local midnight; `closes` may be 1440."""

    days: tuple[int, ...]  # 0 = Monday
    opens: int
    closes: int
    week_of_month: int | None = None  # 1-5, or -1 for the last one

    def applies_to(self, day: dt.date) -> bool:
        if day.weekday() not in self.days:
            return False
        if self.week_of_month is None:
            return True
        if self.week_of_month == -1:
            return (day + dt.timedelta(days=7)).month != day.month
        return (day.day - 1) // 7 + 1 == self.week_of_month


@dataclass(frozen=True)
class DateException:
    """A date that does not follow the grid: closed, or open only from `opens` to `closes`."""

    day: dt.date
    closed: bool
    opens: int | None = None
    closes: int | None = None
    description: str | None = None


@dataclass(frozen=True)
class OpeningHours:
    """The checked `openingstijden` of a location or service."""

    by_appointment: bool = False
    week: tuple[TimeBlock, ...] = ()
    open_on_holidays: bool = False
    exceptions: tuple[DateException, ...] = ()
    remark: str | None = None

    @classmethod
    def from_data(cls, data: dict | None) -> OpeningHours:
        """Build from the parsed YAML dict; raises ValueError (Dutch) when `problems` finds any."""
        if not data:
            return cls()
        found = problems(data)
        if found:
            path, message, _fix = found[0]
            where = ".".join(str(part) for part in path)
            raise ValueError(f"openingstijden.{where}: {message}")
        week = tuple(
            TimeBlock(
                days=tuple(sorted(DAY_CODES.index(code) for code in row["dagen"])),
                opens=_minutes(row["van"]),
                closes=_minutes(row["tot"]),
                week_of_month=row.get("week_van_de_maand"),
            )
            for row in data.get("week") or ()
        )
        exceptions = []
        for row in data.get("uitzonderingen") or ():
            closed = bool(row.get("gesloten"))
            exceptions.append(
                DateException(
                    day=_date(row["datum"]),
                    closed=closed,
                    opens=None if closed else _minutes(row["van"]),
                    closes=None if closed else _minutes(row["tot"]),
                    description=row.get("omschrijving") or None,
                )
            )
        return cls(
            by_appointment=bool(data.get("op_afspraak")),
            week=week,
            open_on_holidays=data.get("feestdagen") == "open",
            exceptions=tuple(sorted(exceptions, key=lambda e: e.day)),
            remark=data.get("toelichting") or None,
        )

    @property
    def has_grid(self) -> bool:
        return bool(self.week)

    def exception_on(self, day: dt.date) -> DateException | None:
        return next((e for e in self.exceptions if e.day == day), None)


@dataclass(frozen=True)
class Status:
    """Whether a place is open at a moment, with a Dutch label for the page."""

    state: State
    label: str
    until: dt.datetime | None = None
    next_open: dt.datetime | None = None


# --- checks -------------------------------------------------------------------------------------


def _parse_time(value: object, *, closing: bool) -> tuple[int | None, str | None]:
    """(minutes, None) or (None, Dutch message)."""
    if not isinstance(value, str):
        # Unquoted 10:00 is a base-60 number to a YAML 1.1 reader; the quotes are the fix.
        return None, f"de tijd {value!r} is geen tekst"
    match = _TIME.match(value)
    if not match:
        return None, f"'{value}' is geen geldige tijd"
    hour, minute = int(match[1]), int(match[2])
    if minute > 59 or hour > 24 or (hour == 24 and (minute or not closing)):
        return None, f"'{value}' bestaat niet: een dag loopt van 00:00 tot 24:00"
    return hour * 60 + minute, None


def _minutes(value: str) -> int:
    hour, minute = value.split(":")
    return int(hour) * 60 + int(minute)


def _date(value: object) -> dt.date:
    # A YAML reader may already have made a date of an unquoted 2026-12-24.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError(value)
    return dt.date.fromisoformat(value)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _span(opens: int, closes: int) -> str:
    return f"{_hhmm(opens)}–{_hhmm(closes)}"


def _long_date(day: dt.date) -> str:
    return format_date(day, "d MMMM y", locale="nl")


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} en {parts[-1]}"


def _weeks_can_coincide(a: int | None, b: int | None) -> bool:
    if a is None or b is None or a == b:
        return True
    # The last weekday of a month is its 4th or its 5th.
    return {a, b} in ({4, -1}, {5, -1})


def problems(data: dict | None) -> list[ProblemRow]:
    """Semantic problems in an `openingstijden` dict, as (path, message, fix) in Dutch.

    The path points into the dict, e.g. ("week", 0, "tot"). Keys and types are the JSON Schema's
    job; this finds what a schema cannot: impossible times, van not before tot, overlapping blocks,
    dates that do not exist and dates given twice.
    """
    if not data:
        return []
    found: list[ProblemRow] = []
    found += _week_problems(data.get("week") or [])
    found += _exception_problems(data.get("uitzonderingen") or [])
    return found


def _times(row: dict, where: KeyPath, found: list[ProblemRow]) -> tuple[int, int] | None:
    """Check van/tot of one row; the pair when both are valid and van < tot."""
    opens, error = _parse_time(row.get("van"), closing=False)
    if error:
        found.append(((*where, "van"), error, TIME_FIX))
    closes, error = _parse_time(row.get("tot"), closing=True)
    if error:
        found.append(((*where, "tot"), error, TIME_FIX))
    if opens is None or closes is None:
        return None
    if opens >= closes:
        found.append(
            (
                (*where, "tot"),
                f"de eindtijd {row['tot']} ligt niet na de begintijd {row['van']}",
                'maak "tot" later dan "van"; loopt het door na middernacht, splits het dan in '
                'twee blokken: tot "24:00" en de volgende dag vanaf "00:00"',
            )
        )
        return None
    return opens, closes


def _week_problems(rows: list[dict]) -> list[ProblemRow]:
    found: list[ProblemRow] = []
    checked: list[tuple[int, set[int], int, int, int | None]] = []
    for index, row in enumerate(rows):
        where: KeyPath = ("week", index)
        days: set[int] = set()
        for pos, code in enumerate(row.get("dagen") or []):
            if code in DAY_CODES:
                days.add(DAY_CODES.index(code))
            else:
                found.append(
                    (
                        (*where, "dagen", pos),
                        f"'{code}' is geen dag",
                        f"kies uit: {', '.join(DAY_CODES)}",
                    )
                )
        week = row.get("week_van_de_maand")
        if week is not None and week not in _WEEKS_OF_MONTH:
            found.append(
                (
                    (*where, "week_van_de_maand"),
                    f"'{week}' is geen week van de maand",
                    "kies 1, 2, 3, 4 of 5, of -1 voor de laatste van de maand",
                )
            )
            week = None
        times = _times(row, where, found)
        if times is None:
            continue
        opens, closes = times
        for other, other_days, other_opens, other_closes, other_week in checked:
            shared = sorted(days & other_days)
            if (
                shared
                and opens < other_closes
                and other_opens < closes
                and _weeks_can_coincide(week, other_week)
            ):
                found.append(
                    (
                        where,
                        f"de tijden {_span(opens, closes)} op "
                        f"{_join([DAY_NAMES[d] for d in shared])} overlappen met blok "
                        f"{other + 1} ({_span(other_opens, other_closes)})",
                        "pas de tijden aan zodat de blokken elkaar niet overlappen, of voeg ze "
                        "samen tot één blok",
                    )
                )
        checked.append((index, days, opens, closes, week))
    return found


def _exception_problems(rows: list[dict]) -> list[ProblemRow]:
    found: list[ProblemRow] = []
    seen: dict[dt.date, int] = {}
    for index, row in enumerate(rows):
        where: KeyPath = ("uitzonderingen", index)
        try:
            day = _date(row.get("datum"))
        except ValueError:
            found.append(
                (
                    (*where, "datum"),
                    f"'{row.get('datum')}' is geen bestaande datum",
                    'schrijf de datum als JJJJ-MM-DD, bijvoorbeeld "2026-12-24", en controleer '
                    "of die dag bestaat",
                )
            )
        else:
            if day in seen:
                found.append(
                    (
                        (*where, "datum"),
                        f"de datum {_long_date(day)} staat al bij uitzondering {seen[day] + 1}",
                        "houd één uitzondering per datum over",
                    )
                )
            else:
                seen[day] = index
        has_times = "van" in row or "tot" in row
        if row.get("gesloten"):
            if has_times:
                found.append(
                    (
                        (*where, "gesloten"),
                        "deze uitzondering is gesloten en heeft toch tijden",
                        'haal "van" en "tot" weg, of zet "gesloten: false"',
                    )
                )
        elif "van" not in row or "tot" not in row:
            found.append(
                (
                    where,
                    "bij deze uitzondering staat niet of het gesloten is of welke tijden gelden",
                    'zet "gesloten: true", of geef "van" en "tot"',
                )
            )
        else:
            _times(row, where, found)
    return found


# --- status -------------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _holidays(year: int) -> holidays.HolidayBase:
    # One object per year, built whole: a shared lazily-expanding object would be mutated by
    # concurrent lookups in the web service.
    return holidays.country_holidays("NL", years=year, language="nl")


def holiday_name(day: dt.date) -> str | None:
    """The Dutch name of the public holiday on `day`, if it is one."""
    return _holidays(day.year).get(day)


class DayPlan(NamedTuple):
    """Opening intervals of one local date (minutes, merged, sorted), and why it is closed."""

    intervals: tuple[tuple[int, int], ...]
    closed_because: str | None  # holiday name or exception description when specially closed
    specially_closed: bool


def day_plan(hours: OpeningHours, day: dt.date) -> DayPlan:
    """What the grid, the holidays and the exceptions say about one local date."""
    exception = hours.exception_on(day)
    if exception is not None:
        if exception.closed or exception.opens is None or exception.closes is None:
            return DayPlan((), exception.description, True)
        return DayPlan(((exception.opens, exception.closes),), None, False)
    spans = sorted((b.opens, b.closes) for b in hours.week if b.applies_to(day))
    merged: list[tuple[int, int]] = []
    for opens, closes in spans:
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    if not hours.open_on_holidays and (holiday := holiday_name(day)):
        # Name the holiday only when it is the reason: "gesloten (Pinksteren)" on a Sunday that is
        # closed every week would suggest it is normally open.
        return DayPlan((), holiday if merged else None, bool(merged))
    return DayPlan(tuple(merged), None, False)


def _exists(naive: dt.datetime, aware: dt.datetime) -> bool:
    return aware.astimezone(UTC).astimezone(AMSTERDAM).replace(tzinfo=None) == naive


# Cached: the "nu open" data of every location asks for the same few clock times on the same
# 62 days; the answer depends on nothing else, and a datetime cannot be changed.
@lru_cache(maxsize=8192)
def local_instant(day: dt.date, minutes: int, *, closing: bool) -> dt.datetime:
    """The real instant of a wall-clock time on a local date, as an aware Amsterdam datetime.

    Ambiguous (October): opening = first occurrence, closing = last. Missing (March): the first
    minute that exists after it. See the module docstring.
    """
    if minutes >= END_OF_DAY:
        day, minutes = day + dt.timedelta(days=1), minutes - END_OF_DAY
    naive = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
    aware = naive.replace(tzinfo=AMSTERDAM, fold=1 if closing else 0)
    # Stepping the naive wall-clock time is safe: it has no offset to get wrong.
    step = 0
    while not _exists(naive, aware) and step < 24 * 60:
        step += 1
        naive += dt.timedelta(minutes=1)
        aware = naive.replace(tzinfo=AMSTERDAM)
    return aware


def _instants(plan: DayPlan, day: dt.date) -> list[tuple[dt.datetime, dt.datetime, int]]:
    """[start, end) of each interval in UTC, with the closing minute.

    UTC, because Python compares two datetimes with the same tzinfo by wall-clock time and ignores
    fold: 02:30 summer time and 02:30 winter time on the October switch day would compare equal.
    """
    result = []
    for opens, closes in plan.intervals:
        start = local_instant(day, opens, closing=False).astimezone(UTC)
        end = local_instant(day, closes, closing=True).astimezone(UTC)
        if start >= end:  # a block wholly inside the missing March hour never happens
            continue
        if result and start <= result[-1][1]:
            # 02:30 and 02:45 on the March switch night both move to 03:00: blocks that touch
            # only then are one opening, or the label would say "open tot 03:00".
            result[-1] = (result[-1][0], max(result[-1][1], end), closes)
        else:
            result.append((start, end, closes))
    return result


def _to_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("het moment heeft geen tijdzone; geef een datetime met tzinfo")
    # Through UTC, so that a moment that already carries Europe/Amsterdam is normalised too:
    # astimezone to the same tzinfo would hand back a non-existent 02:30 unchanged.
    return moment.astimezone(UTC)


def _day_words(day: dt.date, today: dt.date) -> str:
    ahead = (day - today).days
    if ahead == 0:
        return "vandaag"
    if ahead == 1:
        return "morgen"
    if ahead < 7:
        return f"op {DAY_NAMES[day.weekday()]}"
    return f"op {format_date(day, 'EEEE d MMMM', locale='nl')}"


def status_at(hours: OpeningHours, moment: dt.datetime) -> Status:
    """Open or closed at `moment` (timezone-aware, any zone), with a Dutch label.

    `until` and `next_open` are aware Europe/Amsterdam datetimes.
    """
    now = _to_utc(moment)
    today = now.astimezone(AMSTERDAM).date()
    if not hours.has_grid:
        if hours.by_appointment:
            return Status("op_afspraak", "Alleen op afspraak")
        return Status("onbekend", "Openingstijden onbekend")

    plan = day_plan(hours, today)
    for start, end, closes in _instants(plan, today):
        if start <= now < end:
            until = _open_until(hours, today, end, closes)
            return Status("open", _open_label(until, today), until=until)

    next_open = _next_opening(hours, now, today)
    if not plan.specially_closed:
        head = "Nu gesloten"
    elif plan.closed_because:
        head = f"Vandaag gesloten ({plan.closed_because})"
    else:
        head = "Vandaag gesloten"
    if next_open is None:
        return Status("gesloten", head)
    words = _day_words(next_open.date(), today)
    when = f"gaat {words} open om" if words in ("vandaag", "morgen") else f"gaat open {words} om"
    return Status("gesloten", f"{head} · {when} {next_open:%H:%M}", next_open=next_open)


def _open_until(
    hours: OpeningHours, today: dt.date, end: dt.datetime, closes: int
) -> dt.datetime | None:
    """The end of the opening that contains now (Amsterdam time), also past midnight."""
    day = today
    for _ in range(HORIZON_DAYS):
        if closes < END_OF_DAY:
            break
        day += dt.timedelta(days=1)
        following = _instants(day_plan(hours, day), day)
        if not following or following[0][0] != end:
            break
        _start, end, closes = following[0]
    else:
        return None  # open around the clock as far as we look
    return end.astimezone(AMSTERDAM)


def _open_label(until: dt.datetime | None, today: dt.date) -> str:
    if until is None:
        return "Nu open"
    if until.date() == today:
        return f"Nu open tot {until:%H:%M}"
    if until.date() == today + dt.timedelta(days=1) and until.time() == dt.time(0, 0):
        return "Nu open tot 24:00"
    words = _day_words(until.date(), today).removeprefix("op ")
    return f"Nu open tot {words} {until:%H:%M}"


def _next_opening(hours: OpeningHours, now: dt.datetime, today: dt.date) -> dt.datetime | None:
    for ahead in range(HORIZON_DAYS + 1):
        day = today + dt.timedelta(days=ahead)
        for start, _end, _closes in _instants(day_plan(hours, day), day):
            if start > now:
                return start.astimezone(AMSTERDAM)
    return None


# --- page rows ----------------------------------------------------------------------------------


def _ordinal(week: int) -> str:
    return "laatste" if week == -1 else f"{week}e"


def _block_text(block: TimeBlock, day_words: str) -> str:
    text = _span(block.opens, block.closes)
    if block.week_of_month is not None:
        text += f" ({_ordinal(block.week_of_month)} {day_words} van de maand)"
    return text


def weekly_rows(hours: OpeningHours) -> list[tuple[str, str]]:
    """Rows for the page table, Monday first, e.g. ("maandag", "09:00–12:30 en 13:30–17:00").

    Empty when there is no weekly grid; `note_lines` then says "Alleen op afspraak" or
    "Openingstijden onbekend".
    """
    if not hours.has_grid:
        return []
    rows = []
    for weekday, name in enumerate(DAY_NAMES):
        blocks = sorted(
            (b for b in hours.week if weekday in b.days),
            key=lambda b: (b.opens, b.week_of_month is not None),
        )
        text = _join([_block_text(b, name) for b in blocks]) if blocks else "gesloten"
        rows.append((name, text))
    return rows


def _exception_text(exception: DateException) -> str:
    if exception.closed or exception.opens is None or exception.closes is None:
        text = f"{_long_date(exception.day)}: gesloten"
    else:
        text = f"{_long_date(exception.day)}: {_span(exception.opens, exception.closes)}"
    return f"{text} ({exception.description})" if exception.description else text


def _exceptions_from(hours: OpeningHours, since: dt.date | None) -> list[DateException]:
    return [e for e in hours.exceptions if since is None or e.day >= since]


def note_lines(hours: OpeningHours, *, since: dt.date | None = None) -> list[str]:
    """Lines under the table: appointment, holidays, exceptions (from `since` on), remark."""
    lines = []
    if not hours.has_grid:
        lines.append("Alleen op afspraak" if hours.by_appointment else "Openingstijden onbekend")
    else:
        if hours.by_appointment:
            lines.append("Ook op afspraak")
        lines.append("Open op feestdagen" if hours.open_on_holidays else "Gesloten op feestdagen")
    lines += [_exception_text(e) for e in _exceptions_from(hours, since)]
    if hours.remark:
        lines.append(hours.remark)
    return lines


# --- exports ------------------------------------------------------------------------------------


def _days_phrase(days: Iterable[int]) -> str:
    """'maandag t/m vrijdag', 'dinsdag en donderdag': runs of three or more days are shortened."""
    ordered = sorted(set(days))
    runs: list[list[int]] = []
    for day in ordered:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]} t/m {DAY_NAMES[run[-1]]}")
        else:
            parts += [DAY_NAMES[d] for d in run]
    return _join(parts)


def block_description(block: TimeBlock) -> str:
    """E.g. 'maandag t/m vrijdag 09:00–12:30' or 'zaterdag 10:00–16:00 (1e zaterdag van de maand)'."""
    phrase = _days_phrase(block.days)
    return f"{phrase} {_block_text(block, phrase)}"


def _export_time(minutes: int) -> str:
    # "24:00" is not a valid time of day in HSDS or schema.org; 23:59 is the usual "until midnight".
    return "23:59" if minutes >= END_OF_DAY else _hhmm(minutes)


def _hsds_notes(hours: OpeningHours, since: dt.date | None) -> str:
    parts = [HSDS_NOTE]
    if hours.has_grid:
        parts.append(
            "Ook open op Nederlandse feestdagen."
            if hours.open_on_holidays
            else "Gesloten op Nederlandse feestdagen."
        )
    exceptions = _exceptions_from(hours, since)
    if exceptions:
        parts.append(f"Afwijkend: {'; '.join(_exception_text(e) for e in exceptions)}.")
    if hours.remark:
        parts.append(hours.remark)
    return " ".join(parts)


def hsds_schedules(
    hours: OpeningHours, make_id: Callable[[str], str], *, since: dt.date | None = None
) -> list[dict]:
    """HSDS 3.0 `schedule` objects: one per weekly block (ids from make_id("week-<n>")).

    Without a grid but by appointment, one schedule that says so (id from make_id("afspraak")).
    The caller adds service_id / location_id. HSDS has one fixed UTC offset and no DST, so
    `timezone` is 1 and `notes` says the times are Dutch wall-clock times.
    """
    notes = _hsds_notes(hours, since)
    attending = {"attending_type": "Op afspraak"} if hours.by_appointment else {}
    if not hours.has_grid:
        if not hours.by_appointment:
            return []
        return [
            {
                "id": make_id("afspraak"),
                "description": "Alleen op afspraak",
                "timezone": 1,
                "notes": notes,
                **attending,
            }
        ]
    schedules = []
    for index, block in enumerate(hours.week):
        days = [_RRULE_DAYS[d] for d in block.days]
        if block.week_of_month is None:
            freq, byday = "WEEKLY", ",".join(days)
        else:
            freq, byday = "MONTHLY", ",".join(f"{block.week_of_month}{d}" for d in days)
        schedules.append(
            {
                "id": make_id(f"week-{index}"),
                "freq": freq,
                "interval": 1,
                "byday": byday,
                "opens_at": _export_time(block.opens),
                "closes_at": _export_time(block.closes),
                "timezone": 1,
                "description": block_description(block),
                "notes": notes,
                **attending,
            }
        )
    return schedules


def schema_org_hours(hours: OpeningHours, *, since: dt.date | None = None) -> list[dict]:
    """schema.org OpeningHoursSpecification dicts for JSON-LD.

    Blocks for one week of the month are left out: schema.org cannot say "1st Saturday", and
    listing them as every Saturday would send people to a closed door. Exceptions (from `since`
    on) get validFrom/validThrough; a closed day is opens = closes = 00:00, as search engines read it.
    """
    specs: list[dict] = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [_SCHEMA_ORG_DAYS[d] for d in block.days],
            "opens": _export_time(block.opens),
            "closes": _export_time(block.closes),
        }
        for block in hours.week
        if block.week_of_month is None
    ]
    for exception in _exceptions_from(hours, since):
        closed = exception.closed or exception.opens is None or exception.closes is None
        specs.append(
            {
                "@type": "OpeningHoursSpecification",
                "validFrom": exception.day.isoformat(),
                "validThrough": exception.day.isoformat(),
                "opens": "00:00" if closed else _export_time(exception.opens or 0),
                "closes": "00:00" if closed else _export_time(exception.closes or 0),
            }
        )
    return specs
