"""Helpers for tests of lotgenoten meetings: a fictional sociale kaart, meetings, sign-ups."""

from __future__ import annotations

import re
import shutil
import uuid
from datetime import UTC, datetime, time, timedelta

from quiz_service.bijeenkomsten import mails
from quiz_service.localtime import AMSTERDAM
from quiz_service.models import Bijeenkomst
from tests.academie import ROOT

FICTIONAL_KAART = ROOT / "tests" / "fixtures" / "kaart" / "basis"
# The fictional location in that kaart (see its YAML file).
FICTIONAL_PLACE_NAME = "Verzonnen"

LINKS = mails.Links(
    meeting=lambda meeting_id: f"https://verzonnen.example/bijeenkomsten/{meeting_id}",
    signup=lambda signup: f"https://verzonnen.example/bijeenkomsten/aanmelding/{signup.id}",
    calendar=lambda meeting_id: f"https://verzonnen.example/bijeenkomsten/{meeting_id}.ics",
    agenda="https://verzonnen.example/bijeenkomsten/agenda",
)


SITE = "https://verzonnen.example"


def app_config(tmp_path) -> dict:
    """Settings for a test app with meetings: the fictional kaart, an outbox folder in
    `tmp_path`, a fixed site address for the links in mails, and no limit on sign-ups."""
    return {
        "SOCIALE_KAART_DIR": str(kaart_dir(tmp_path)),
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "SITE_URL": SITE,
        "SIGNUP_LIMIT_PER_IP": "1000 per hour",
    }


def kaart_dir(tmp_path):
    """The fictional organisations with the real lists (gemeenten, toegankelijkheid)."""
    target = tmp_path / "kaart"
    if target.exists():
        return target
    shutil.copytree(FICTIONAL_KAART / "organisaties", target / "organisaties")
    shutil.copytree(ROOT / "sociale_kaart" / "taxonomie", target / "taxonomie")
    return target


def new_meeting(db, organisatie_id, capaciteit=10, days_ahead=14, **fields) -> Bijeenkomst:
    """A committed, fictional meeting at 19:00 `days_ahead` days from today, two hours long."""
    # 19:00 in Flevoland, as the form has it: a meeting that ends before midnight, so saving
    # the form unchanged changes no time, whatever the hour the test runs.
    day = datetime.now(AMSTERDAM).date() + timedelta(days=days_ahead)
    begint = datetime.combine(day, time(19, 0), tzinfo=AMSTERDAM).astimezone(UTC)
    values = {
        "uid": f"{uuid.uuid4()}@verzonnen.example",
        "organisatie_id": organisatie_id,
        "titel": "Verzonnen lotgenotengroep",
        "thema": "mantelzorg",
        "gemeente": "GM0995",
        "vorm": "fysiek",
        "locatie_naam": "Verzonnen buurthuis",
        "adres": "Verzonnenstraat 1, 8200 AA Lelystad",
        "begint_at": begint,
        "eindigt_at": begint + timedelta(hours=2),
        "capaciteit": capaciteit,
        "beschrijving": "Een verzonnen bijeenkomst voor de tests.",
        "toegankelijkheid": [],
        **fields,
    }
    with db.session() as session:
        meeting = Bijeenkomst(**values)
        session.add(meeting)
        session.commit()
        return meeting


def meeting_form(**fields) -> dict:
    """A complete, valid form for a meeting in Lelystad, four weeks from now."""
    day = (datetime.now(UTC) + timedelta(days=28)).date()
    return {
        "titel": "Verzonnen Alzheimer Café",
        "thema": "mantelzorg",
        "gemeente": "GM0995",
        "vorm": "fysiek",
        "locatie_id": "",
        "locatie_naam": "Verzonnen wijkcentrum",
        "adres": "Verzonnenweg 2, 8200 AB Lelystad",
        "online_link": "",
        "datum": day.isoformat(),
        "begintijd": "19:00",
        "eindtijd": "21:00",
        "capaciteit": "12",
        "beschrijving": "Praten met andere mantelzorgers, met koffie.",
        "toegankelijkheid_toelichting": "",
        "herhaling": "geen",
        "aantal": "1",
        **fields,
    }


def link_in(message, path: str) -> str:
    """The path of the first link in a mail that goes to `path`..."""
    found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s]*)", message.get_content())
    assert found, message.get_content()
    return found.group(1)
