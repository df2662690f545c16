"""WCAG 2.2 AA checks in a real browser: axe-core, a keyboard walk and reflow at 320 px.

A green run here is necessary, not sufficient: axe finds about a third of known barriers.
Manual keyboard, zoom and screen-reader passes stay part of each release (design §6.2).
"""

from __future__ import annotations

import pytest

from tests.e2e.axe import serious_violations
from tests.e2e.pages import ARTICLE, HOME

MAX_TABS = 60

# Where focus is now, and whether a sighted keyboard user can see it. Waits for running
# transitions first (a drawer that slides in on focus), then measures the final position.
FOCUS_STATE = """async () => {
  const describe = (node) => {
    const cls = typeof node.className === 'string' ? node.className.trim() : '';
    return node.tagName.toLowerCase() + (node.id ? '#' + node.id : '')
      + (cls ? '.' + cls.split(/\\s+/).join('.') : '');
  };
  // Let the theme's script react to the focus change, then let its transitions finish.
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const box = el.getBoundingClientRect();
  let opacity = 1;
  for (let node = el; node instanceof Element; node = node.parentElement) {
    opacity *= Number(getComputedStyle(node).opacity);
  }
  // The topmost element in the middle of each on-screen piece (a wrapped link has one per
  // line): at least one must be the focused element itself, not something drawn over it.
  const topmost = [...el.getClientRects()].map((r) => document.elementFromPoint(
    (Math.max(r.left, 0) + Math.min(r.right, window.innerWidth)) / 2,
    (Math.max(r.top, 0) + Math.min(r.bottom, window.innerHeight)) / 2,
  ));
  const top = topmost.find((node) => node && el.contains(node)) || topmost.find(Boolean) || null;
  return {
    element: describe(el),
    text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40),
    width: box.width,
    height: box.height,
    inViewport: box.bottom > 0 && box.right > 0
      && box.top < window.innerHeight && box.left < window.innerWidth,
    visibility: getComputedStyle(el).visibility,
    opacity: opacity,
    coveredBy: top === null ? 'nothing on screen' : el.contains(top) ? null : describe(top),
  };
}"""


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
    stops = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None:  # focus went back to the page: the walk is complete
            break
        stops.append(state)

    assert stops, "Tab brengt de focus nergens heen"
    assert "md-skip" in stops[0]["element"], f"eerste tabstop is niet de skiplink: {stops[0]}"
    invisible = [
        (number, stop)
        for number, stop in enumerate(stops, start=1)
        if stop["width"] <= 0
        or stop["height"] <= 0
        or not stop["inViewport"]
        or stop["visibility"] == "hidden"
        or stop["opacity"] == 0
        or stop["coveredBy"] is not None
    ]
    assert not invisible, f"onzichtbare tabstops op {path} bij {width} px:\n" + "\n".join(
        f"{number}. {stop}" for number, stop in invisible
    )


@pytest.mark.parametrize("path", [HOME, ARTICLE])
def test_reflows_at_320_px(new_page, path):
    page = new_page(320, 640)
    page.goto(path)
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, f"{path}: horizontaal scrollen ({scroll_width} px)"
