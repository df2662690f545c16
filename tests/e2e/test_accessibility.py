"""WCAG 2.2 AA checks in a real browser: axe-core, a keyboard walk and reflow at 320 px.

A green run here is necessary, not sufficient: axe finds about a third of known barriers.
Manual keyboard, zoom and screen-reader passes stay part of each release (design §6.2).
"""

from __future__ import annotations

import pytest

from tests.e2e.axe import serious_violations
from tests.e2e.focus import invisible, walk
from tests.e2e.pages import ARTICLE, HOME

MAX_TABS = 60


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path", [HOME, ARTICLE])
def test_no_serious_axe_violations(new_page, path, width):
    page = new_page(width)
    page.goto(path)
    serious = serious_violations(page)
    assert not serious, f"axe op {path} bij {width} px:\n" + "\n".join(serious)


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path", [HOME, ARTICLE])
def test_keyboard_walk_keeps_focus_visible(new_page, path, width):
    page = new_page(width)
    page.goto(path)
    stops, _came_round = walk(page, MAX_TABS)

    assert stops, "Tab brengt de focus nergens heen"
    assert "md-skip" in stops[0]["element"], f"eerste tabstop is niet de skiplink: {stops[0]}"
    hidden = invisible(stops)
    assert not hidden, f"onzichtbare tabstops op {path} bij {width} px:\n" + "\n".join(hidden)


@pytest.mark.parametrize("path", [HOME, ARTICLE])
def test_reflows_at_320_px(new_page, path):
    page = new_page(320, 640)
    page.goto(path)
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, f"{path}: horizontaal scrollen ({scroll_width} px)"
