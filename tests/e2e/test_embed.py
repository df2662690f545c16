"""The sociale kaart in a real browser: the embed on another website, and the portal's scripts.

A fictional kaart (tests/test_sociale_kaart_pages.py) is built and served on one port; a tiny
"gemeente website" on another port embeds it with the exact code from the 'Insluiten' page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from site_builder.problems import Problems
from sociale_kaart import hours
from sociale_kaart.embed import snippet
from sociale_kaart.loader import load_kaart
from tests.conftest import SITE_URL
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import serving_site
from tests.e2e.journeys import serving_page
from tests.test_sociale_kaart_pages import ENTRIES, build_fictional_site

LELYSTAD = "GM0995"
EMBED = "/embed/sociale-kaart/lelystad/"
AMSTERDAM = hours.AMSTERDAM


@pytest.fixture(scope="module")
def kaart_site(tmp_path_factory) -> Path:
    return build_fictional_site(tmp_path_factory.mktemp("kaart-e2e"))


@pytest.fixture(scope="module")
def kaart_server(kaart_site: Path) -> Iterator[str]:
    """The fictional portal, served by our own app (with its headers) on a free port."""
    with serving_site(kaart_site, "kaart-server") as url:
        yield url


@pytest.fixture(scope="module")
def kaart(kaart_site: Path):
    problems = Problems()
    found = load_kaart(kaart_site.parent / "sociale_kaart", problems)
    assert not problems
    return found


@pytest.fixture(scope="module")
def host_server(kaart_server: str, kaart) -> Iterator[str]:
    """A fictional gemeente website on another port (another origin) with our embed code."""
    page = (
        '<!doctype html><html lang="nl"><head><meta charset="utf-8">'
        '<link rel="icon" href="data:,"><title>Verzonnen gemeente</title></head><body><main>'
        "<h1>Mantelzorg in Lelystad</h1><p>Hulp in de buurt:</p>"
        f"{snippet(kaart, kaart_server + '/', LELYSTAD)}"
        "<p>Tekst onder het blok.</p></main></body></html>"
    )
    with serving_page(page, "host-server") as url:
        yield url


class Watched:
    """A page plus everything it did: requests, console errors."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.context.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def assert_clean(self) -> None:
        assert self.requests, "de listener zag geen enkel verzoek"
        elsewhere = [u for u in self.requests if urlsplit(u).hostname != "127.0.0.1"]
        assert not elsewhere, "verzoeken naar andere hosts:\n" + "\n".join(elsewhere)
        assert not self.errors, "fouten in de console:\n" + "\n".join(self.errors)
        assert self.page.context.cookies() == []


@pytest.fixture
def open_page(browser: Browser, kaart_server: str) -> Iterator[Callable[..., Watched]]:
    contexts = []

    def make(width: int = 1024, height: int = 800, **options) -> Watched:
        context = browser.new_context(
            base_url=kaart_server, viewport={"width": width, "height": height}, **options
        )
        contexts.append(context)
        return Watched(context.new_page())

    yield make
    for context in contexts:
        context.close()


def embed_frame(page: Page) -> Frame:
    page.wait_for_selector("iframe")
    frame = page.frame(url=lambda url: "/embed/sociale-kaart/" in url)
    assert frame is not None
    frame.wait_for_load_state("load")
    return frame


def frame_height(page: Page) -> float:
    return page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")


def content_height(frame: Frame) -> float:
    return frame.evaluate("document.body.getBoundingClientRect().height")


def wait_until_fitted(page: Page, frame: Frame) -> float:
    """Wait until the iframe is exactly as high as the list inside it; return that height."""
    page.wait_for_function(
        "(h) => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - h) <= 1",
        arg=content_height(frame),
        timeout=5000,
    )
    return frame_height(page)


# --- the embed on a gemeente website ------------------------------------------------------------


def test_the_iframe_follows_the_height_of_its_content(open_page, host_server):
    watched = open_page(1024, 800)
    page = watched.page
    page.goto(host_server, wait_until="networkidle")
    frame = embed_frame(page)
    full = wait_until_fitted(page, frame)
    assert full != 900, "de hoogte is niet aangepast"
    expect(frame.locator("[data-sk-org]:visible")).to_have_count(3)

    frame.select_option("#sk-categorie", "steunpunt-mantelzorg")
    expect(frame.locator("[data-sk-org]:visible")).to_have_count(1)
    page.wait_for_function(
        "(h) => document.querySelector('iframe').getBoundingClientRect().height < h - 50",
        arg=full,
        timeout=5000,
    )
    fewer = wait_until_fitted(page, frame)
    assert fewer < full
    assert "categorie=steunpunt-mantelzorg" in frame.url

    frame.get_by_role("button", name="Alles tonen").click()
    expect(frame.locator("[data-sk-org]:visible")).to_have_count(3)
    assert abs(wait_until_fitted(page, frame) - full) <= 1
    watched.assert_clean()


def test_the_host_script_ignores_messages_from_other_origins(open_page, host_server):
    watched = open_page()
    page = watched.page
    page.goto(host_server, wait_until="networkidle")
    fitted = wait_until_fitted(page, embed_frame(page))
    # The host page itself (another origin than ours) pretends to be the embed.
    page.evaluate("window.postMessage({type: 'mza-sociale-kaart:hoogte', hoogte: 4321}, '*')")
    page.wait_for_timeout(300)
    assert frame_height(page) == fitted


def test_the_embed_works_as_a_plain_iframe_without_javascript(open_page, host_server):
    watched = open_page(java_script_enabled=False)
    page = watched.page
    page.goto(host_server, wait_until="networkidle")
    frame = embed_frame(page)
    assert frame.locator("[data-sk-org]").first.is_visible()
    expect(frame.locator("[data-sk-org]:visible")).to_have_count(3)
    assert not frame.locator("form").is_visible()
    # Narrowing the list works with plain links to pre-rendered pages.
    links = frame.get_by_role("navigation", name="Soorten hulp")
    links.get_by_role("link", name="Dagbesteding").click()
    frame.wait_for_url("**/embed/sociale-kaart/lelystad/dagbesteding/")
    expect(frame.locator("[data-sk-org]:visible")).to_have_count(1)
    assert frame_height(page) == 900  # the height from the snippet
    link = page.get_by_role("link", name="Bekijk de hulp voor mantelzorgers in Lelystad")
    assert link.is_visible()
    watched.assert_clean()


def test_filters_colours_and_font_come_from_the_address(open_page):
    watched = open_page()
    page = watched.page
    page.goto(EMBED + "?kosten=gratis&doelgroep=jonge-mantelzorgers&accent=%23005a9c&font=serif")
    expect(page.locator("[data-sk-org]:visible")).to_have_count(1)
    assert page.locator("#sk-kosten").input_value() == "gratis"
    assert page.locator("[data-sk-aantal]").inner_text() == "1 organisatie"
    link = page.locator(".sk-naam a:visible").first
    assert link.evaluate("a => getComputedStyle(a).color") == "rgb(0, 90, 156)"
    assert "Georgia" in page.evaluate("getComputedStyle(document.documentElement).fontFamily")

    # Unknown values and unreadable colours are ignored; our defaults stay.
    page.goto(EMBED + "?kosten=duur&accent=%23ffff00&tekst=red&font=comic")
    expect(page.locator("[data-sk-org]:visible")).to_have_count(3)
    link = page.locator(".sk-naam a").first
    assert link.evaluate("a => getComputedStyle(a).color") == "rgb(29, 86, 82)"
    assert "system-ui" in page.evaluate("getComputedStyle(document.documentElement).fontFamily")
    watched.assert_clean()


def test_another_categorie_on_a_categorie_page_opens_its_page(open_page):
    watched = open_page()
    page = watched.page
    page.goto(EMBED + "dagbesteding/?kosten=betaald&accent=%23005a9c")
    expect(page.locator("[data-sk-org]:visible")).to_have_count(1)
    page.get_by_label("Soort hulp", exact=True).select_option("steunpunt-mantelzorg")
    page.wait_for_url("**/embed/sociale-kaart/lelystad/steunpunt-mantelzorg/?*")
    assert "kosten=betaald" in page.url and "accent=%23005a9c" in page.url
    assert page.get_by_label("Soort hulp", exact=True).input_value() == "steunpunt-mantelzorg"
    assert page.get_by_label("Kosten").input_value() == ""  # 'betaald' is no choice here
    page.get_by_role("button", name="Alles tonen").click()
    page.wait_for_url("**/embed/sociale-kaart/lelystad/?accent=%23005a9c")
    expect(page.locator("[data-sk-org]:visible")).to_have_count(3)
    watched.assert_clean()


@pytest.mark.parametrize("path", [EMBED, EMBED + "dagbesteding/", EMBED + "thuiszorg/"])
@pytest.mark.parametrize("width", [320, 1024])
def test_the_embed_has_no_serious_axe_violations(open_page, path, width):
    watched = open_page(width)
    watched.page.goto(path)
    assert serious_violations(watched.page) == []
    scroll, client = watched.page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"horizontaal scrollen bij {width} px"
    watched.assert_clean()


def test_the_embed_is_framed_only_where_allowed(open_page, kaart_server):
    watched = open_page()
    response = watched.page.goto(EMBED)
    assert "x-frame-options" not in response.headers
    response = watched.page.goto("/sociale-kaart/overzicht/")
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


# --- the portal pages ---------------------------------------------------------------------------


def test_the_overview_searches_as_you_type(open_page):
    watched = open_page(1280)
    page = watched.page
    page.goto("/sociale-kaart/overzicht/")
    results = page.locator("[data-sk-resultaten] > li")
    page.get_by_role("search", name="Zoek hulp op de sociale kaart").wait_for()
    assert not page.locator("#alle-organisaties").is_visible()
    page.get_by_label("Zoek op een woord").fill("logeer")
    # expect(), not wait_for_function: the portal's CSP forbids evaluating a string predicate.
    expect(page.locator("[data-sk-aantal]")).to_have_text(re.compile("^1 "))
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Respijthuis")

    page.get_by_label("Zoek op een woord").fill("")
    page.get_by_label("Gemeente", exact=True).select_option("urk")
    expect(page.locator("[data-sk-aantal]")).to_have_text(re.compile("^2 "))
    assert "gemeente=urk" in page.url
    page.get_by_label("Soort hulp", exact=True).select_option("respijtzorg")
    expect(page.locator("[data-sk-aantal]")).to_have_text(re.compile("^Geen"))

    # The choice is in the address: opening it again gives the same result.
    page.goto("/sociale-kaart/overzicht/?gemeente=dronten&categorie=respijtzorg")
    expect(page.locator("[data-sk-aantal]")).to_have_text(re.compile("^1 "))
    results.first.get_by_role("link").click()
    page.wait_for_url("**/sociale-kaart/organisatie/verzonnen-respijthuis-dronten/")
    watched.assert_clean()


def test_the_overview_works_without_javascript(open_page):
    watched = open_page(1280, java_script_enabled=False)
    page = watched.page
    page.goto("/sociale-kaart/overzicht/")
    assert not page.get_by_role("search", name="Zoek hulp op de sociale kaart").is_visible()
    assert page.locator("#alle-organisaties").is_visible()
    page.get_by_role("link", name="Lelystad").first.click()
    page.wait_for_url("**/sociale-kaart/gemeente/lelystad/")
    assert page.get_by_role("link", name="Verzonnen Steunpunt Lelystad").is_visible()


def next_weekday(weekday: int, hour: int, minute: int = 0) -> dt.datetime:
    """The next such weekday (0 = Monday) after today, at a wall-clock time in Amsterdam."""
    day = dt.date.today() + dt.timedelta(days=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    "moment",
    [next_weekday(0, 10), next_weekday(2, 16, 59), next_weekday(3, 18), next_weekday(6, 12)],
    ids=["maandag-10u", "woensdag-16u59", "donderdag-18u", "zondag-12u"],
)
def test_nu_open_in_the_browser_agrees_with_hours_py(open_page, moment):
    watched = open_page()
    page = watched.page
    page.clock.set_fixed_time(moment)
    page.goto("/sociale-kaart/organisatie/verzonnen-respijthuis-dronten/")
    line = page.locator(".sk-nu")
    line.wait_for()
    opening = hours.OpeningHours.from_data(
        ENTRIES["verzonnen-respijthuis-dronten"]["locaties"][0]["openingstijden"]
    )
    expected = hours.status_at(opening, moment)
    text = line.inner_text()
    if expected.state == "open":
        assert text == expected.label
    else:
        assert text.startswith("Nu gesloten"), text
        if expected.next_open and "·" in expected.label:
            assert text.split("·")[1].strip() == expected.label.split("·")[1].strip()


def test_the_nu_open_line_stays_hidden_without_javascript(open_page):
    watched = open_page(java_script_enabled=False)
    watched.page.goto("/sociale-kaart/organisatie/verzonnen-respijthuis-dronten/")
    assert not watched.page.locator(".sk-nu").is_visible()
    assert watched.page.get_by_role("table").first.is_visible()


def test_the_embed_code_maker_gives_the_same_code_as_the_build(open_page, kaart):
    watched = open_page(1280)
    page = watched.page
    page.goto("/sociale-kaart/insluiten/")
    code = page.get_by_label("Uw code")
    assert code.input_value() == snippet(kaart, SITE_URL, "GM0034")  # Almere comes first
    page.get_by_label("Gemeente", exact=True).select_option("dronten")
    page.get_by_label("Soort hulp", exact=True).select_option("wmo-loket")
    assert code.input_value() == snippet(kaart, SITE_URL, "GM0303", "wmo-loket")
    page.get_by_label("Soort hulp", exact=True).select_option("")
    assert code.input_value() == snippet(kaart, SITE_URL, "GM0303")
    watched.assert_clean()


@pytest.mark.parametrize(
    "path",
    [
        "/sociale-kaart/overzicht/",
        "/sociale-kaart/gemeente/dronten/",
        "/sociale-kaart/categorie/respijtzorg/",
        "/sociale-kaart/organisatie/verzonnen-respijthuis-dronten/",
        "/sociale-kaart/organisatie/verzonnen-onvolledig-urk/",
        "/sociale-kaart/insluiten/",
    ],
)
def test_portal_pages_of_the_kaart_have_no_serious_axe_violations(open_page, path):
    watched = open_page(1280)
    watched.page.goto(path, wait_until="networkidle")
    assert serious_violations(watched.page) == []
    watched.assert_clean()
