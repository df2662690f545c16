"""The forgotten-password and beheer pages in a real browser with JavaScript switched off.

Someone asks for a reset link, picks a password that is too short, then a good one; a
beheerder adds an organisation and a team, imports a file with mistakes and then a good one.
Every page on the way is checked with axe at a phone width and a desktop width, and none may
scroll sideways at 320 px.
"""

from __future__ import annotations

import email
import re
import time
import uuid
from collections.abc import Iterator
from email import policy

import pytest
from werkzeug.serving import make_server

from quiz_service import create_app
from tests.academie import PASSWORD, new_account
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import _QuietHandler, running

SITE_URL = "https://academie.verzonnen.example/"
LINK = re.compile(r"https://academie\.verzonnen\.example(/wachtwoord-herstellen/[A-Za-z0-9_-]+)")


@pytest.fixture(scope="module")
def outbox(tmp_path_factory):
    return tmp_path_factory.mktemp("outbox")


@pytest.fixture(scope="module")
def beheer_url(db, tmp_path_factory, outbox) -> Iterator[str]:
    site = tmp_path_factory.mktemp("site")
    (site / "index.html").write_text('<!doctype html><html lang="nl"><title>x</title>', "utf-8")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db.url,
            "SITE_DIR": str(site),
            "OUTBOX_DIR": str(outbox),
            "SITE_URL": SITE_URL,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    with running(server, "beheer-pages") as url:
        yield url
    app.extensions["db_engine"].dispose()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def reset_path(outbox, address) -> str:
    """The link in the newest mail to `address`.

    The server sends it after the response has gone out, so it may take a moment.
    """
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] == address:
                return LINK.search(message.get_content()).group(1)
        time.sleep(0.05)
    raise AssertionError(f"geen mail aan {address}")


class Checker:
    """Collects axe violations and sideways scrolling over every page visited."""

    def __init__(self, page, width):
        self.page, self.width, self.found = page, width, []

    def __call__(self):
        self.found.extend(serious_violations(self.page, javascript=False))
        if self.width <= 320:
            assert no_horizontal_scroll(self.page), f"horizontaal scrollen op {self.page.url}"


def new_page(browser, url, width):
    context = browser.new_context(
        base_url=url, viewport={"width": width, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10000)
    return context, page


@pytest.mark.parametrize("width", [320, 1280])
def test_a_forgotten_password_is_reset_on_accessible_pages(browser, beheer_url, db, outbox, width):
    user = new_account(db, "medewerker", display_name="Verzonnen Vergeetachtig")
    context, page = new_page(browser, beheer_url, width)
    check = Checker(page, width)

    page.goto("/inloggen")
    page.click("text=Wachtwoord vergeten?")
    assert page.url.endswith("/wachtwoord-vergeten")
    check()
    page.fill("input[name=email]", user.email)
    page.get_by_role("button", name="Stuur mij een link").click()
    assert "Kijk in uw e-mail" in page.content()
    check()

    page.goto(reset_path(outbox, user.email))
    assert "Kies een nieuw wachtwoord" in page.content()
    check()
    page.fill("input[name=password]", "te-kort")
    page.fill("input[name=password_again]", "te-kort")
    page.get_by_role("button", name="Bewaar het wachtwoord").click()
    assert "Het wachtwoord is te kort" in page.content()
    check()
    page.fill("input[name=password]", "verzonnen fiets regen zomer")
    page.fill("input[name=password_again]", "verzonnen fiets regen zomer")
    page.get_by_role("button", name="Bewaar het wachtwoord").click()
    assert page.url.endswith("/inloggen")
    assert "Uw nieuwe wachtwoord is opgeslagen" in page.content()
    check()

    page.goto(reset_path(outbox, user.email))  # a link works once
    assert "Deze link werkt niet meer" in page.content()
    check()
    context.close()
    assert check.found == []


@pytest.mark.parametrize("width", [320, 1280])
def test_a_beheerder_adds_an_organisation_and_imports_staff_on_accessible_pages(
    browser, beheer_url, db, width
):
    beheerder = new_account(db, "beheerder", display_name="Verzonnen Beheerder")
    context, page = new_page(browser, beheer_url, width)
    check = Checker(page, width)
    page.goto("/inloggen")
    page.fill("input[name=email]", beheerder.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/inloggen'] button[type=submit]").click()

    page.goto("/beheer/")
    check()
    naam = f"Verzonnen Zorggroep {uuid.uuid4().hex[:6]}"
    page.fill("#naam", naam)
    page.get_by_role("button", name="Organisatie toevoegen").click()
    assert "/beheer/organisaties/" in page.url
    check()
    page.fill("#team_naam", naam)
    page.get_by_role("button", name="Team toevoegen").click()
    page.fill("#team_naam", naam.upper())
    page.get_by_role("button", name="Team toevoegen").click()
    assert "al een team met deze naam" in page.content()
    check()

    long_address = f"verzonnen.medewerker.met.een.lang.adres.{uuid.uuid4().hex}@verzonnen.example"
    page.set_input_files(
        "#bestand",
        files=[
            {
                "name": "medewerkers.csv",
                "mimeType": "text/csv",
                "buffer": (
                    "e-mail;naam;rol;team\n"
                    f"{long_address};Verzonnen Medewerker;medewerker;Verzonnen Wijkteam Noord\n"
                    "geen-adres;Verzonnen Fout;koning;\n"
                ).encode(),
            }
        ],
    )
    page.get_by_role("button", name="Importeer de medewerkers").click()
    assert "Er is niets geïmporteerd" in page.content()
    assert "regel 3:" in page.content()
    check()

    page.set_input_files(
        "#bestand",
        files=[
            {
                "name": "medewerkers.csv",
                "mimeType": "text/csv",
                "buffer": (
                    "e-mail;naam;rol;team\n"
                    f"{long_address};Verzonnen Medewerker;medewerker;Verzonnen Wijkteam Noord\n"
                ).encode(),
            }
        ],
    )
    page.get_by_role("button", name="Importeer de medewerkers").click()
    assert "De import is klaar" in page.content()
    check()
    page.click(f"text=Bekijk de medewerkers van {naam}")
    assert long_address in page.content()
    check()
    context.close()
    assert check.found == []
