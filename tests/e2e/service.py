"""The academie service in a real browser: served on a free port, a signed-in page, and a
checker that runs axe and the reflow check on every page a journey visits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page

from quiz_service import create_app
from tests.academie import FICTIONAL_CONTENT, PASSWORD, close_app, totp_code
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import make_test_server, running

WIDTHS = [320, 1280]


@contextmanager
def serving_academie(db, tmp_path_factory, name: str, **config) -> Iterator[str]:
    """The service with the fictional course on the module's database; yields its base URL."""
    site = tmp_path_factory.mktemp("site")
    (site / "index.html").write_text('<!doctype html><html lang="nl"><title>x</title>', "utf-8")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db.url,
            "SITE_DIR": str(site),
            "CONTENT_DIR": str(FICTIONAL_CONTENT),
            **config,
        }
    )
    try:
        with running(make_test_server(app), name) as url:
            yield url
    finally:
        # Unclosed PostgreSQL connections would end the run with a ResourceWarning.
        close_app(app)


def open_page(browser: Browser, url: str, width: int) -> tuple[BrowserContext, Page]:
    """A page in a fresh context (own cookies) at that width, with JavaScript switched off."""
    context = browser.new_context(
        base_url=url, viewport={"width": width, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10000)
    return context, page


def sign_in(page: Page, user, password: str = PASSWORD) -> None:
    """Log in through the pages; for a role with a second step, type the code its app shows
    (from the account's secret), or set the app up first from the key on the page."""
    page.goto("/inloggen")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form[action='/inloggen'] button[type=submit]").click()
    path = urlsplit(page.url).path
    if path == "/inloggen/instellen":
        secret = page.locator("#sleutel").inner_text().replace(" ", "")
        page.fill("input[name=code]", totp_code(secret))
        with page.expect_navigation():
            page.locator("form[action='/inloggen/instellen'] button[type=submit]").click()
        assert "Bewaar uw herstelcodes" in page.content(), "de tweede stap instellen mislukte"
    elif path == "/inloggen/code":
        page.fill("input[name=code]", totp_code(user.totp_secret))
        with page.expect_navigation():
            page.locator("form[action='/inloggen/code'] button[type=submit]").click()


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


class Checker:
    """Call it on every page of a journey; `found` collects axe's serious violations."""

    def __init__(self, page: Page, width: int):
        self.page, self.width, self.found = page, width, []

    def __call__(self) -> None:
        self.found.extend(serious_violations(self.page, javascript=False))
        assert no_horizontal_scroll(self.page), (
            f"horizontaal scrollen op {self.page.url} bij {self.width}px"
        )
