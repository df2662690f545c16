"""Authentication events in the log (ASVS 5.0 V16.2, V16.3): who logged in, who failed, who
was stopped, who logged out or changed a password.

One line per event on the logger `quiz_service.auth.events`, as `key=value` pairs with the
time in UTC, so a log collector can alert on bursts of failures. A line never holds a
password, a code, a token or anything about health. What a visitor typed (the e-mail address)
is neutralised first: a line break in it cannot forge a second log line.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

logger = logging.getLogger("quiz_service.auth.events")

# Events that point at an attack or a mistake are warnings; the rest is information.
WARNINGS = {
    "inloggen_mislukt",
    "code_mislukt",
    "te_veel_pogingen",
    "wachtwoord_wijzigen_mislukt",
}

EVENTS = WARNINGS | {
    "inloggen_gelukt",
    "code_gevraagd",
    "code_gelukt",
    "herstelcode_gebruikt",
    "tweede_stap_ingesteld",
    "tweede_stap_gewist",
    "uitgelogd",
    "sessie_verlopen",
    "wachtwoord_gewijzigd",
    "wachtwoord_herstel_gevraagd",
    "wachtwoord_hersteld",
}

# Longer input is cut off: an e-mail address has at most 320 characters.
MAX_VALUE_LENGTH = 320


def neutralise(value: object) -> str:
    """`value` as one printable line in double quotes: line breaks, other control and
    separator characters, quotes and backslashes are written as escapes (`\\r`, `\\u2028`)."""
    text = str(value)[:MAX_VALUE_LENGTH]
    out = []
    for ch in text:
        if ch == "\r":
            out.append("\\r")
        elif ch == "\n":
            out.append("\\n")
        elif ch in '"\\':
            out.append("\\" + ch)
        elif not ch.isprintable():
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def log(
    event: str,
    *,
    account: int | None = None,
    email: str | None = None,
    ip: str | None = None,
    now: datetime | None = None,
    **details: str | int,
) -> None:
    """Write one line for `event`. `account` is the account id when it is known; `email` is
    only for events where no account is known yet (a failed login)."""
    if event not in EVENTS:
        raise ValueError(f"unknown auth event: {event}")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    fields: dict[str, str] = {
        "tijd": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "gebeurtenis": event,
    }
    if account is not None:
        fields["account"] = str(int(account))
    if email is not None:
        fields["email"] = neutralise(email)
    if ip is not None:
        fields["ip"] = neutralise(ip)
    for key, value in details.items():
        fields[key] = str(value) if isinstance(value, int) else neutralise(value)
    level = logging.WARNING if event in WARNINGS else logging.INFO
    logger.log(
        level,
        " ".join(f"{key}={value}" for key, value in fields.items()),
        extra={"auth_event": event, "account_id": account},
    )
