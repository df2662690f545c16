"""Searching from the portal in a real browser, without JavaScript: the box in the header of
every static page goes to the service's /zoeken; axe and reflow on the results."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.service import WIDTHS, Checker, open_page, serving_academie


@pytest.fixture(scope="module")
def service(db, built_site: Path, tmp_path_factory):
    with serving_academie(
        db,
        tmp_path_factory,
        "zoeken",
        SITE_DIR=str(built_site),
        ZOEKINDEX_DIR=str(built_site.parent / "zoekindex"),
    ) as url:
        yield url


@pytest.mark.parametrize("width", WIDTHS)
def test_the_search_box_of_a_portal_page_finds_help_without_javascript(browser, service, width):
    context, page = open_page(browser, service, width)
    check = Checker(page, width)
    page.goto("/mantelzorg/wat-is-mantelzorg/")
    page.fill("#mza-zoekvraag", "mantelzorg lelystad")
    page.press("#mza-zoekvraag", "Enter")
    page.wait_for_url("**/zoeken?q=*")
    assert page.locator("ol.resultaten li").count() > 0
    assert page.locator("ol.resultaten mark").count() > 0
    check()

    # A facet is a plain link that narrows the search.
    page.locator("ul.facet a", has_text="Hulp in de buurt").first.click()
    assert "soort=organisatie" in page.url
    assert page.locator("ol.resultaten .soort", has_text="Hulp in de buurt").count() > 0
    check()

    page.goto("/zoeken?q=qqxzwvt")
    assert page.locator("text=Tips").count() == 1
    check()
    context.close()
    assert check.found == []
