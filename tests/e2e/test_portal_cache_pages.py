"""In a real browser: a second visit to a portal page fetches only the page's 304; the theme's
files come gzipped the first time and from the cache after that."""

from __future__ import annotations

from benchmarks.page_weight import category, measure_pages


def test_a_second_visit_fetches_nothing_but_the_pages_304(browser, live_server):
    pages = {"artikel": "/mantelzorg/respijtzorg/"}
    result = measure_pages(live_server, pages, browser)["artikel"]
    first, second = result["first"]["responses"], result["second"]["responses"]
    texts = [r for r in first if category(r["mime"]) in ("html", "css", "js")]
    assert texts and all(r["encoding"] == "gzip" for r in texts), texts
    over_network = [r for r in second if r["received"]]
    assert [r["kind"] for r in over_network] == ["Document"]
    assert over_network[0]["received"] < 1500  # a 304: headers only
    assert result["second"]["bytes"] == over_network[0]["received"]
