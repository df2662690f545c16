"""The service's own pages (login, registration) in a real browser: axe and no JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from quiz_service import create_app
from tests.academie import close_app
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import make_test_server, running


@pytest.fixture(scope="module")
def service_url(db, built_site: Path) -> Iterator[str]:
    app = create_app({"TESTING": True, "DATABASE_URL": db.url, "SITE_DIR": str(built_site)})
    with running(make_test_server(app), "service-pages") as url:
        yield url
    # Unclosed PostgreSQL connections would end the test run with a ResourceWarning.
    close_app(app)


@pytest.mark.parametrize("path", ["/inloggen", "/registreren"])
@pytest.mark.parametrize("width", [375, 1280])
def test_account_pages_have_no_serious_axe_violations(browser, service_url, path, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(service_url + path)
    serious = serious_violations(page)
    context.close()
    assert serious == []


def test_a_wrong_login_shows_a_dutch_error_without_javascript(browser, service_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(service_url + "/inloggen")
    page.fill("input[name=email]", "niemand@verzonnen.example")
    page.fill("input[name=password]", "verkeerd-wachtwoord-123")
    page.locator("form[action='/inloggen'] button[type=submit]").click()
    assert page.locator("input[name=email]").input_value() == "niemand@verzonnen.example"
    assert "Het e-mailadres of het wachtwoord klopt niet" in page.content()
    context.close()
