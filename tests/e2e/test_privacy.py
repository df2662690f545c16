"""Privacy and robustness in a real browser: no third parties, no cookies, no errors, no JS needed.

A visitor reading about mantelzorg must not be followed by anyone else: every request stays on
our own host, and a plain visit leaves no cookie behind (design §3, privacy checklist §4).
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Page

from tests.e2e.pages import ARTICLE, HOME, PRIVACY, SECTION


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
