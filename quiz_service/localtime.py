"""Dates as people in Flevoland see them: the service stores moments in UTC, people live in
Europe/Amsterdam. A pass at 00:30 on 1 January is a pass on 1 January, not on 31 December."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import Flask

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    return datetime.now(AMSTERDAM).date()


def local_date(moment: datetime) -> date:
    """The date of an aware `moment` in Amsterdam (the database gives aware moments)."""
    if moment.tzinfo is None:
        raise ValueError("Een tijdstip zonder tijdzone heeft geen datum in Amsterdam.")
    return moment.astimezone(AMSTERDAM).date()


def dutch_date(day: date | datetime | None) -> str:
    """'3 maart 2026'; a moment gives its date in Amsterdam; empty for no date."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = local_date(day)
    return format_date(day, "d MMMM y", locale="nl")


def init_app(app: Flask) -> None:
    app.add_template_filter(dutch_date, "datum")
