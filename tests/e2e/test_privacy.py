"""Privacy and robustness in a real browser: no third parties, no cookies, no errors, no JS needed.

A visitor reading about mantelzorg must not be followed by anyone else: every request stays on
our own host, and a plain visit leaves no cookie behind (design §3, privacy checklist §4).
The last two tests do this for every page type of test_page_types.py: the portal's pages
without any cookie, the service's (signed in where the page needs it) with at most its one
session cookie.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Page

from tests.e2e.pages import ARTICLE, HOME, PRIVACY, SECTION
from tests.e2e.test_page_types import PAGE_TYPES, make_world, page_type_context, serve_portal


def test_pages_load_nothing_from_other_hosts_and_set_no_cookies(new_page):
    page = new_page(1280)
    requests: list[str] = []
    errors: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    for path in (HOME, ARTICLE, PRIVACY):
        page.goto(path, wait_until="networkidle")

    assert requests, "de listener zag geen enkel verzoek"
    elsewhere = [url for url in requests if urlsplit(url).hostname != "127.0.0.1"]
    assert not elsewhere, "verzoeken naar andere hosts:\n" + "\n".join(elsewhere)
    assert page.context.cookies() == []
    assert not errors, "fouten in de console:\n" + "\n".join(errors)


def test_pages_work_without_javascript(new_page, live_server):
    page = new_page(1280, java_script_enabled=False)
    page.goto(HOME)
    assert page.locator("h1").first.is_visible()
    footer = page.get_by_role("navigation", name="Over deze website")
    assert footer.get_by_role("link", name="Privacy").is_visible()
    assert footer.get_by_role("link", name="Toegankelijkheid").is_visible()

    # Home → section tab → the article in the section's menu, with plain links only.
    follow_link(page, "nav.md-tabs", live_server + SECTION)
    follow_link(page, "nav.md-nav--primary", live_server + ARTICLE)
    assert page.locator("article h1").is_visible()


def follow_link(page: Page, container: str, url: str) -> None:
    """Click the link in `container` that leads to `url`, and wait until it is loaded."""
    links = page.locator(container).locator("a[href]")
    hrefs = links.evaluate_all("links => links.map((a) => a.getAttribute('href'))")
    targets = [urljoin(page.url, href) for href in hrefs]
    assert url in targets, f"geen link naar {url} in {container} op {page.url}: {targets}"
    links.nth(targets.index(url)).click()
    page.wait_for_url(url)


# --- Every page type: the portal's and the service's, signed in where the page needs it ---


@pytest.fixture(scope="module")
def portal(db, built_site, tmp_path_factory) -> Iterator[str]:
    with serve_portal(db, built_site, tmp_path_factory, "privacy") as url:
        yield url


@pytest.fixture(scope="module")
def world(db, browser, portal) -> SimpleNamespace:
    return make_world(db, browser, portal)


def visit_recording(browser, portal, world, kinds, requests: list[str]) -> list[dict]:
    """Visit each page type in its own context, recording every request from the start;
    returns the cookies each context held at the end."""
    cookies = []
    for kind in kinds:
        context = page_type_context(browser, portal, world, kind, 1280)
        context.on("request", lambda request: requests.append(request.url))
        try:
            page = context.new_page()
            kind.visit(page, world)
            # What scripts load after the page (the kaart's filters, "nu open") counts too.
            # The service's pages have no scripts: for them the load event is the end.
            if page.evaluate("document.scripts.length") > 0:
                page.wait_for_load_state("networkidle")
            cookies.extend(context.cookies())
        finally:
            context.close()
    return cookies


def other_hosts(requests: list[str], portal: str) -> list[str]:
    ours = urlsplit(portal).netloc
    return [url for url in requests if urlsplit(url).netloc != ours]


def test_static_pages_set_no_cookie_and_call_no_other_host(browser, portal, world):
    requests: list[str] = []
    static = [kind for kind in PAGE_TYPES if kind.static]
    cookies = visit_recording(browser, portal, world, static, requests)

    assert len(requests) > len(static), "de listener zag niet elk verzoek"
    assert not other_hosts(requests, portal), "verzoeken naar andere hosts:\n" + "\n".join(
        other_hosts(requests, portal)
    )
    assert cookies == []


def test_service_pages_call_no_other_host_and_keep_one_session_cookie(browser, portal, world):
    requests: list[str] = []
    service = [kind for kind in PAGE_TYPES if not kind.static]
    cookies = visit_recording(browser, portal, world, service, requests)

    visited = {urlsplit(url).path for url in requests}
    assert {"/academie/voortgang", "/bijeenkomsten/agenda", "/zoeken"} <= visited
    assert not other_hosts(requests, portal), "verzoeken naar andere hosts:\n" + "\n".join(
        other_hosts(requests, portal)
    )
    # Signed-in pages carry the session cookie; forms may start one for their CSRF token.
    assert {cookie["name"] for cookie in cookies} <= {"session"}
    assert {cookie["domain"] for cookie in cookies} <= {urlsplit(portal).hostname}
