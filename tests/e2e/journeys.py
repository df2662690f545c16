"""A person's journey through the portal and the service, in one of three ways of working.

`muis`: a phone-sized page used with taps and typing. `toetsenbord`: a desktop page used with
the keyboard only (Tab, Shift+Tab, Enter, Space, arrow keys): after the first page every page
is reached through the site itself, and every control a step uses must take the focus visibly.
`zonder-js`: JavaScript switched off, where the page promises to work without it.

A test writes its steps once (`follow`, `press`, `fill`, `tick`, `choose`), and the journey
does them the way its variant works. `check()` runs axe (0 serious or critical) and the reflow
check at the journey's width on the page that is open; `finish()` asserts what they found.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page

from quiz_service.models import Poging
from tests.academie import PASSWORD, totp_code
from tests.conftest import CONTENT, KAART
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import running
from tests.e2e.focus import FOCUS_STATE, invisible
from tests.e2e.service import no_horizontal_scroll, serving_academie

# A Tab walk longer than this to one control is a barrier in itself.
MAX_TABS = 120
# The kinds of page axe has checked in this test run (see Journey.check).
CHECKED: set[tuple] = set()


@dataclass(frozen=True)
class Variant:
    name: str
    width: int
    javascript: bool = True

    @property
    def keyboard(self) -> bool:
        return self.name == "toetsenbord"


MUIS = Variant("muis", 320)
TOETSENBORD = Variant("toetsenbord", 1280)
ZONDER_JS = Variant("zonder-js", 1280, javascript=False)


def variants(*chosen: Variant, xfail: dict[str, str] | None = None) -> list:
    """pytest parameters for `chosen` (default: all three); `xfail` maps a variant's name to
    the reason it fails today (a real barrier), as a strict xfail."""
    params = []
    for variant in chosen or (MUIS, TOETSENBORD, ZONDER_JS):
        reason = (xfail or {}).get(variant.name)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(variant, id=variant.name, marks=marks))
    return params


class Journey:
    """One person in their own browser context, working the way `variant` says."""

    def __init__(self, browser: Browser, base_url: str, variant: Variant):
        self.variant = variant
        self.context: BrowserContext = browser.new_context(
            base_url=base_url,
            viewport={"width": variant.width, "height": 800},
            java_script_enabled=variant.javascript,
            locale="nl-NL",
        )
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(10000)
        self.found: list[str] = []
        self._started = False

    # --- arriving -------------------------------------------------------------------------

    def start(self, path: str) -> None:
        """The first page: typed in the address bar or opened from a bookmark."""
        assert not self._started, "een reis begint maar één keer; gebruik follow()"
        self._started = True
        self.page.goto(path)

    def open_from_mail(self, path: str) -> None:
        """A link from a mail or a letter: the mail program opens it, not our site."""
        self._started = True
        self.page.goto(path)

    # --- steps ----------------------------------------------------------------------------

    def follow(self, link: Locator) -> None:
        """Follow a link (or a button that navigates) and wait for the next page."""
        with self.page.expect_navigation():
            self.activate(link)

    def press(self, button: Locator) -> None:
        """Press a submit button and wait for the page that answers."""
        with self.page.expect_navigation():
            self.activate(button)

    def fill(self, field: Locator, value: str) -> None:
        if not self.variant.keyboard:
            field.fill(value)
            return
        self.focus(field)
        kind = field.evaluate("el => el.type")
        keyboard = self.page.keyboard
        if kind == "date":
            # The browser's language decides whether the day or the month comes first.
            year, month, day = value.split("-")
            assert day == month, "kies voor het toetsenbord een datum met dag = maand"
            keyboard.type(day + month + year)
        elif kind == "time":
            # Typed as "1900", an hour from 13 to 19 is right on a 24-hour clock and on a
            # 12-hour one (7 PM); "21" is not (the 2 moves on to the minutes).
            assert 13 <= int(value[:2]) <= 19, "kies voor het toetsenbord een uur van 13 tot 19"
            keyboard.type(value.replace(":", ""))
        else:
            keyboard.press("Control+A")
            keyboard.press("Delete")
            keyboard.type(value)
        typed = field.input_value()
        assert typed == value, f"{value!r} typen in {field} geeft {typed!r}"

    def tick(self, box: Locator) -> None:
        """Tick a checkbox or choose a radio button."""
        if not self.variant.keyboard:
            box.check()
            return
        self.focus(box)
        if not box.is_checked():
            self.page.keyboard.press("Space")
        assert box.is_checked(), f"{box} aanvinken met de spatiebalk lukt niet"

    def choose(self, select: Locator, label: str) -> None:
        """Choose an option of a select list by its text."""
        if not self.variant.keyboard:
            select.select_option(label=label)
            return
        self.focus(select)
        labels = select.evaluate("s => [...s.options].map((o) => o.textContent.trim())")
        assert label in labels, f"{label!r} staat niet in de lijst: {labels}"
        # A closed select list moves its choice with the arrow keys.
        for _ in range(len(labels)):
            current = select.evaluate("s => s.options[s.selectedIndex].textContent.trim()")
            if current == label:
                return
            here, there = labels.index(current), labels.index(label)
            self.page.keyboard.press("ArrowDown" if there > here else "ArrowUp")
        raise AssertionError(f"{label!r} kiezen met de pijltjestoetsen lukt niet")

    def check(self) -> None:
        """axe (serious and critical) and reflow on the page that is open now, at this width.

        A kind of page already checked in this run at this width, with or without JavaScript,
        is not checked again: a journey goes past the same course page seven times.
        """
        kind = _page_kind(self.page.url, self.page.title(), self.variant)
        if kind in CHECKED:
            return
        CHECKED.add(kind)
        self.found.extend(serious_violations(self.page, javascript=self.variant.javascript))
        if not no_horizontal_scroll(self.page):
            self.found.append(f"{self.page.url}: horizontaal scrollen bij {self.variant.width} px")

    def finish(self, *others: Journey) -> None:
        """Close the browser; assert that no check here (or in `others`) found a barrier."""
        found = []
        for person in (*others, self):
            person.context.close()
            found.extend(person.found)
        assert found == [], "\n".join(found)

    # --- the keyboard -------------------------------------------------------------------------

    def activate(self, control: Locator) -> None:
        if self.variant.keyboard:
            self.focus(control)
            self.page.keyboard.press("Enter")
        else:
            control.click()

    def focus(self, control: Locator) -> None:
        """Move the focus to `control` with Tab or Shift+Tab (radio buttons: then the arrow
        keys), as a keyboard user does, and check the focus can be seen there."""
        control.wait_for()
        target = control.element_handle()
        # Most of the way in one go (fewer round trips), the last steps one by one.
        for _ in range(min(target.evaluate(STOPS_BEFORE), MAX_TABS)):
            self.page.keyboard.press("Tab")
        for _ in range(MAX_TABS):
            key = target.evaluate(NEXT_KEY)
            if key is None:
                break
            self.page.keyboard.press(key)
        else:
            raise AssertionError(
                f"{control} is met Tab niet te bereiken in {MAX_TABS} stappen; "
                f"de focus staat op {target.evaluate(ACTIVE)}"
            )
        state = target.owner_frame().evaluate(FOCUS_STATE)
        assert state and not invisible([state]), f"de focus op {control} is niet te zien: {state}"


# The key that brings the focus closer to `el`, or null when it is there. Focus in another
# document (the page around an embed, or nothing yet) moves on with Tab.
NEXT_KEY = """(el) => {
  const doc = el.ownerDocument, active = doc.activeElement;
  if (!doc.hasFocus() || !active || active === doc.body) return 'Tab';
  if (active === el) return null;
  const after = active.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING;
  if (el.type === 'radio' && active.type === 'radio' && active.name === el.name)
    return after ? 'ArrowDown' : 'ArrowUp';
  return after ? 'Tab' : 'Shift+Tab';
}"""

# About how many Tab stops lie between the focus and `el`, one fewer to be safe; 0 when it
# cannot tell. Counting too few or too many only costs the step-by-step walk some steps.
STOPS_BEFORE = """(el) => {
  const doc = el.ownerDocument, active = doc.activeElement;
  const start = !active || active === doc.body;
  if (!doc.hasFocus() || el.type === 'radio') return 0;
  const groups = new Set();
  const stops = [...doc.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, iframe, summary, [tabindex]'
  )].filter((e) => {
    if (e.tabIndex < 0 || e.disabled || !e.getClientRects().length) return false;
    if (getComputedStyle(e).visibility === 'hidden') return false;
    if (e.type === 'radio') {
      if (groups.has(e.name)) return false;
      groups.add(e.name);
    }
    return true;
  });
  const from = start ? -1 : stops.indexOf(active), to = stops.indexOf(el);
  if (to < 0 || (!start && from < 0)) return 0;
  return Math.max(0, to - from - 1);
}"""

ACTIVE = """(el) => { const a = el.ownerDocument.activeElement;
  return a ? a.outerHTML.slice(0, 120) : '(niets)'; }"""


def _page_kind(url: str, title: str, variant: Variant) -> tuple:
    """Pages of one kind: the same path apart from ids and tokens, and the same title."""
    path = urlsplit(url).path
    path = re.sub(r"/[A-Za-z0-9_-]{20,}", "/<token>", re.sub(r"\d+", "<n>", path))
    return (urlsplit(url).netloc, path, title, variant.width, variant.javascript)


def log_in(person: Journey, user, password: str = PASSWORD) -> None:
    """On the login page: the e-mail address and the password, and for a role with a second
    step the code its app shows now (from the account's secret), each typed the journey's way.
    The code page is checked like every other page."""
    page = person.page
    person.fill(page.get_by_label("E-mailadres", exact=True), user.email)
    person.fill(page.get_by_label("Wachtwoord", exact=True), password)
    person.press(page.locator("main").get_by_role("button", name="Inloggen"))
    if urlsplit(page.url).path == "/inloggen/code":
        person.check()
        person.fill(page.get_by_label("Code", exact=True), totp_code(user.totp_secret))
        person.press(page.locator("main").get_by_role("button", name="Inloggen"))


@contextmanager
def journey(browser: Browser, base_url: str, variant: Variant) -> Iterator[Journey]:
    """A Journey whose context is closed however the test ends; call `finish()` to assert."""
    person = Journey(browser, base_url, variant)
    try:
        yield person
    finally:
        person.context.close()


@contextmanager
def serving_page(html: str, name: str) -> Iterator[str]:
    """One HTML page at / on 127.0.0.1 with a free port (another origin than the portal's):
    someone else's website. Yields its address."""
    body = html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with running(ThreadingHTTPServer(("127.0.0.1", 0), Handler), name) as url:
        yield url + "/"


@contextmanager
def serving_real_portal(
    db, built_site: Path, tmp_path_factory, outbox: Path, name: str
) -> Iterator[str]:
    """The portal built from the repository's content/ and sociale kaart, with the service on
    the module's database reading the same content (the real courses and quizzes)."""
    index = tmp_path_factory.mktemp("zoekindex")
    # The portal's index is read only; the service writes its meetings' index beside it.
    shutil.copytree(built_site.parent / "zoekindex" / "portaal", index / "portaal")
    with serving_academie(
        db,
        tmp_path_factory,
        name,
        SITE_DIR=str(built_site),
        CONTENT_DIR=str(CONTENT),
        SOCIALE_KAART_DIR=str(KAART),
        ZOEKINDEX_DIR=str(index),
        OUTBOX_DIR=str(outbox),
        SITE_URL="https://verzonnen.example",
        # Every variant signs up from 127.0.0.1; the limit itself is tested elsewhere.
        SIGNUP_LIMIT_PER_IP="1000 per hour",
    ) as url:
        yield url


def stored_questions(db, page) -> list[dict]:
    """The questions the server drew for the attempt on the page, with their answer key."""
    attempt_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    with db.session() as session:
        return session.get(Poging, attempt_id).vragen


def answer(person: Journey, questions: list[dict], wrong: int | None = None) -> None:
    """Tick the right options of every question, in the order of the page; question number
    `wrong` (0-based) gets one wrong option instead."""
    main = person.page.locator("main")
    for number, question in enumerate(questions):
        options = [o for o in question["opties"] if o["juist"] != (number == wrong)]
        for option in options[:1] if number == wrong else options:
            person.tick(main.locator(f"#vraag-{question['id']}-{option['id']}"))
