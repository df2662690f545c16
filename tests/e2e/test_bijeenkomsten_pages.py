"""Lotgenoten meetings in a real browser with JavaScript switched off, checked with axe-core.

An organisator puts a meeting in the agenda with the plain HTML form (once with a mistake),
then reads its page, its sign-ups and the organisation's list. Visitors without an account
find the meeting through the agenda's filter, sign up with their name and address, confirm
with the link from the mail, land on the waitlist when it is full and get the place when
someone cancels. Every page on the way is checked with axe at a phone and a desktop width.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from quiz_service.bijeenkomsten.forms import CONSENT
from quiz_service.localtime import AMSTERDAM
from quiz_service.localtime import today as today_in_amsterdam
from quiz_service.models import Aanmelding, Bijeenkomst
from tests.academie import mails_to, new_account, new_organisation
from tests.bijeenkomsten import kaart_dir, link_in, new_meeting
from tests.e2e.service import WIDTHS, Checker, open_page, serving_academie, sign_in

SITE = "https://verzonnen.example"
DESCRIPTION = "Praten met andere mantelzorgers over het verzonnen dagelijks leven, met koffie."


@pytest.fixture(scope="module")
def outbox(tmp_path_factory):
    return tmp_path_factory.mktemp("outbox")


@pytest.fixture(scope="module")
def academie_url(db, tmp_path_factory, outbox) -> Iterator[str]:
    with serving_academie(
        db,
        tmp_path_factory,
        "bijeenkomsten-pages",
        SOCIALE_KAART_DIR=str(kaart_dir(tmp_path_factory.mktemp("kaart"))),
        OUTBOX_DIR=str(outbox),
        SITE_URL=SITE,
        # Both widths sign up from 127.0.0.1; the limit per address is tested elsewhere.
        SIGNUP_LIMIT_PER_IP="1000 per hour",
    ) as url:
        yield url


def fill_meeting_form(page, titel: str) -> None:
    """Everything a new meeting in Lelystad needs, typed as an organisator would."""
    day = today_in_amsterdam() + timedelta(days=21)
    page.get_by_label("Titel", exact=True).fill(titel)
    page.get_by_label("Thema", exact=True).select_option(label="Mantelzorg in het algemeen")
    page.get_by_label("Beschrijving", exact=True).fill(DESCRIPTION)
    page.get_by_label("Op een plek", exact=True).check()
    page.get_by_label("Gemeente", exact=True).select_option(label="Lelystad")
    page.get_by_label("Naam van de plek", exact=True).fill("Verzonnen wijkcentrum, zaal 2")
    page.get_by_label("Adres", exact=True).fill("Verzonnenweg 2, 8200 AB Lelystad")
    page.get_by_label("Datum", exact=True).fill(day.isoformat())
    page.get_by_label("Begintijd", exact=True).fill("19:00")
    page.get_by_label("Eindtijd", exact=True).fill("21:00")
    page.get_by_label("Aantal plaatsen", exact=True).fill("1")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_organisator_puts_a_meeting_in_the_agenda_without_javascript(
    browser, academie_url, db, width
):
    organisation = new_organisation(db)
    organiser = new_account(
        db, "organisator", organisatie_id=organisation.id, display_name="Verzonnen Organisator"
    )
    titel = f"Verzonnen Alzheimer Café {width}"
    context, page = open_page(browser, academie_url, width)
    check = Checker(page, width)
    sign_in(page, organiser)
    page.goto("/bijeenkomsten/nieuw")
    check()

    fill_meeting_form(page, titel="")
    page.get_by_role("button", name="Bijeenkomst opslaan").click()
    assert "Titel: Vul een titel in." in page.locator("#fouten").inner_text()
    # Nothing typed is lost by the mistake.
    assert page.get_by_label("Beschrijving", exact=True).input_value() == DESCRIPTION
    assert page.get_by_label("Begintijd", exact=True).input_value() == "19:00"
    assert page.get_by_label("Aantal plaatsen", exact=True).input_value() == "1"
    check()

    page.get_by_label("Titel", exact=True).fill(titel)
    page.get_by_role("button", name="Bijeenkomst opslaan").click()
    found = re.search(r"/bijeenkomsten/(\d+)$", page.url)
    assert found, page.url
    assert page.get_by_role("heading", level=1).inner_text() == titel
    main = page.locator("main").inner_text()
    assert "De bijeenkomst staat in de agenda." in main
    assert "19:00 tot 21:00 uur" in main and "Nog 1 plaats vrij" in main
    check()
    with db.session() as session:
        meeting = session.get(Bijeenkomst, int(found.group(1)))
        assert (meeting.organisatie_id, meeting.gemeente, meeting.capaciteit) == (
            organisation.id,
            "GM0995",
            1,
        )
        assert meeting.begint_at.astimezone(AMSTERDAM).strftime("%H:%M") == "19:00"

    page.get_by_role("link", name="Aanmeldingen bekijken").click()
    assert page.url.endswith(f"/bijeenkomsten/{meeting.id}/aanmeldingen")
    assert "Met een plek: niemand." in page.locator("main").inner_text()
    check()
    page.get_by_role("link", name="Bijeenkomsten van uw organisatie").click()
    assert page.url.endswith("/bijeenkomsten/beheer")
    assert titel in page.get_by_role("table", name="Komende bijeenkomsten").inner_text()
    check()
    context.close()
    assert check.found == []


def sign_up_by_mail(page, outbox, naam: str, email: str) -> str:
    """Sign up on the meeting page that is open, as a visitor without an account; returns the
    path of the link in the mail."""
    page.get_by_label("Uw naam", exact=True).fill(naam)
    page.get_by_label("E-mailadres", exact=True).fill(email)
    page.get_by_label(CONSENT, exact=True).check()
    page.get_by_role("button", name="Aanmelden").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kijk in uw mail"
    return link_in(mails_to(outbox, email)[-1], "/bijeenkomsten/aanmelding/")


def open_link(page, link: str) -> None:
    """Open the link from the mail: a page with a button, that confirms nothing by itself."""
    page.goto(link)
    assert "Uw aanmelding is nog niet bevestigd" in page.locator("main").inner_text()


def press_confirm(page, link: str) -> str:
    page.get_by_role("button", name="Aanmelding bevestigen").click()
    assert page.url.endswith(link)
    return page.locator("main").inner_text()


def fictional_address(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:8]}@verzonnen.example"


@pytest.mark.parametrize("width", WIDTHS)
def test_visitors_sign_up_by_mail_and_the_waitlist_moves_up_without_javascript(
    browser, academie_url, db, outbox, width
):
    organisation = new_organisation(db)
    titel = f"Verzonnen lotgenotenavond {width}"
    meeting = new_meeting(db, organisation.id, capaciteit=1, titel=titel, gemeente="GM0995")

    context, first = open_page(browser, academie_url, width)
    check_first = Checker(first, width)
    first.goto("/bijeenkomsten/agenda")
    check_first()
    first.get_by_label("Gemeente", exact=True).select_option(label="Lelystad")
    first.get_by_role("button", name="Toon bijeenkomsten").click()
    assert "gemeente=GM0995" in first.url
    first.get_by_role("link", name=titel).click()
    assert first.url.endswith(f"/bijeenkomsten/{meeting.id}")
    check_first()

    # Without the consent tick nothing is stored, and the name typed stays.
    first.get_by_label("Uw naam", exact=True).fill("Verzonnen Eerste Bezoeker")
    first.get_by_label("E-mailadres", exact=True).fill("vergeten@verzonnen.example")
    first.get_by_role("button", name="Aanmelden").click()
    assert "Zet een vinkje als u akkoord gaat" in first.locator("#fouten").inner_text()
    assert first.get_by_label("Uw naam", exact=True).input_value() == "Verzonnen Eerste Bezoeker"
    with db.session() as session:
        signed_up = select(Aanmelding).where(Aanmelding.bijeenkomst_id == meeting.id)
        assert session.scalars(signed_up).all() == []
    check_first()

    link_first = sign_up_by_mail(
        first, outbox, "Verzonnen Eerste Bezoeker", fictional_address("eerste")
    )
    open_link(first, link_first)
    check_first()
    assert "U heeft een plek" in press_confirm(first, link_first)
    check_first()

    second_context, second = open_page(browser, academie_url, width)
    check_second = Checker(second, width)
    second.goto(f"/bijeenkomsten/{meeting.id}")
    assert "De bijeenkomst is vol" in second.locator("main").inner_text()
    link_second = sign_up_by_mail(
        second, outbox, "Verzonnen Tweede Bezoeker", fictional_address("tweede")
    )
    open_link(second, link_second)
    assert "U staat op de wachtlijst, op plaats 1" in press_confirm(second, link_second)
    check_second()

    first.get_by_role("button", name="Afmelden").click()
    assert "U bent afgemeld" in first.locator("main").inner_text()
    check_first()
    second.reload()
    assert "U heeft een plek" in second.locator("main").inner_text()

    context.close()
    second_context.close()
    assert check_first.found + check_second.found == []
