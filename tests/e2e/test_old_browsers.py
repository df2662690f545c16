"""Old phones: a browser without ResizeObserver gets our copy of the polyfill, not unpkg.com."""

from __future__ import annotations

from urllib.parse import urlsplit

from site_builder.build import POLYFILL_PATH


def test_a_browser_without_resize_observer_loads_the_polyfill_from_our_site(new_page):
    page = new_page(375)
    # Pretend to be an older browser, before any of the page's own scripts run.
    page.add_init_script("delete window.ResizeObserver;")
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto("/", wait_until="networkidle")
    hosts = {urlsplit(response.url).hostname for response in responses}
    assert hosts == {"127.0.0.1"}
    polyfill = [r for r in responses if r.url.endswith(POLYFILL_PATH)]
    assert [r.status for r in polyfill] == [200]
    assert page.evaluate("typeof window.ResizeObserver") == "function"
