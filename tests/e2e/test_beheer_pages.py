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

from tests.academie import new_account
from tests.e2e.service import WIDTHS, Checker, open_page, serving_academie, sign_in

SITE_URL = "https://academie.verzonnen.example/"
LINK = re.compile(r"https://academie\.verzonnen\.example(/wachtwoord-herstellen/[A-Za-z0-9_-]+)")


@pytest.fixture(scope="module")
def outbox(tmp_path_factory):
    return tmp_path_factory.mktemp("outbox")


@pytest.fixture(scope="module")
def beheer_url(db, tmp_path_factory, outbox) -> Iterator[str]:
    with serving_academie(
        db, tmp_path_factory, "beheer-pages", OUTBOX_DIR=str(outbox), SITE_URL=SITE_URL
    ) as url:
        yield url


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


@pytest.mark.parametrize("width", WIDTHS)
def test_a_forgotten_password_is_reset_on_accessible_pages(browser, beheer_url, db, outbox, width):
    user = new_account(db, "medewerker", display_name="Verzonnen Vergeetachtig")
    context, page = open_page(browser, beheer_url, width)
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


@pytest.mark.parametrize("width", WIDTHS)
def test_a_beheerder_adds_an_organisation_and_imports_staff_on_accessible_pages(
    browser, beheer_url, db, width
):
    beheerder = new_account(db, "beheerder", display_name="Verzonnen Beheerder")
    context, page = open_page(browser, beheer_url, width)
    check = Checker(page, width)
    sign_in(page, beheerder)

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
