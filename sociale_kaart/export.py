"""Open data of the sociale kaart: HSDS 3.0 JSON, CSV and GeoJSON, for Flevoland and per gemeente.

Choices, so that a reader of the files knows what to expect:

- HSDS 3.0 (Open Referral) is the standard. Every organization is one fully nested object, as in the
  compiled `organization.json` schema: its phones, locations and services, and in each service its
  phones, schedules, service_areas, service_at_locations (with the location nested) and attributes.
- The `.hsds.json` file is a plain JSON array of organization objects. The HSDS 3.0 compiled schemas
  have no wrapper or paginated form for a static file: `organization_list.json` there describes one
  organization *without* its nested arrays (a row of an API list), not a page of results. So we
  write a bare array of full organizations and invent no wrapper of our own.
- Every id is a UUIDv5 from `sociale_kaart.ids.make_id`, derived from slugs only, so it stays the same
  across builds. Nested ids follow the slug path (e.g. `make_id("phone", org, dienst, "0")`).
- Fields we do not know are left out, never written as empty strings.
- Opening hours come from `hours.hsds_schedules`; their notes say the times are Dutch clock times.
- All files are written deterministically (sorted keys, organisations sorted by slug, fixed row
  order, `\\n` line ends for JSON), so a rebuild from the same YAML gives byte-identical files.
- A gemeente file holds every organisation that serves the gemeente, has a location there, or serves
  all of Flevoland (PV24), with all of its services and locations (`SocialeKaart.by_gemeente`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

from . import hours
from .ids import make_id
from .model import Location, Organisation, Phone, Service, SocialeKaart

OPEN_DATA_DIR = "open-data"
ALL_FLEVOLAND = "sociale-kaart-flevoland"
SOURCE_NAME = "Mantelzorgacademie Flevoland – sociale kaart"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.nl"
HSDS_DOCS_URL = "https://docs.openreferral.org/"

STATUS = {
    "actief": "active",
    "tijdelijk-gesloten": "temporarily closed",
    "inactief": "inactive",
    "opgeheven": "defunct",
}

CSV_COLUMNS = (
    "organisatie_id",
    "organisatie",
    "dienst_id",
    "dienst",
    "beschrijving",
    "status",
    "categorieen",
    "doelgroepen",
    "gemeenten",
    "toegang",
    "kosten",
    "kosten_toelichting",
    "aanmelden",
    "website",
    "email",
    "telefoon",
    "adres",
    "postcode",
    "plaats",
    "breedte",
    "lengte",
    "laatst_gecontroleerd",
    "gegevens",
    "pagina",
)
# Several values in one CSV cell (categories, gemeenten, phone numbers).
CSV_JOIN = "; "

LICENCE_TEXT = f"""\
Licentie van de open data van de sociale kaart

De bestanden in deze map zijn open data. U mag ze gebruiken, kopiëren, aanpassen en
verspreiden, ook voor commerciële doelen. Dat staat in de licentie Creative Commons
Naamsvermelding 4.0 Internationaal (CC BY 4.0):
{LICENCE_URL}

Vermeld wel de bron, zo:
  Bron: {SOURCE_NAME}

De bestanden:
- *.hsds.json: de gegevens volgens de standaard HSDS 3.0 van Open Referral
  ({HSDS_DOCS_URL}), een lijst met organisaties;
- *.csv: één regel per dienst, UTF-8, scheidingsteken komma;
- *.geojson: de locaties met coördinaten, voor op een kaart.

{ALL_FLEVOLAND}.* gaat over heel Flevoland; de andere bestanden over één gemeente.
De id's (UUID's) blijven hetzelfde zolang een organisatie, dienst of locatie bestaat.

Wij controleren de gegevens zo goed mogelijk, maar ze kunnen onvolledig of verouderd zijn.
Bel of mail de organisatie voordat u ergens naartoe gaat.
"""


# --- helpers ------------------------------------------------------------------------------------


def _page_url(site_url: str, org: Organisation) -> str:
    return f"{site_url.rstrip('/')}/sociale-kaart/organisatie/{org.slug}/"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


def _known(**fields: object) -> dict:
    """The fields with a value: no empty strings, lists or None for things we do not know."""
    return {key: value for key, value in fields.items() if value not in ("", None, [], {})}


def _term_name(kaart: SocialeKaart, kind: str, code: str | None) -> str:
    return kaart.taxonomies.name(kind, code) if code else ""


def _taxonomy_term(kaart: SocialeKaart, kind: str, code: str) -> dict:
    term = kaart.taxonomies[kind].get(code)
    name = term.naam if term else code
    parent = term.ouder if term else None
    return _known(
        id=make_id("term", kind, code),
        code=code,
        name=name,
        # HSDS requires a description; a term without one is described by its name.
        description=(term.omschrijving if term else "") or name,
        parent_id=make_id("term", kind, parent) if parent else None,
        taxonomy=kind,
        taxonomy_id=make_id("taxonomy", kind),
        language="nl",
    )


def _attributes(
    kaart: SocialeKaart,
    kind: str,
    codes: list[str],
    *,
    link_id: str,
    link_entity: str,
    id_parts: tuple[str, ...],
) -> list[dict]:
    found = []
    for code in codes:
        term = _taxonomy_term(kaart, kind, code)
        found.append(
            {
                "id": make_id("attribute", *id_parts, kind, code),
                "link_id": link_id,
                "link_entity": link_entity,
                "link_type": kind,
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
            }
        )
    return found


def _phones(phones: list[Phone], id_parts: tuple[str, ...], **link: str) -> list[dict]:
    return [
        _known(
            id=make_id("phone", *id_parts, str(index)),
            number=phone.e164,
            description=phone.omschrijving,
            **link,
        )
        for index, phone in enumerate(phones)
    ]


def _schedules(data: dict | None, make: Callable[[str], str], **link: str) -> list[dict]:
    if not data:
        return []
    opening = hours.OpeningHours.from_data(data)
    return [{**schedule, **link} for schedule in hours.hsds_schedules(opening, make)]


# --- HSDS ---------------------------------------------------------------------------------------


def _location(kaart: SocialeKaart, org: Organisation, loc: Location) -> dict:
    loc_id = loc.id
    parts = (org.slug, loc.slug)
    addresses = []
    if loc.straat and loc.postcode and loc.plaats:
        addresses.append(
            _known(
                id=make_id("address", *parts),
                location_id=loc_id,
                address_1=loc.straat,
                city=loc.plaats,
                region=_term_name(kaart, "gemeenten", loc.gemeente),
                postal_code=loc.postcode,
                state_province="Flevoland",
                country="NL",
                address_type="physical",
            )
        )
    accessibility = []
    for code in loc.toegankelijkheid:
        term = kaart.taxonomies["toegankelijkheid"].get(code)
        accessibility.append(
            _known(
                id=make_id("accessibility", *parts, code),
                location_id=loc_id,
                description=term.naam if term else code,
                details=term.omschrijving if term else "",
            )
        )
    if loc.toegankelijkheid_toelichting:
        accessibility.append(
            {
                "id": make_id("accessibility", *parts, "toelichting"),
                "location_id": loc_id,
                "description": "Toelichting op de toegankelijkheid",
                "details": loc.toegankelijkheid_toelichting,
            }
        )
    attributes = _attributes(
        kaart,
        "toegankelijkheid",
        loc.toegankelijkheid,
        link_id=loc_id,
        link_entity="location",
        id_parts=parts,
    )
    if loc.gemeente:
        attributes += _attributes(
            kaart,
            "gemeenten",
            [loc.gemeente],
            link_id=loc_id,
            link_entity="location",
            id_parts=parts,
        )
    return _known(
        id=loc_id,
        organization_id=org.id,
        location_type="physical" if loc.soort == "fysiek" else "virtual",
        name=loc.naam,
        url=loc.url,
        latitude=loc.lat,
        longitude=loc.lon,
        addresses=addresses,
        accessibility=accessibility,
        schedules=_schedules(
            loc.openingstijden,
            lambda part: make_id("schedule", org.slug, "locatie", loc.slug, part),
            location_id=loc_id,
        ),
        attributes=attributes,
    )


def _fees(kaart: SocialeKaart, service: Service) -> str:
    name = _term_name(kaart, "kosten", service.kosten)
    if name and service.kosten_toelichting:
        return f"{name}: {service.kosten_toelichting}"
    return name or service.kosten_toelichting


def _service(kaart: SocialeKaart, org: Organisation, service: Service) -> dict:
    svc_id = service.id
    parts = (org.slug, service.slug)
    locations = {loc.slug: loc for loc in org.locaties}
    areas = [
        {
            "id": make_id("service_area", *parts, code),
            "service_id": svc_id,
            "name": _term_name(kaart, "gemeenten", code),
            "description": (
                "De hele provincie Flevoland (CBS-code PV24)"
                if code == "PV24"
                else f"Gemeente {_term_name(kaart, 'gemeenten', code)} (CBS-code {code})"
            ),
            "attributes": _attributes(
                kaart,
                "gemeenten",
                [code],
                link_id=make_id("service_area", *parts, code),
                link_entity="service_area",
                id_parts=(*parts, "werkgebied"),
            ),
        }
        for code in service.werkgebied
    ]
    at_locations = [
        {
            "id": make_id("service_at_location", *parts, ref),
            "service_id": svc_id,
            "location_id": locations[ref].id,
            "location": _location(kaart, org, locations[ref]),
        }
        for ref in service.locaties
        if ref in locations
    ]
    attributes = []
    for kind, codes in (
        ("categorie", service.categorieen),
        ("doelgroep", service.doelgroepen),
        ("toegang", [service.toegang] if service.toegang else []),
        ("kosten", [service.kosten] if service.kosten else []),
    ):
        attributes += _attributes(
            kaart, kind, codes, link_id=svc_id, link_entity="service", id_parts=parts
        )
    return _known(
        id=svc_id,
        organization_id=org.id,
        name=service.naam,
        description=service.beschrijving,
        status=STATUS[service.status],
        url=service.website,
        email=service.email,
        application_process=service.aanmelden,
        fees_description=_fees(kaart, service),
        assured_date=org.laatst_gecontroleerd.isoformat(),
        phones=_phones(service.telefoon, parts, service_id=svc_id),
        schedules=_schedules(
            service.openingstijden,
            lambda part: make_id("schedule", org.slug, "dienst", service.slug, part),
            service_id=svc_id,
        ),
        service_areas=areas,
        service_at_locations=at_locations,
        attributes=attributes,
    )


def hsds_organization(kaart: SocialeKaart, org: Organisation, site_url: str) -> dict:
    """One HSDS 3.0 organization, fully nested; `uri` is its page on our portal."""
    return _known(
        id=org.id,
        name=org.naam,
        description=org.beschrijving,
        website=org.website,
        email=org.email,
        uri=_page_url(site_url, org),
        phones=_phones(org.telefoon, (org.slug,), organization_id=org.id),
        locations=[_location(kaart, org, loc) for loc in org.locaties],
        services=[_service(kaart, org, service) for service in org.diensten],
    )


def hsds_organizations(kaart: SocialeKaart, site_url: str) -> list[dict]:
    """Every organisation as an HSDS 3.0 organization object, sorted by slug."""
    return _hsds(kaart, kaart.organisations, site_url)


def _hsds(kaart: SocialeKaart, organisations: list[Organisation], site_url: str) -> list[dict]:
    ordered = sorted(organisations, key=lambda o: o.slug)
    return [hsds_organization(kaart, org, site_url) for org in ordered]


# --- CSV ----------------------------------------------------------------------------------------


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)


def _csv_row(kaart: SocialeKaart, org: Organisation, service: Service, site_url: str) -> dict:
    names = kaart.taxonomies.name
    locations = {loc.slug: loc for loc in org.locaties}
    # One row per service: the address is that of the first linked location with an address.
    place = next(
        (locations[ref] for ref in service.locaties if ref in locations and locations[ref].straat),
        None,
    )
    phones = service.telefoon or org.telefoon
    return {
        "organisatie_id": org.id,
        "organisatie": org.naam,
        "dienst_id": service.id,
        "dienst": service.naam,
        "beschrijving": service.beschrijving,
        "status": service.status,
        "categorieen": CSV_JOIN.join(names("categorie", c) for c in service.categorieen),
        "doelgroepen": CSV_JOIN.join(names("doelgroep", c) for c in service.doelgroepen),
        "gemeenten": CSV_JOIN.join(names("gemeenten", c) for c in service.werkgebied),
        "toegang": _term_name(kaart, "toegang", service.toegang),
        "kosten": _term_name(kaart, "kosten", service.kosten),
        "kosten_toelichting": service.kosten_toelichting,
        "aanmelden": service.aanmelden,
        "website": service.website or org.website,
        "email": service.email or org.email,
        "telefoon": CSV_JOIN.join(p.e164 for p in phones),
        "adres": place.straat if place else "",
        "postcode": place.postcode if place else "",
        "plaats": place.plaats if place else "",
        "breedte": _number(place.lat) if place else "",
        "lengte": _number(place.lon) if place else "",
        "laatst_gecontroleerd": org.laatst_gecontroleerd.isoformat(),
        "gegevens": "onvolledig" if org.onvolledig else "compleet",
        "pagina": _page_url(site_url, org),
    }


def csv_text(kaart: SocialeKaart, organisations: list[Organisation], site_url: str) -> str:
    """One row per service, Dutch column names, CRLF line ends (RFC 4180)."""
    return _csv_table(
        [
            _csv_row(kaart, org, service, site_url)
            for org in organisations
            for service in org.diensten
        ]
    )


def _csv_table(rows: list[dict]) -> str:
    rows = sorted(
        rows,
        key=lambda r: (
            r["organisatie"].casefold(),
            r["organisatie_id"],
            r["dienst"].casefold(),
            r["dienst_id"],
        ),
    )
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


# --- GeoJSON ------------------------------------------------------------------------------------


def _feature(kaart: SocialeKaart, org: Organisation, loc: Location, site_url: str) -> dict:
    names = kaart.taxonomies.name
    linked = [s for s in org.diensten if loc.slug in s.locaties]
    # A location no service points to still belongs to the organisation: show all it offers.
    offered = linked or org.diensten
    categories = sorted({names("categorie", c) for s in offered for c in s.categorieen})
    properties = _known(
        organisatie=org.naam,
        organisatie_id=org.id,
        locatie=loc.naam or org.naam,
        locatie_id=loc.id,
        adres=loc.straat,
        postcode=loc.postcode,
        plaats=loc.plaats,
        gemeente=_term_name(kaart, "gemeenten", loc.gemeente),
        diensten=[s.naam for s in linked],
        dienst_ids=[s.id for s in linked],
        categorieen=categories,
        toegankelijkheid=[names("toegankelijkheid", c) for c in loc.toegankelijkheid],
        gegevens="onvolledig" if org.onvolledig else "compleet",
        laatst_gecontroleerd=org.laatst_gecontroleerd.isoformat(),
        pagina=_page_url(site_url, org),
    )
    return {
        "type": "Feature",
        "id": loc.id,
        # GeoJSON (RFC 7946) is longitude first, in WGS84.
        "geometry": {"type": "Point", "coordinates": [loc.lon, loc.lat]},
        "properties": properties,
    }


def geojson(kaart: SocialeKaart, organisations: list[Organisation], site_url: str) -> dict:
    """A FeatureCollection with one Point per location whose coordinates we know."""
    features = [
        _feature(kaart, org, loc, site_url)
        for org in sorted(organisations, key=lambda o: o.slug)
        for loc in org.locaties
        if loc.lat is not None and loc.lon is not None
    ]
    return {"type": "FeatureCollection", "features": features}


# --- files --------------------------------------------------------------------------------------


def _json_text(data: object) -> str:
    # Compact: the Flevoland-wide files are the largest in site/, and tools read them anyway.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def areas(kaart: SocialeKaart) -> list[tuple[str, str, list[Organisation]]]:
    """(file stem, Dutch label, organisations): heel Flevoland first, then the gemeenten by name."""
    found = [(ALL_FLEVOLAND, "Heel Flevoland", sorted(kaart.organisations, key=lambda o: o.slug))]
    gemeenten = sorted(kaart.taxonomies.gemeenten.items(), key=lambda item: item[1].naam)
    for code, term in gemeenten:
        members = sorted(kaart.by_gemeente(code), key=lambda o: o.slug)
        found.append((_slug(term.naam), term.naam, members))
    return found


def write_open_data(kaart: SocialeKaart, site_dir: Path, site_url: str) -> list[Path]:
    """Write the open-data files into `site_dir`/open-data/ and return their paths."""
    out = site_dir / OPEN_DATA_DIR
    out.mkdir(parents=True, exist_ok=True)
    written = []

    def write(name: str, text: str, encoding: str = "utf-8") -> None:
        path = out / name
        # newline="" keeps the CSV's CRLF and the JSON's LF exactly, on every platform.
        with path.open("w", encoding=encoding, newline="") as handle:
            handle.write(text)
        written.append(path)

    # Each organisation is in the Flevoland file and in one or more gemeente files: its JSON, rows
    # and features are made once. Joining the JSON texts of the items gives the same bytes as
    # _json_text of the whole list (compact separators, sorted keys).
    hsds_texts: dict[str, str] = {}
    rows: dict[str, list[dict]] = {}
    features: dict[str, list[str]] = {}
    for org in kaart.organisations:
        hsds_texts[org.slug] = _json_text(hsds_organization(kaart, org, site_url)).rstrip("\n")
        rows[org.slug] = [_csv_row(kaart, org, service, site_url) for service in org.diensten]
        features[org.slug] = [
            _json_text(_feature(kaart, org, loc, site_url)).rstrip("\n")
            for loc in org.locaties
            if loc.lat is not None and loc.lon is not None
        ]
    for stem, _label, organisations in areas(kaart):
        ordered = sorted(organisations, key=lambda o: o.slug)
        write(f"{stem}.hsds.json", "[" + ",".join(hsds_texts[o.slug] for o in ordered) + "]\n")
        # utf-8-sig: the byte order mark makes Excel read the file as UTF-8 (ë, é, €).
        write(
            f"{stem}.csv",
            _csv_table([row for o in organisations for row in rows[o.slug]]),
            encoding="utf-8-sig",
        )
        collection = ",".join(f for o in ordered for f in features[o.slug])
        write(f"{stem}.geojson", '{"features":[' + collection + '],"type":"FeatureCollection"}\n')
    write("LICENTIE.txt", LICENCE_TEXT)
    return written


# --- page ---------------------------------------------------------------------------------------


def _file_link(name: str, text: str) -> str:
    return f'<a href="../../{OPEN_DATA_DIR}/{name}">{text}</a>'


def _count(number: int, one: str, more: str) -> str:
    return f"{number} {one if number == 1 else more}"


def open_data_markdown(kaart: SocialeKaart) -> str:
    """The Dutch (B1) body of the open-data page, without front matter.

    The file links are relative to the page at sociale-kaart/open-data/ in the site. They are
    written as inline HTML: the files are not MkDocs pages (they are written after the MkDocs
    build), so a Markdown link to them would fail `mkdocs build --strict` as "not found", while
    an <a href> is passed through unchanged.
    """
    rows = []
    for stem, label, organisations in areas(kaart):
        services = sum(len(org.diensten) for org in organisations)
        located = sum(
            1
            for org in organisations
            for loc in org.locaties
            if loc.lat is not None and loc.lon is not None
        )
        rows.append(
            f"| {label} | {len(organisations)} | {services} "
            f"| {_file_link(f'{stem}.hsds.json', 'HSDS JSON')} "
            f"| {_file_link(f'{stem}.csv', 'CSV')} "
            f"| {_file_link(f'{stem}.geojson', 'GeoJSON')} "
            f"({_count(located, 'locatie', 'locaties')}) |"
        )
    total = len(kaart.organisations)
    incomplete = sum(1 for org in kaart.organisations if org.onvolledig or org.missing())
    if total == 0:
        state = "Er staan nog geen organisaties in de sociale kaart. De bestanden zijn nog leeg."
    elif incomplete:
        many = "Veel" if 2 * incomplete >= total else "Een paar"
        state = (
            f"De sociale kaart is nieuw. {many} organisaties staan er nog niet volledig in. "
            f"Bij {incomplete} van de {_count(total, 'organisatie', 'organisaties')} ontbreken "
            "nog gegevens, zoals een adres, openingstijden of een telefoonnummer."
        )
    else:
        state = (
            "De sociale kaart is nieuw. Alle organisaties hebben nu een adres, openingstijden en "
            "contactgegevens. Toch kan er iets veranderd zijn."
        )
    lines = [
        "Alle gegevens van de sociale kaart kunt u gratis downloaden. Dat heet open data. "
        "Gemeenten, organisaties en ontwikkelaars kunnen de gegevens zo in hun eigen website of "
        "app gebruiken.",
        "",
        "## Wat staat erin?",
        "",
        "De organisaties in Flevoland die mantelzorgers helpen. Per organisatie staan erin: wat "
        "zij doen (de diensten), voor wie, in welke gemeenten, hoe u zich aanmeldt, wat het kost, "
        "de adressen, openingstijden en contactgegevens, en de datum waarop wij de gegevens "
        "voor het laatst hebben gecontroleerd.",
        "",
        "## Licentie: vrij te gebruiken, met bronvermelding",
        "",
        "U mag de gegevens gebruiken, kopiëren, aanpassen en verspreiden, ook voor commerciële "
        "doelen. Dat staat in de licentie "
        f"[Creative Commons Naamsvermelding 4.0 (CC BY 4.0)]({LICENCE_URL}). "
        f"Vermeld dan wel de bron: **{SOURCE_NAME}**.",
        "",
        "## Standaard: HSDS van Open Referral",
        "",
        "De JSON-bestanden volgen de internationale standaard HSDS 3.0 van "
        f"[Open Referral]({HSDS_DOCS_URL}). Die standaard is gemaakt voor overzichten van hulp "
        "en diensten. Elk bestand is een lijst met organisaties, met daarin hun diensten en "
        "locaties.",
        "",
        "Elke organisatie, dienst en locatie heeft een vaste id (een UUID). Die id blijft "
        "hetzelfde bij elke nieuwe versie van de bestanden. Zo kunt u de gegevens koppelen en "
        "later bijwerken.",
        "",
        "## Downloaden",
        "",
        "Kies een gebied en een bestandsvorm:",
        "",
        "- **HSDS JSON**: alle gegevens, volgens de standaard. Voor ontwikkelaars.",
        "- **CSV**: een tabel met één regel per dienst. U opent hem in Excel of een ander "
        "rekenprogramma.",
        "- **GeoJSON**: de locaties met coördinaten, om op een kaart te zetten.",
        "",
        "Een gemeente-bestand bevat elke organisatie die in die gemeente helpt of daar een adres "
        "heeft, en ook de organisaties die in heel Flevoland helpen.",
        "",
        "| Gebied | Organisaties | Diensten | HSDS JSON | CSV | GeoJSON |",
        "| --- | ---: | ---: | --- | --- | --- |",
        *rows,
        "",
        f"Lees ook de {_file_link('LICENTIE.txt', 'licentietekst')}.",
        "",
        "## Nog niet compleet",
        "",
        state,
        "Wij vullen de gegevens steeds verder aan. Gaat u ergens naartoe? Bel of mail de "
        "organisatie dan eerst.",
        "",
    ]
    return "\n".join(lines)
