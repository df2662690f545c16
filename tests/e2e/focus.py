"""The keyboard walk: press Tab from the top of a page and look at every stop.

Shared by the walks over the portal (test_accessibility.py) and over every page type
(test_page_types.py), so both judge "visible focus" the same way.
"""

from __future__ import annotations

from playwright.sync_api import Page

# Where focus is now, and whether a sighted keyboard user can see it. Waits for running
# transitions first (a drawer that slides in on focus), then measures the final position.
FOCUS_STATE = """async () => {
  const describe = (node) => {
    const cls = typeof node.className === 'string' ? node.className.trim() : '';
    return node.tagName.toLowerCase() + (node.id ? '#' + node.id : '')
      + (cls ? '.' + cls.split(/\\s+/).join('.') : '');
  };
  // Let the theme's script react to the focus change, then let its transitions finish. A
  // page without scripts has nothing to wait for: style and layout are computed on demand.
  if (document.scripts.length > 0) {
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  }
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
  // A focus indicator drawn by the element itself: an outline or a box shadow. Both themes
  // draw one with :focus-visible; a rule that resets it (outline: none) shows up here.
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
    && style.outlineColor !== 'rgba(0, 0, 0, 0)';
  return {
    element: describe(el),
    text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40),
    width: box.width,
    height: box.height,
    inViewport: box.bottom > 0 && box.right > 0
      && box.top < window.innerHeight && box.left < window.innerWidth,
    visibility: style.visibility,
    opacity: opacity,
    coveredBy: top === null ? 'nothing on screen' : el.contains(top) ? null : describe(top),
    indicator: outlined || style.boxShadow !== 'none',
  };
}"""


def walk(page: Page, max_tabs: int) -> tuple[list[dict], bool]:
    """Press Tab until focus is back on the page itself, at most `max_tabs` times.

    Returns the stops, and whether the walk came round (False: it stopped at `max_tabs`).
    """
    stops = []
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None:  # focus went back to the page: the walk is complete
            return stops, True
        stops.append(state)
    return stops, False


def invisible(stops: list[dict]) -> list[str]:
    """The stops a sighted keyboard user cannot see, numbered from 1, one line each."""
    return [
        f"{number}. {stop}"
        for number, stop in enumerate(stops, start=1)
        if stop["width"] <= 0
        or stop["height"] <= 0
        or not stop["inViewport"]
        or stop["visibility"] == "hidden"
        or stop["opacity"] == 0
        or stop["coveredBy"] is not None
        or not stop["indicator"]
    ]
