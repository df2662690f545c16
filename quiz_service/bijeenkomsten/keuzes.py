"""What a meeting chooses from: themes, gemeenten, sociale-kaart locations, accessibility.

Read once per app from the same files the portal is built from: the ziektebeeld pages in
content/ziektebeelden/ and the sociale kaart's organisations and lists. A meeting stores the
codes; a code that later disappears still shows, as its code, so old meetings never break.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app

from site_builder import settings
from site_builder.generate import ziektebeeld_slug
from site_builder.pages import load_page
from site_builder.problems import Problems
from sociale_kaart.loader import load_kaart

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent

# Themes that are not one illness. The ziektebeelden on the portal are themes too.
GENERAL_THEMES = {
    "mantelzorg": "Mantelzorg in het algemeen",
    "goed-voor-uzelf": "Goed voor uzelf zorgen",
    "jonge-mantelzorgers": "Jonge mantelzorgers",
    "werk-en-mantelzorg": "Werk en mantelzorg",
    "rouw-en-verlies": "Rouw en verlies",
}

# Online meetings, and meetings for people from every gemeente, are "in" all of Flevoland.
PROVINCE = "PV24"


@dataclass(frozen=True)
class Place:
    """A physical location on the sociale kaart."""

    id: str
    naam: str
    adres: str
    gemeente: str | None
    organisatie: str
    toegankelijkheid: tuple[str, ...]


@dataclass(frozen=True)
class Choices:
    themas: dict[str, str]  # slug → name, general themes first
    gemeenten: dict[str, str]  # CBS code → name, the province last
    locaties: dict[str, Place]
    toegankelijkheid: dict[str, str]  # code → name

    def thema_naam(self, slug: str) -> str:
        return self.themas.get(slug, slug)

    def gemeente_naam(self, code: str) -> str:
        if code == PROVINCE:
            return "Heel Flevoland"
        return self.gemeenten.get(code, code)

    def toegankelijkheid_naam(self, code: str) -> str:
        return self.toegankelijkheid.get(code, code)

    def toegankelijkheid_namen(self, codes: list[str]) -> str:
        """'Rolstoeltoegankelijk, Ringleiding'."""
        return ", ".join(self.toegankelijkheid_naam(code) for code in codes or [])


def _directory(key: str, setting: str) -> Path:
    path = Path(current_app.config.get(key) or settings.get(setting))
    return path if path.is_absolute() else ROOT / path


def _ziektebeelden(content_dir: Path, problems: Problems) -> dict[str, str]:
    """Slug → title of every ziektebeeld page, with the slug the portal links to."""
    found = {}
    for path in sorted((content_dir / "ziektebeelden").rglob("*.md")):
        page = load_page(path, content_dir, problems, date.today())
        slug = ziektebeeld_slug(page) if page is not None else None
        if slug is not None:
            found[slug] = page.meta.get("title", slug)
    return dict(sorted(found.items(), key=lambda item: item[1].lower()))


def load_choices(content_dir: Path, kaart_dir: Path) -> Choices:
    problems = Problems()
    kaart = load_kaart(kaart_dir, problems)
    tax = kaart.taxonomies
    places = {}
    for org in kaart.organisations:
        for loc in org.locaties:
            if loc.soort != "fysiek":
                continue
            adres = ", ".join(p for p in (loc.straat, f"{loc.postcode} {loc.plaats}".strip()) if p)
            places[loc.id] = Place(
                id=loc.id,
                naam=loc.naam or org.naam,
                adres=adres,
                gemeente=loc.gemeente,
                organisatie=org.naam,
                toegankelijkheid=tuple(loc.toegankelijkheid),
            )
    gemeenten = {code: term.naam for code, term in tax.gemeenten.items()}
    gemeenten = dict(sorted(gemeenten.items(), key=lambda item: item[1]))
    for problem in problems:
        log.warning("Keuzelijst voor bijeenkomsten onvolledig: %s", problem.format())
    return Choices(
        themas={**GENERAL_THEMES, **_ziektebeelden(content_dir, problems)},
        gemeenten={**gemeenten, PROVINCE: "Heel Flevoland"},
        locaties=dict(sorted(places.items(), key=lambda item: item[1].naam.lower())),
        toegankelijkheid={code: term.naam for code, term in tax["toegankelijkheid"].items()},
    )


def choices() -> Choices:
    """The current app's choices, read on first use."""
    found = current_app.extensions.get("bijeenkomst_keuzes")
    if found is None:
        found = current_app.extensions["bijeenkomst_keuzes"] = load_choices(
            _directory("CONTENT_DIR", "MZA_CONTENT_DIR"),
            _directory("SOCIALE_KAART_DIR", "MZA_SOCIALE_KAART_DIR"),
        )
    return found
