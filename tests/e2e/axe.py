"""axe-core in the browser, also for pages opened with JavaScript switched off.

axe is JavaScript: in a context with JavaScript disabled its promise never settles and the test
hangs. So such a page is checked as a snapshot: its current DOM (what the visitor without
JavaScript sees, after any form posts) is served again at the same address to a
JavaScript-enabled page of the same size, with the site's own stylesheets, and axe runs there.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERIOUS = ("serious", "critical")


def _run(page: Page) -> list[str]:
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'])}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def serious_violations(page: Page, javascript: bool = True) -> list[str]:
    """axe's serious and critical WCAG 2.2 AA violations on the page, one line each.

    `javascript=False` for a page whose context has JavaScript switched off.
    """
    if javascript:
        return _run(page)
    url, html = page.url, page.content()
    context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        context.route(
            lambda address: address == url,
            lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=html
            ),
        )
        snapshot = context.new_page()
        snapshot.goto(url)
        return _run(snapshot)
    finally:
        context.close()
