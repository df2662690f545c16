"""Demo data: one fictional organisation with a team, a few fictional people and meetings.

Everything is visibly made up ("Verzonnen ...", addresses at @verzonnen.example, a reserved
domain), so nobody mistakes it for a real organisation or person. Loading it twice changes
nothing. There is no demo beheerder: the first beheerder is made with `create-admin`.

The demo teamleider and organisator start without a second step, like every new account of a
role that needs one: their first login shows the page that sets up an authenticator app (a QR
code and the key as text), so whoever tries the demo sees that page too. A known TOTP secret
in the demo data would be a known second factor.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .bijeenkomsten import services as bijeenkomsten
from .models import Bijeenkomst, Gebruiker, Organisatie, Team
from .passwords import hash_password

ORGANISATIE = "Verzonnen Zorgorganisatie"
INVITE_CODE = "VERZONNEN-DEMO-CODE"
TEAM = "Verzonnen Team Thuiszorg"
EMAIL_DOMAIN = "verzonnen.example"

# (display name, e-mail local part, role, member of the team)
PEOPLE = (
    ("Verzonnen Teamleider 1", "teamleider1", "teamleider", True),
    ("Verzonnen Medewerker 1", "medewerker1", "medewerker", True),
    ("Verzonnen Medewerker 2", "medewerker2", "medewerker", True),
    ("Verzonnen Medewerker 3", "medewerker3", "medewerker", False),
    ("Verzonnen Organisator 1", "organisator1", "organisator", False),
    ("Verzonnen Mantelzorger 1", "mantelzorger1", "mantelzorger", False),
)


# (title, thema, gemeente, online, weeks from now, repeats, description)
MEETINGS = (
    (
        "Verzonnen koffieochtend voor mantelzorgers",
        "mantelzorg",
        "GM0995",
        False,
        1,
        3,
        "Een verzonnen bijeenkomst om de agenda te laten zien. Koffie, thee en een praatje "
        "met andere mantelzorgers.",
    ),
    (
        "Verzonnen online lotgenotengroep",
        "goed-voor-uzelf",
        "PV24",
        True,
        2,
        1,
        "Een verzonnen online bijeenkomst. Samen praten over hoe u goed voor uzelf zorgt.",
    ),
)


def _demo_meetings(session: Session, organisatie: Organisatie) -> list[str]:
    created = []
    today = datetime.now(UTC).date()
    for title, thema, gemeente, online, weeks, repeats, text in MEETINGS:
        if session.scalar(select(Bijeenkomst.id).where(Bijeenkomst.titel == title)):
            continue
        first = today + timedelta(weeks=weeks)
        for number, day in enumerate(bijeenkomsten.repeat_dates(first, "maandelijks", repeats)):
            begint = bijeenkomsten.local_moment(day, time(19, 30), "begintijd")
            session.add(
                Bijeenkomst(
                    uid=bijeenkomsten.new_uid(),
                    organisatie=organisatie,
                    reeks=f"demo-{thema}" if repeats > 1 else None,
                    titel=title,
                    thema=thema,
                    gemeente=gemeente,
                    vorm="online" if online else "fysiek",
                    locatie_naam=None if online else "Verzonnen wijkcentrum",
                    adres=None if online else "Verzonnenstraat 1, 8200 AA Lelystad",
                    begint_at=begint,
                    eindigt_at=begint + timedelta(hours=2),
                    capaciteit=2 if number == 0 else 12,
                    beschrijving=text,
                    toegankelijkheid=[] if online else ["rolstoeltoegankelijk", "ringleiding"],
                )
            )
        created.append(title)
    return created


@dataclass
class DemoResult:
    created: list[str]
    # Shown once, only when people were added; demo accounts never get a known password.
    password: str | None


def load_demo_data(session: Session) -> DemoResult:
    """Add what is missing of the demo data and commit; existing rows are left as they are."""
    created: list[str] = []
    organisatie = session.scalar(select(Organisatie).where(Organisatie.naam == ORGANISATIE))
    if organisatie is None:
        organisatie = Organisatie(naam=ORGANISATIE, invite_code=INVITE_CODE)
        session.add(organisatie)
        created.append(ORGANISATIE)
    team = session.scalar(
        select(Team).where(Team.naam == TEAM, Team.organisatie_id == organisatie.id)
    )
    if team is None:
        team = Team(naam=TEAM, organisatie=organisatie)
        session.add(team)
        created.append(TEAM)

    password = secrets.token_urlsafe(12)
    password_hash: str | None = None
    for name, local, role, in_team in PEOPLE:
        email = f"{local}@{EMAIL_DOMAIN}"
        if session.scalar(select(Gebruiker.id).where(Gebruiker.email == email)) is not None:
            continue
        password_hash = password_hash or hash_password(password)
        staff = role != "mantelzorger"
        session.add(
            Gebruiker(
                email=email,
                password_hash=password_hash,
                role=role,
                display_name=name,
                organisatie=organisatie if staff else None,
                team=team if in_team else None,
            )
        )
        created.append(name)
    created += _demo_meetings(session, organisatie)
    session.commit()
    return DemoResult(created=created, password=password if password_hash else None)
