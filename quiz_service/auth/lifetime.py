"""How long a login lasts (ASVS 5.0 V7.3.1, V7.3.2): an idle timeout and an absolute lifetime.

The session cookie carries the moment of the login and the moment the person was last seen,
as whole seconds since 1970 (UTC). Both are signed with the cookie, so nobody can move them.
A session without them (made before this check existed) counts as ended.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"

# Last-seen is written at most once a minute, so not every request sends a new cookie; a
# session may end up to this much before the idle timeout, never after it.
SEEN_RESOLUTION_SECONDS = 60


@dataclass(frozen=True)
class Limits:
    idle_minutes: int
    absolute_hours: int


# Why a session ended, for the message on the login page.
IDLE = "inactief"
TOO_LONG = "te_lang"
UNKNOWN = "onbekend"


def start(session: MutableMapping, now: datetime) -> None:
    moment = int(now.timestamp())
    session[LOGIN_AT] = moment
    session[SEEN_AT] = moment


def expired(session: Mapping, now: datetime, limits: Limits) -> str | None:
    """Why this session has ended (IDLE, TOO_LONG, UNKNOWN), or None while it holds."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return UNKNOWN
    moment = now.timestamp()
    if moment - login_at >= limits.absolute_hours * 3600:
        return TOO_LONG
    if moment - seen_at >= limits.idle_minutes * 60:
        return IDLE
    return None


def touch(session: MutableMapping, now: datetime) -> None:
    """Record that the person is still here (at most once per SEEN_RESOLUTION_SECONDS)."""
    moment = int(now.timestamp())
    if moment - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = moment


def message(reason: str, limits: Limits) -> str:
    """The Dutch flash on the login page after a session ended on its own."""
    if reason == TOO_LONG:
        return (
            f"U bent uitgelogd omdat u al {limits.absolute_hours} uur was ingelogd. "
            "Log opnieuw in om verder te gaan."
        )
    if reason == IDLE:
        return (
            f"U bent uitgelogd omdat u {limits.idle_minutes} minuten niets heeft gedaan. "
            "Log opnieuw in om verder te gaan."
        )
    return "U bent uitgelogd omdat uw inlog te oud was. Log opnieuw in om verder te gaan."
