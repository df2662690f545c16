"""Each person's journey through the real portal and service, in headless Chromium (issue 8).

Every journey runs three ways where the pages promise it (tests/e2e/journeys.py): with taps on
a phone, with the keyboard only on a desktop, and with JavaScript switched off. Every page on
the way gets axe (0 serious or critical) and the reflow check at the width the journey runs.

The portal and the service serve the repository's own content/ (ziektebeelden, the course Ken je
mantelzorger, the quizzes). The sociale kaart journeys use the fictional kaart of
tests/test_sociale_kaart_pages.py: the real kaart lists no respijtzorg yet, and its
organisations must not be changed by tests.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quiz_service.bijeenkomsten.forms import CONSENT
from quiz_service.localtime import today as today_in_amsterdam
from quiz_service.models import Bijeenkomst, Gebruiker
from site_builder.problems import Problems
from sociale_kaart.embed import snippet
from sociale_kaart.loader import load_kaart
from tests.academie import PASSWORD, mails_to, new_account, new_organisation, new_team
from tests.bijeenkomsten import link_in, new_meeting
from tests.e2e.conftest import serving_site
from tests.e2e.journeys import (
    TOETSENBORD,
    Journey,
    answer,
    journey,
    log_in,
    serving_page,
    serving_real_portal,
    stored_questions,
    variants,
)
from tests.e2e.test_bijeenkomsten_pages import DESCRIPTION, fictional_address
from tests.e2e.test_embed import embed_frame
from tests.test_sociale_kaart_pages import build_fictional_site

COURSE = "/academie/cursussen/ken-je-mantelzorger"
LESSONS = 6


@pytest.fixture(scope="module")
def outbox(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("outbox")


@pytest.fixture(scope="module")
def portal(db, built_site, tmp_path_factory, outbox) -> Iterator[str]:
    with serving_real_portal(db, built_site, tmp_path_factory, outbox, "journeys") as url:
        yield url


@pytest.fixture(scope="module")
def kaart_site(tmp_path_factory) -> Path:
    return build_fictional_site(tmp_path_factory.mktemp("kaart-journeys"))


@pytest.fixture(scope="module")
def kaart_portal(kaart_site: Path) -> Iterator[str]:
    with serving_site(kaart_site, "kaart-journeys") as url:
        yield url


# --- 1. A mantelzorger searches, reads about dementie and practises without an account --------


@pytest.mark.parametrize("variant", variants())
def test_a_mantelzorger_searches_reads_about_dementie_and_practises(browser, portal, db, variant):
    with journey(browser, portal, variant) as person:
        page = person.page
        person.start("/mantelzorg/wat-is-mantelzorg/")
        person.check()
        person.fill(page.locator("#mza-zoekvraag"), "mijn moeder vergeet alles")
        person.press(page.locator("form.mza-zoeken").get_by_role("button", name="Zoeken"))
        assert "/zoeken?q=mijn+moeder+vergeet+alles" in page.url
        person.check()

        results = page.locator("ol.resultaten")
        person.follow(results.get_by_role("link", name="Dementie", exact=True))
        assert page.url.endswith("/ziektebeelden/dementie/")
        person.check()
        person.follow(page.get_by_role("link", name="Doe de oefenvragen over dementie"))
        assert page.url.endswith("/academie/ziektebeelden/dementie/toets")
        assert "U heeft geen account nodig" in page.locator("main").inner_text()
        person.check()

        person.press(page.get_by_role("button", name="Start de toets"))
        person.check()
        questions = stored_questions(db, page)
        answer(person, questions, wrong=0)
        person.press(page.get_by_role("button", name="Lever de toets in"))
        review = page.locator("main").inner_text()
        assert "Uitleg per vraag" in review
        assert review.count("Niet goed beantwoord.") == 1
        assert review.count("Goed beantwoord.") == len(questions) - 1
        for option in questions[0]["opties"]:
            assert option["uitleg"] in review
        person.check()
        person.finish()


# --- 2. Respijtzorg in their gemeente on the sociale kaart -------------------------------------


@pytest.mark.parametrize("variant", variants())
def test_a_mantelzorger_finds_respijtzorg_in_their_gemeente(browser, kaart_portal, variant):
    with journey(browser, kaart_portal, variant) as person:
        page = person.page
        person.start("/sociale-kaart/overzicht/")
        person.check()
        if variant.javascript:
            # With JavaScript the overview filters as you choose.
            person.choose(page.get_by_label("Gemeente", exact=True), "Dronten")
            person.choose(page.get_by_label("Soort hulp", exact=True), "Respijtzorg")
            found = page.locator("[data-sk-resultaten] > li")
            expect(page.locator("[data-sk-aantal]")).to_have_text(re.compile("^1 "))
            person.check()
            person.follow(found.first.get_by_role("link", name="Verzonnen Respijthuis Dronten"))
        else:
            person.follow(
                page.get_by_role("list")
                .filter(has_text="Noordoostpolder")
                .get_by_role("link", name="Dronten", exact=True)
            )
            assert page.url.endswith("/sociale-kaart/gemeente/dronten/")
            person.check()
            respijtzorg = page.get_by_role("heading", name="Respijtzorg", exact=True)
            assert respijtzorg.is_visible()
            person.follow(page.get_by_role("link", name="Verzonnen Respijthuis Dronten").first)
        assert page.url.endswith("/sociale-kaart/organisatie/verzonnen-respijthuis-dronten/")
        assert page.get_by_role("heading", level=1).inner_text() == "Verzonnen Respijthuis Dronten"
        person.check()
        person.finish()


# --- 3. Sign up for a meeting without an account, and cancel through the mail -----------------


@pytest.mark.parametrize("variant", variants())
def test_a_visitor_signs_up_for_a_meeting_and_cancels_by_the_mail(
    browser, portal, db, outbox, variant
):
    organisation = new_organisation(db)
    titel = f"Verzonnen lotgenotenavond {variant.name}"
    meeting = new_meeting(db, organisation.id, capaciteit=5, titel=titel, gemeente="GM0995")
    address = fictional_address(variant.name)

    with journey(browser, portal, variant) as person:
        page = person.page
        person.start("/bijeenkomsten/agenda")
        person.check()
        person.choose(page.get_by_label("Gemeente", exact=True), "Lelystad")
        person.press(page.get_by_role("button", name="Toon bijeenkomsten"))
        assert "gemeente=GM0995" in page.url
        person.check()
        person.follow(page.get_by_role("link", name=titel))
        assert page.url.endswith(f"/bijeenkomsten/{meeting.id}")
        person.check()

        person.fill(page.get_by_label("Uw naam", exact=True), "Verzonnen Bezoeker")
        person.fill(page.get_by_label("E-mailadres", exact=True), address)
        person.tick(page.get_by_label(CONSENT, exact=True))
        person.press(page.get_by_role("button", name="Aanmelden"))
        assert page.get_by_role("heading", level=1).inner_text() == "Kijk in uw mail"
        person.check()

        person.open_from_mail(link_in(mails_to(outbox, address)[-1], "/bijeenkomsten/aanmelding/"))
        assert "Uw aanmelding is nog niet bevestigd" in page.locator("main").inner_text()
        person.check()
        person.press(page.get_by_role("button", name="Aanmelding bevestigen"))
        assert "U heeft een plek" in page.locator("main").inner_text()
        person.check()

        # Later: the mail that confirms the place has the link to cancel.
        mails = mails_to(outbox, address)
        assert len(mails) == 2
        person.open_from_mail(link_in(mails[-1], "/bijeenkomsten/aanmelding/"))
        person.press(page.get_by_role("button", name="Afmelden"))
        assert "U bent afgemeld" in page.locator("main").inner_text()
        person.check()
        person.finish()


# --- 4. A medewerker joins and completes Ken je mantelzorger; the teamleider sees it ----------


def read_lesson(person: Journey, number: int) -> None:
    """From the course in the academie: open lesson `number` (recorded by the service, then
    shown on the portal) and come back to the course through the site's menu."""
    page = person.page
    person.follow(page.get_by_role("link", name=re.compile(rf"^Les {number}: ")))
    assert "/cursussen/ken-je-mantelzorger/les-" in page.url
    if number in (1, LESSONS):
        person.check()
    if number == LESSONS:
        # The last lesson links to the final quiz itself.
        person.follow(page.get_by_role("link", name="Eindtoets Ken je mantelzorger"))
    elif not person.variant.keyboard:
        page.go_back()  # the browser's back button
    else:
        # Lessons 1 to 5 do not link back to the academie; the menu does.
        person.follow(page.locator("nav.md-tabs").get_by_role("link", name="Cursussen"))
        to_course(person)
    assert page.url.endswith(COURSE)


def to_course(person: Journey) -> None:
    """From the portal's list of courses to Ken je mantelzorger in the academie."""
    page = person.page
    person.follow(page.locator("article").get_by_role("link", name="Ken je mantelzorger"))
    person.follow(page.get_by_role("link", name="Ken je mantelzorger in de academie"))


@pytest.mark.parametrize("variant", variants())
def test_a_medewerker_joins_passes_ken_je_mantelzorger_and_the_teamleider_sees_it(
    browser, portal, db, variant
):
    organisation = new_organisation(db)
    team = new_team(db, organisation.id, f"Team Verzonnen Reis {variant.name}")
    leader = new_account(db, "teamleider", organisatie_id=organisation.id, team_id=team.id)
    naam = f"Verzonnen Medewerker {variant.name.capitalize()}"
    email = f"{uuid.uuid4().hex[:10]}@verzonnen.example"

    with journey(browser, portal, variant) as person:
        page = person.page
        person.start("/registreren")
        person.check()
        person.fill(page.get_by_label("Naam", exact=True), naam)
        person.fill(page.get_by_label("E-mailadres", exact=True), email)
        person.fill(page.get_by_label("Wachtwoord", exact=True), PASSWORD)
        person.press(page.locator("main").get_by_role("button", name="Account maken"))

        # The teamleider's mail gives the address of the join page and the code.
        person.open_from_mail("/aansluiten")
        person.check()
        person.fill(page.get_by_label("Code van uw organisatie"), organisation.invite_code)
        person.press(page.locator("main").get_by_role("button", name="Aansluiten"))
        with db.session() as session:
            me = session.scalar(select(Gebruiker).where(Gebruiker.email == email))
        assert (me.role, me.organisatie_id) == ("medewerker", organisation.id)

        # Joining ends on the home page; from there to the course.
        person.follow(page.locator("article").get_by_role("link", name="Cursussen", exact=True))
        to_course(person)
        assert page.url.endswith(COURSE)
        person.check()
        # With the keyboard every lesson but the last goes back through the same three
        # pages of the menu; the first one shows that way works, the last one its own link.
        lessons = (1, LESSONS) if variant.keyboard else range(1, LESSONS + 1)
        for number in lessons:
            read_lesson(person, number)
        assert page.locator("main").inner_text().count("(gelezen)") == len(lessons)

        person.press(page.get_by_role("button", name="Start de toets"))
        questions = stored_questions(db, page)
        assert len(questions) == 15
        person.check()
        answer(person, questions)
        person.press(page.get_by_role("button", name="Lever de toets in"))
        assert "U bent geslaagd" in page.locator("main").inner_text()
        person.check()
        person.follow(page.get_by_role("link", name="Bekijk en print uw certificaat"))
        assert naam in page.locator("main").inner_text()
        person.check()
        learner = person

    with journey(browser, portal, variant) as teamleider:
        page = teamleider.page
        teamleider.start("/academie/teams")  # the login page first, then back here
        log_in(teamleider, leader)  # with the code from the app: the second step
        assert page.url.endswith("/academie/teams")
        teamleider.check()
        teamleider.follow(page.get_by_role("link", name=team.naam))
        teamleider.check()
        teamleider.choose(page.get_by_label("Cursus", exact=True), "Ken je mantelzorger")
        teamleider.fill(page.get_by_label("Deadline", exact=False), day_equals_month().isoformat())
        teamleider.press(page.get_by_role("button", name="Wijs de cursus toe"))
        teamleider.choose(page.get_by_label("Medewerker", exact=True), f"{naam} ({email})")
        teamleider.press(page.get_by_role("button", name="Voeg toe aan het team"))
        row = page.locator("table.matrix tr", has_text=naam)
        assert "geslaagd" in row.inner_text()
        teamleider.check()

        with page.expect_download() as download:
            teamleider.activate(
                page.get_by_role("link", name="Download dit overzicht als CSV-bestand (voor Excel)")
            )
        exported = Path(download.value.path()).read_text("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(exported), delimiter=";"))
        (mine,) = [r for r in rows if r["e-mail"] == email]
        assert mine["status"] == "geslaagd"
        teamleider.finish(learner)


# --- 5. An organisator creates a meeting and cancels it ---------------------------------------


def day_equals_month() -> date:
    """A coming date whose day and month are the same number: typed with the keyboard it is
    right whichever of the two the browser's date field puts first."""
    day = today_in_amsterdam() + timedelta(days=7)
    while day.day != day.month:
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize("variant", variants())
def test_an_organisator_creates_a_meeting_and_cancels_it(browser, portal, db, variant):
    organisation = new_organisation(db)
    organiser = new_account(db, "organisator", organisatie_id=organisation.id)
    titel = f"Verzonnen Alzheimer Café {variant.name}"

    with journey(browser, portal, variant) as person:
        page = person.page
        person.start("/bijeenkomsten/beheer")  # the login page first, then back here
        log_in(person, organiser)  # with the code from the app: the second step
        assert page.url.endswith("/bijeenkomsten/beheer")
        person.check()
        person.follow(page.locator("main").get_by_role("link", name="Nieuwe bijeenkomst maken"))
        person.check()

        person.fill(page.get_by_label("Titel", exact=True), titel)
        person.choose(page.get_by_label("Thema", exact=True), "Mantelzorg in het algemeen")
        person.fill(page.get_by_label("Beschrijving", exact=True), DESCRIPTION)
        person.tick(page.get_by_label("Op een plek", exact=True))
        person.choose(page.get_by_label("Gemeente", exact=True), "Lelystad")
        person.fill(page.get_by_label("Naam van de plek", exact=True), "Verzonnen wijkcentrum")
        person.fill(page.get_by_label("Adres", exact=True), "Verzonnenweg 2, 8200 AB Lelystad")
        person.fill(page.get_by_label("Datum", exact=True), day_equals_month().isoformat())
        person.fill(page.get_by_label("Begintijd", exact=True), "17:30")
        person.fill(page.get_by_label("Eindtijd", exact=True), "19:00")
        person.fill(page.get_by_label("Aantal plaatsen", exact=True), "12")
        person.press(page.get_by_role("button", name="Bijeenkomst opslaan"))
        found = re.search(r"/bijeenkomsten/(\d+)$", page.url)
        assert found, page.url
        assert "De bijeenkomst staat in de agenda." in page.locator("main").inner_text()
        person.check()

        person.follow(page.get_by_role("link", name="Bijeenkomst annuleren"))
        person.check()
        person.fill(page.get_by_label("Reden", exact=False), "De verzonnen zaal is niet vrij.")
        person.tick(page.get_by_label("Ja, deze bijeenkomst gaat niet door"))
        person.press(page.get_by_role("button", name="Bijeenkomst annuleren"))
        assert "gaat niet door" in page.locator("main").inner_text()
        person.check()
        person.finish()
    with db.session() as session:
        assert session.get(Bijeenkomst, int(found.group(1))).geannuleerd_at is not None


# --- 6. A gemeente page embeds the sociale kaart ----------------------------------------------


@pytest.mark.parametrize("variant", variants(TOETSENBORD))
def test_a_visitor_of_a_gemeente_website_uses_the_embedded_kaart(
    browser, kaart_portal, kaart_site, variant
):
    """The other ways (JavaScript, without it, the height, the filters) are in test_embed.py."""
    problems = Problems()
    kaart = load_kaart(kaart_site.parent / "sociale_kaart", problems)
    assert not problems
    host = (
        '<!doctype html><html lang="nl"><head><meta charset="utf-8">'
        '<link rel="icon" href="data:,"><title>Verzonnen gemeente</title></head><body><main>'
        "<h1>Mantelzorg in Lelystad</h1><p>Hulp in de buurt:</p>"
        f"{snippet(kaart, kaart_portal + '/', 'GM0995')}"
        "<p>Tekst onder het blok.</p></main></body></html>"
    )
    with (
        serving_page(host, "gemeente-website") as gemeente_site,
        journey(browser, kaart_portal, variant) as person,
    ):
        page = person.page
        person.start(gemeente_site)
        embed_frame(page)
        person.check()
        frame = page.frame_locator("iframe")
        person.choose(frame.get_by_label("Soort hulp", exact=True), "Dagbesteding")
        expect(frame.locator("[data-sk-org]:visible")).to_have_count(1)
        person.follow(frame.get_by_role("link", name="Verzonnen Respijthuis Dronten"))
        assert (
            page.url == kaart_portal + "/sociale-kaart/organisatie/verzonnen-respijthuis-dronten/"
        )
        person.check()
        person.finish()
