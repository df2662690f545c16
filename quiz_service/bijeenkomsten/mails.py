"""The mails about a sign-up, queued in the outbox in the caller's transaction.

Each mail carries the sign-up's own link: there the person sees their status and can cancel.
The online link of a meeting is only in mails to people with a place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_datetime
from sqlalchemy.orm import Session

from .. import mail
from ..localtime import AMSTERDAM
from ..models import Aanmelding, Bijeenkomst


@dataclass(frozen=True)
class Links:
    """Absolute links for mails, made by the views from the configured site address."""

    meeting: Callable[[int], str]
    signup: Callable[[Aanmelding], str]
    calendar: Callable[[int], str]
    agenda: str


def when(meeting: Bijeenkomst) -> str:
    """'dinsdag 5 januari 2027, 19:00 tot 21:00 uur', in Flevoland's time."""
    return f"{_day_and_time(meeting.begint_at)} tot {_clock(meeting.eindigt_at)} uur"


def _day_and_time(moment: datetime) -> str:
    return format_datetime(moment.astimezone(AMSTERDAM), "EEEE d MMMM y, HH:mm", locale="nl")


def _clock(moment: datetime) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%H:%M")


def where(meeting: Bijeenkomst) -> str:
    if meeting.vorm == "online":
        return "Online"
    return ", ".join(part for part in (meeting.locatie_naam, meeting.adres) if part)


def _about(meeting: Bijeenkomst) -> str:
    return f"{meeting.titel}\nWanneer: {when(meeting)}\nWaar: {where(meeting)}"


def _online(meeting: Bijeenkomst) -> str:
    if meeting.vorm != "online":
        return ""
    if meeting.online_link:
        return f"\nMeedoen doet u via deze link:\n{meeting.online_link}\n"
    return "\nDe link om mee te doen krijgt u later van de organisator.\n"


_FOOTER = (
    "\n\nWilt u niet meer komen? Meld u dan af via uw eigen link:\n{link}\n\n"
    "Dan kan iemand van de wachtlijst uw plek krijgen.\n\n"
    "Met vriendelijke groet,\nMantelzorgacademie Flevoland"
)

_UNSIGNED = (
    "\n\nHeeft u dit niet zelf gevraagd? Dan hoeft u niets te doen. Zonder bevestiging "
    "verwijderen wij uw naam en e-mailadres binnen twee dagen.\n\n"
    "Met vriendelijke groet,\nMantelzorgacademie Flevoland"
)


def _queue(session: Session, signup: Aanmelding, onderwerp: str, tekst: str) -> None:
    mail.queue(session, signup.email, onderwerp, f"Beste {signup.naam},\n\n{tekst}")


def confirm_link(session: Session, meeting: Bijeenkomst, signup: Aanmelding, links: Links) -> None:
    _queue(
        session,
        signup,
        f"Bevestig uw aanmelding: {meeting.titel}",
        "U wilt zich aanmelden voor deze bijeenkomst:\n\n"
        f"{_about(meeting)}\n\n"
        "Klik op deze link en daarna op de knop 'Aanmelding bevestigen':\n"
        f"{links.signup(signup)}\n\n"
        "Pas dan bent u aangemeld. Is de bijeenkomst vol? Dan komt u op de wachtlijst." + _UNSIGNED,
    )


def already_signed_up(
    session: Session, meeting: Bijeenkomst, signup: Aanmelding, links: Links
) -> None:
    if signup.status == "onbevestigd":
        confirm_link(session, meeting, signup, links)
        return
    state = "heeft u een plek" if signup.status == "bevestigd" else "staat u op de wachtlijst"
    _queue(
        session,
        signup,
        f"U bent al aangemeld: {meeting.titel}",
        f"U meldde zich opnieuw aan. Voor deze bijeenkomst {state}:\n\n{_about(meeting)}\n\n"
        f"U hoeft niets te doen. Uw aanmelding bekijken kan via deze link:\n{links.signup(signup)}"
        "\n\nMet vriendelijke groet,\nMantelzorgacademie Flevoland",
    )


def placed(
    session: Session, meeting: Bijeenkomst, signup: Aanmelding, position: int | None, links: Links
) -> None:
    """After signing up or confirming: a place, or a turn on the waitlist."""
    if signup.status == "bevestigd":
        _queue(
            session,
            signup,
            f"U bent aangemeld: {meeting.titel}",
            f"U heeft een plek bij deze bijeenkomst:\n\n{_about(meeting)}\n{_online(meeting)}\n"
            f"Zet de bijeenkomst in uw agenda met dit bestand:\n{links.calendar(meeting.id)}"
            + _FOOTER.format(link=links.signup(signup)),
        )
        return
    _queue(
        session,
        signup,
        f"U staat op de wachtlijst: {meeting.titel}",
        f"Deze bijeenkomst is vol. U staat op de wachtlijst, op plaats {position}:\n\n"
        f"{_about(meeting)}\n\n"
        "Komt er een plek vrij? Dan krijgt u die plek vanzelf, en u krijgt een e-mail."
        + _FOOTER.format(link=links.signup(signup)).replace(
            "Wilt u niet meer komen?", "Wilt u niet meer op de wachtlijst staan?"
        ),
    )


def promoted(session: Session, meeting: Bijeenkomst, signup: Aanmelding, links: Links) -> None:
    _queue(
        session,
        signup,
        f"Er is een plek voor u: {meeting.titel}",
        "Goed nieuws. Er is een plek vrijgekomen, en die plek is nu van u:\n\n"
        f"{_about(meeting)}\n{_online(meeting)}\n"
        "U hoeft hiervoor niets te doen.\n\n"
        f"Zet de bijeenkomst in uw agenda met dit bestand:\n{links.calendar(meeting.id)}"
        + _FOOTER.format(link=links.signup(signup)),
    )


def cancelled_by_attendee(
    session: Session, meeting: Bijeenkomst, signup: Aanmelding, links: Links
) -> None:
    _queue(
        session,
        signup,
        f"U bent afgemeld: {meeting.titel}",
        f"U heeft zich afgemeld voor deze bijeenkomst:\n\n{_about(meeting)}\n\n"
        f"Toch weer komen? Meld u dan opnieuw aan:\n{links.meeting(meeting.id)}"
        "\n\nMet vriendelijke groet,\nMantelzorgacademie Flevoland",
    )


def meeting_cancelled(
    session: Session, meeting: Bijeenkomst, signup: Aanmelding, links: Links
) -> None:
    reason = (
        f"\nDe organisator schrijft: {meeting.annulering_reden}\n"
        if meeting.annulering_reden
        else ""
    )
    _queue(
        session,
        signup,
        f"Gaat niet door: {meeting.titel}",
        f"Deze bijeenkomst gaat niet door:\n\n{_about(meeting)}\n{reason}\n"
        "U hoeft niets te doen. Staat de bijeenkomst in uw agenda? Dan kunt u haar weghalen.\n\n"
        f"Andere bijeenkomsten vindt u hier:\n{links.agenda}"
        "\n\nMet vriendelijke groet,\nMantelzorgacademie Flevoland",
    )


def meeting_changed(
    session: Session, meeting: Bijeenkomst, signup: Aanmelding, links: Links
) -> None:
    online = _online(meeting) if signup.status == "bevestigd" else ""
    _queue(
        session,
        signup,
        f"Gewijzigd: {meeting.titel}",
        "De tijd of de plek van deze bijeenkomst is veranderd. Zo is het nu:\n\n"
        f"{_about(meeting)}\n{online}\n"
        "Staat de bijeenkomst in uw agenda? Zet haar er dan opnieuw in met dit bestand:\n"
        f"{links.calendar(meeting.id)}" + _FOOTER.format(link=links.signup(signup)),
    )
