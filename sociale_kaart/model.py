"""The sociale kaart as the rest of the code sees it: organisations with locations and services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .ids import make_id


@dataclass
class Phone:
    nummer: str  # as the editor wrote it
    e164: str  # normalised, for tel: links and exports
    omschrijving: str = ""


@dataclass
class Location:
    org_slug: str
    slug: str
    soort: str  # fysiek | online
    naam: str = ""
    straat: str = ""
    postcode: str = ""
    plaats: str = ""
    gemeente: str | None = None
    lat: float | None = None
    lon: float | None = None
    url: str = ""
    toegankelijkheid: list[str] = field(default_factory=list)
    toegankelijkheid_toelichting: str = ""
    openingstijden: dict | None = None

    @property
    def id(self) -> str:
        return make_id("loc", self.org_slug, self.slug)


@dataclass
class Service:
    org_slug: str
    slug: str
    naam: str
    beschrijving: str
    status: str
    categorieen: list[str]
    werkgebied: list[str]
    doelgroepen: list[str] = field(default_factory=list)
    locaties: list[str] = field(default_factory=list)
    toegang: str | None = None
    kosten: str | None = None
    kosten_toelichting: str = ""
    aanmelden: str = ""
    website: str = ""
    email: str = ""
    telefoon: list[Phone] = field(default_factory=list)
    openingstijden: dict | None = None

    @property
    def id(self) -> str:
        return make_id("svc", self.org_slug, self.slug)


@dataclass
class Organisation:
    slug: str
    path: Path
    naam: str
    beschrijving: str
    laatst_gecontroleerd: dt.date
    gecontroleerd_door: str
    website: str = ""
    email: str = ""
    telefoon: list[Phone] = field(default_factory=list)
    onvolledig: bool = False
    bronnen: list[dict] = field(default_factory=list)
    locaties: list[Location] = field(default_factory=list)
    diensten: list[Service] = field(default_factory=list)

    @property
    def id(self) -> str:
        return make_id("org", self.slug)

    @property
    def gemeenten(self) -> set[str]:
        """Every gemeente code the organisation serves or is located in."""
        codes = {code for service in self.diensten for code in service.werkgebied}
        codes |= {loc.gemeente for loc in self.locaties if loc.gemeente}
        return codes

    def has_contact(self) -> bool:
        channels = [self.website, self.email, self.telefoon]
        channels += [c for s in self.diensten for c in (s.website, s.email, s.telefoon)]
        return any(channels)

    def missing(self) -> list[str]:
        """What an editor still has to find out, in Dutch, for the 'te controleren' report."""
        gaps = []
        if not self.has_contact():
            gaps.append("telefoon, e-mail of website")
        if not any(loc.soort == "fysiek" and loc.straat for loc in self.locaties):
            gaps.append("adres")
        has_hours = any(loc.openingstijden for loc in self.locaties) or any(
            s.openingstijden for s in self.diensten
        )
        if not has_hours:
            gaps.append("openingstijden")
        return gaps


@dataclass
class SocialeKaart:
    organisations: list[Organisation]
    taxonomies: object  # taxonomy.Taxonomies; kept loose to avoid an import cycle

    def by_gemeente(self, code: str) -> list[Organisation]:
        """Organisations for one gemeente; those serving all of Flevoland (PV24) too."""
        return [o for o in self.organisations if code in o.gemeenten or "PV24" in o.gemeenten]
