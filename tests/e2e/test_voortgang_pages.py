"""The progress pages in a real browser with JavaScript switched off, checked with axe-core.

A teamleider opens the list of teams and a team, assigns the course with the plain HTML form
and reads the matrix, on a phone and on a desktop; a learner who passed reads "Mijn
voortgang". The page itself never scrolls sideways at 320 px (a wide table may, in its own
box), and the printed report leaves the forms out.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest

from quiz_service import quizzes
from quiz_service.catalog import course_key, load_catalog
from quiz_service.localtime import today as today_in_amsterdam
from tests.academie import FICTIONAL_CONTENT, new_account, new_organisation, new_team
from tests.e2e.service import WIDTHS, Checker, open_page, serving_academie, sign_in


@pytest.fixture(scope="module")
def academie_url(db, tmp_path_factory) -> Iterator[str]:
    with serving_academie(db, tmp_path_factory, "voortgang-pages") as url:
        yield url


@pytest.fixture(scope="module")
def team(db):
    """A team with a member who passed the course, one who has not started, and a colleague
    without a team, all fictional."""
    organisation = new_organisation(db)
    found = new_team(db, organisation.id, "Team Verzonnen Browser")
    leader = new_account(db, "teamleider", organisatie_id=organisation.id)
    passer = new_account(
        db,
        "medewerker",
        organisatie_id=organisation.id,
        team_id=found.id,
        display_name="Verzonnen Geslaagde Medewerker",
    )
    new_account(
        db,
        "medewerker",
        organisatie_id=organisation.id,
        team_id=found.id,
        display_name="Verzonnen Beginner",
    )
    new_account(db, "medewerker", organisatie_id=organisation.id, display_name="Verzonnen Los")
    entry = load_catalog(FICTIONAL_CONTENT).entry(course_key("verzonnen-cursus"))
    with db.session() as session:
        attempt = quizzes.start_attempt(session, entry, passer.id)
        right = {q["id"]: [o["id"] for o in q["opties"] if o["juist"]] for q in attempt.vragen}
        assert quizzes.submit(session, attempt.id, right, entry)
    return SimpleNamespace(id=found.id, leader=leader, passer=passer)


def signed_in_page(browser, academie_url, user, width):
    _context, page = open_page(browser, academie_url, width)
    sign_in(page, user)
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_a_teamleider_assigns_a_course_and_reads_the_report(browser, academie_url, team, width):
    page = signed_in_page(browser, academie_url, team.leader, width)
    check = Checker(page, width)
    page.goto("/academie/teams")
    check()
    page.click("text=Team Verzonnen Browser")
    assert page.url.endswith(f"/academie/teams/{team.id}")
    check()

    deadline = today_in_amsterdam() + timedelta(days=30)
    page.select_option("#cursus", "verzonnen-cursus")
    page.fill("#deadline", deadline.isoformat())
    page.click("text=Wijs de cursus toe")
    assert page.url.endswith(f"/academie/teams/{team.id}")
    matrix = page.locator("table.matrix")
    assert "Verzonnen Geslaagde Medewerker" in matrix.inner_text()
    assert "geslaagd" in matrix.inner_text() and "niet gestart" in matrix.inner_text()
    check()

    page.emulate_media(media="print")
    assert page.locator("table.matrix").is_visible()
    assert page.locator(f"form[action='/academie/teams/{team.id}/toewijzingen']").is_hidden()
    page.context.close()
    assert check.found == []


@pytest.mark.parametrize("width", WIDTHS)
def test_mijn_voortgang_after_passing_is_accessible(browser, academie_url, team, width):
    page = signed_in_page(browser, academie_url, team.passer, width)
    check = Checker(page, width)
    page.goto("/academie/voortgang")
    assert "Mijn voortgang" in page.content()
    assert "geslaagd" in page.locator("main").inner_text()
    check()
    page.click("text=Bekijk uw certificaat voor Verzonnen cursus")
    assert "Verzonnen Geslaagde Medewerker" in page.content()
    page.context.close()
    assert check.found == []
