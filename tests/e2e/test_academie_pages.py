"""The academie pages in a real browser with JavaScript switched off, checked with axe-core.

A learner signs in, opens the course, submits an incomplete quiz, completes it, reads the
review and opens the certificate; a stranger checks the certificate. Every page on the way is
checked with axe at a phone width and a desktop width.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from quiz_service import create_app
from quiz_service.models import Certificaat, Poging
from tests.academie import FICTIONAL_CONTENT, PASSWORD, new_account
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import _QuietHandler, running

COURSE_PAGE = "/academie/cursussen/verzonnen-cursus"


@pytest.fixture(scope="module")
def academie_url(db, tmp_path_factory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("site")
    (site / "index.html").write_text('<!doctype html><html lang="nl"><title>x</title>', "utf-8")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db.url,
            "SITE_DIR": str(site),
            "CONTENT_DIR": str(FICTIONAL_CONTENT),
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    with running(server, "academie-pages") as url:
        yield url
    app.extensions["db_engine"].dispose()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


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


@pytest.mark.parametrize("width", [320, 1280])
def test_a_learner_passes_a_course_without_javascript_on_accessible_pages(
    browser, academie_url, db, width
):
    user = new_account(db, "medewerker", display_name="Verzonnen Browserleerling")
    context = browser.new_context(
        base_url=academie_url, viewport={"width": width, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    found: list = []

    def visit_check():
        found.extend(serious_violations(page, javascript=False))
        assert no_horizontal_scroll(page), f"horizontaal scrollen op {page.url} bij {width}px"

    page.goto("/inloggen")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/inloggen'] button[type=submit]").click()

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

    stranger = browser.new_context(
        base_url=academie_url, viewport={"width": width, "height": 800}, java_script_enabled=False
    )
    page = stranger.new_page()
    page.goto("/verifieer")
    visit_check()
    page.fill("#code", code.lower())
    page.click("text=Controleer")
    assert "Dit certificaat is echt en geldig" in page.content()
    visit_check()
    stranger.close()
    assert found == []


@pytest.mark.parametrize("width", [320, 1280])
def test_an_anonymous_ziektebeeld_quiz_is_accessible(browser, academie_url, db, width):
    context = browser.new_context(
        base_url=academie_url, viewport={"width": width, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10000)
    page.goto("/academie/ziektebeelden/verzonnen-ziekte/toets")
    found = serious_violations(page, javascript=False)
    page.click("text=Start de toets")
    found += serious_violations(page, javascript=False)
    answer(page, db, right=False)
    page.click("text=Lever de toets in")
    assert "Uitleg per vraag" in page.content()
    found += serious_violations(page, javascript=False)
    assert no_horizontal_scroll(page)
    context.close()
    assert found == []


@pytest.mark.parametrize("width", [320, 1280])
def test_mijn_gegevens_and_deleting_an_account_work_without_javascript(
    browser, academie_url, db, width
):
    user = new_account(db, "mantelzorger", display_name="Verzonnen Wisser")
    context = browser.new_context(
        base_url=academie_url, viewport={"width": width, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    found: list = []

    def visit_check():
        found.extend(serious_violations(page, javascript=False))
        assert no_horizontal_scroll(page), f"horizontaal scrollen op {page.url} bij {width}px"

    page.goto("/inloggen")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/inloggen'] button[type=submit]").click()
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
    assert found == []
