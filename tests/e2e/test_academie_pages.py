"""The academie pages in a real browser with JavaScript switched off, checked with axe-core.

A learner signs in, opens the course, submits an incomplete quiz, completes it, reads the
review and opens the certificate; a stranger checks the certificate. Every page on the way is
checked with axe at a phone width and a desktop width.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from quiz_service.models import Certificaat, Poging
from tests.academie import PASSWORD, new_account
from tests.e2e.service import WIDTHS, Checker, open_page, serving_academie, sign_in

COURSE_PAGE = "/academie/cursussen/verzonnen-cursus"


@pytest.fixture(scope="module")
def academie_url(db, tmp_path_factory) -> Iterator[str]:
    with serving_academie(db, tmp_path_factory, "academie-pages") as url:
        yield url


def answer(page, db, right: bool, skip_last: bool = False) -> None:
    """Tick the right (or wrong) options of the attempt on the page, as a learner would."""
    attempt_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    with db.session() as session:
        questions = session.get(Poging, attempt_id).vragen
    for question in questions[:-1] if skip_last else questions:
        for option in question["opties"]:
            if option["juist"] == right:
                page.check(f"#vraag-{question['id']}-{option['id']}")
                if not right:
                    break


@pytest.mark.parametrize("width", WIDTHS)
def test_a_learner_passes_a_course_without_javascript_on_accessible_pages(
    browser, academie_url, db, width
):
    user = new_account(db, "medewerker", display_name="Verzonnen Browserleerling")
    context, page = open_page(browser, academie_url, width)
    visit_check = Checker(page, width)
    sign_in(page, user)

    page.goto("/academie/")
    visit_check()
    page.click("text=Verzonnen cursus")
    assert page.url.endswith(COURSE_PAGE)
    visit_check()

    page.click("text=Start de toets")
    assert "/academie/pogingen/" in page.url
    visit_check()
    answer(page, db, right=True, skip_last=True)
    page.click("text=Lever de toets in")
    assert "Nog niet alles is ingevuld" in page.content()
    visit_check()
    answer(page, db, right=True)
    page.click("text=Lever de toets in")
    assert "U bent geslaagd" in page.content()
    visit_check()

    page.click("text=Bekijk en print uw certificaat")
    assert "Verzonnen Browserleerling" in page.content()
    visit_check()
    with db.session() as session:
        code = session.scalar(select(Certificaat.code).where(Certificaat.gebruiker_id == user.id))
    context.close()

    stranger, page = open_page(browser, academie_url, width)
    visit_check.page = page
    page.goto("/verifieer")
    visit_check()
    page.fill("#code", code.lower())
    page.click("text=Controleer")
    assert "Dit certificaat is echt en geldig" in page.content()
    visit_check()
    stranger.close()
    assert visit_check.found == []


@pytest.mark.parametrize("width", WIDTHS)
def test_an_anonymous_ziektebeeld_quiz_is_accessible(browser, academie_url, db, width):
    context, page = open_page(browser, academie_url, width)
    check = Checker(page, width)
    page.goto("/academie/ziektebeelden/verzonnen-ziekte/toets")
    check()
    page.click("text=Start de toets")
    check()
    answer(page, db, right=False)
    page.click("text=Lever de toets in")
    assert "Uitleg per vraag" in page.content()
    check()
    context.close()
    assert check.found == []


@pytest.mark.parametrize("width", WIDTHS)
def test_mijn_gegevens_and_deleting_an_account_work_without_javascript(
    browser, academie_url, db, width
):
    user = new_account(db, "mantelzorger", display_name="Verzonnen Wisser")
    context, page = open_page(browser, academie_url, width)
    visit_check = Checker(page, width)
    sign_in(page, user)
    page.goto("/mijn-gegevens/")
    visit_check()
    page.fill("input[name=password]", "niet-het-goede-wachtwoord")
    page.check("input[name=zeker]")
    page.click("button:has-text('Verwijder mijn account')")
    assert "Dit wachtwoord klopt niet" in page.content()
    visit_check()
    page.fill("input[name=password]", PASSWORD)
    page.check("input[name=zeker]")
    page.click("button:has-text('Verwijder mijn account')")
    assert "Uw account is verwijderd" in page.content()
    visit_check()
    context.close()
    assert visit_check.found == []


@pytest.mark.parametrize("width", WIDTHS)
def test_joining_a_refused_page_and_no_attempts_left_are_accessible(
    browser, academie_url, db, width
):
    user = new_account(db, "mantelzorger", display_name="Verzonnen Aansluiter")
    context, page = open_page(browser, academie_url, width)
    check = Checker(page, width)
    sign_in(page, user)
    page.goto("/aansluiten")
    check()
    page.fill("input[name=invite_code]", "VERKEERDE-CODE")
    page.get_by_role("button", name="Aansluiten").click()
    assert "Deze code kennen we niet" in page.content()
    assert page.locator("input[name=invite_code]").input_value() == "VERKEERDE-CODE"
    check()

    response = page.goto("/beheer/")
    assert response.status == 403 and "Geen toegang" in page.content()
    check()

    for _ in range(3):  # the course allows three attempts
        page.goto(COURSE_PAGE)
        page.click("text=Start de toets")
        answer(page, db, right=False)
        page.click("text=Lever de toets in")
    page.goto(COURSE_PAGE)
    assert "U heeft alle pogingen gebruikt" in page.content()
    check()
    context.close()
    assert check.found == []
