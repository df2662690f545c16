"""Open data of the sociale kaart: valid HSDS 3.0, stable ids, CSV and GeoJSON, per gemeente."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import uuid
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.validators import validator_for

from site_builder.problems import Problems
from sociale_kaart.export import (
    CSV_COLUMNS,
    hsds_organizations,
    open_data_markdown,
    write_open_data,
)
from sociale_kaart.loader import load_kaart
from sociale_kaart.model import SocialeKaart
from tests.conftest import ROOT

HSDS = ROOT / "tests" / "vendor" / "hsds-3.0"
SITE_URL = "https://mantelzorgacademie-flevoland.example/"
TODAY = dt.date(2026, 11, 22)
GEMEENTEN = ("almere", "dronten", "lelystad", "noordoostpolder", "urk", "zeewolde")
ALL_STEMS = ("sociale-kaart-flevoland", *GEMEENTEN)

# Fictional organisations next to the fixture 'Verzonnen Steunpunt Lelystad'.
EXTRA = {
    "verzonnen-mantelzorgpunt-almere.yaml": """\
naam: Verzonnen Mantelzorgpunt Almere
beschrijving: Een verzonnen mantelzorgpunt in Almere met advies en een cursus voor mantelzorgers.
website: https://verzonnen-mantelzorgpunt.example
email: info@verzonnen-mantelzorgpunt.example
laatst_gecontroleerd: 2026-09-15
gecontroleerd_door: Testredactie
locaties:
  - id: stadhuisplein
    naam: Verzonnen kantoor Almere
    soort: fysiek
    adres:
      straat: Verzonnenplein 12
      postcode: "1315 AB"
      plaats: Almere
    gemeente: GM0034
    coordinaten:
      breedte: 52.3702
      lengte: 5.2141
    toegankelijkheid: [lift, toegankelijk-toilet]
    toegankelijkheid_toelichting: De ingang is aan de achterkant.
    openingstijden:
      op_afspraak: true
      week:
        - dagen: [di, do]
          van: "13:00"
          tot: "17:00"
        - dagen: [za]
          van: "10:00"
          tot: "12:00"
          week_van_de_maand: 1
  - id: online
    soort: online
    url: https://verzonnen-mantelzorgpunt.example/chat
diensten:
  - id: advies
    naam: Verzonnen advies Almere
    beschrijving: Verzonnen advies voor mantelzorgers in Almere, op het kantoor of online.
    status: actief
    categorieen: [steunpunt-mantelzorg, informatie-en-advies]
    doelgroepen: [mantelzorgers, werkende-mantelzorgers]
    werkgebied: [GM0034]
    locaties: [stadhuisplein, online]
    toegang: vrij-toegankelijk
    kosten: gratis
    aanmelden: Bel of mail, dan maken we een afspraak.
    telefoon:
      - nummer: "0320 654 201"
        omschrijving: Verzonnen adviesnummer
  - id: cursus
    naam: Verzonnen cursus "Zorgen én werken"
    beschrijving: Een verzonnen cursus van vier avonden over mantelzorg, werk en grenzen.
    status: tijdelijk-gesloten
    categorieen: [lotgenotencontact]
    werkgebied: [GM0034]
    kosten: eigen-bijdrage
    kosten_toelichting: € 10 voor het cursusboek.
""",
    "verzonnen-provinciale-lijn.yaml": """\
naam: Verzonnen Provinciale Mantelzorglijn
beschrijving: Een verzonnen telefoonlijn voor mantelzorgers in heel Flevoland.
telefoon:
  - nummer: "0320 654 202"
laatst_gecontroleerd: 2026-06-01
gecontroleerd_door: Testredactie
diensten:
  - id: telefonische-steun
    naam: Verzonnen telefonische steun
    beschrijving: Verzonnen steun aan de telefoon voor mantelzorgers, overal in Flevoland.
    status: actief
    categorieen: [informatie-en-advies]
    werkgebied: [PV24]
    openingstijden:
      week:
        - dagen: [ma, di, wo, do, vr]
          van: "09:00"
          tot: "24:00"
""",
    "verzonnen-ontmoetingsgroep-urk.yaml": """\
naam: Verzonnen Ontmoetingsgroep Urk
beschrijving: Een verzonnen groep waar mantelzorgers op Urk elkaar ontmoeten.
gegevens: onvolledig
laatst_gecontroleerd: 2026-11-01
gecontroleerd_door: Testredactie
diensten:
  - id: ontmoeting
    naam: Verzonnen ontmoetingsavond
    beschrijving: Een verzonnen avond waar mantelzorgers elkaar ontmoeten en ervaringen delen.
    status: inactief
    categorieen: [lotgenotencontact]
    werkgebied: [GM0184]
""",
}
LELYSTAD = "Verzonnen Steunpunt Lelystad"
ALMERE = "Verzonnen Mantelzorgpunt Almere"
PROVINCIE = "Verzonnen Provinciale Mantelzorglijn"
URK = "Verzonnen Ontmoetingsgroep Urk"


def make_kaart(tmp_path: Path) -> SocialeKaart:
    root = tmp_path / "sociale_kaart"
    shutil.copytree(ROOT / "sociale_kaart" / "taxonomie", root / "taxonomie")
    shutil.copytree(
        ROOT / "tests" / "fixtures" / "kaart" / "basis" / "organisaties", root / "organisaties"
    )
    for name, text in EXTRA.items():
        (root / "organisaties" / name).write_text(text, "utf-8")
    problems = Problems()
    kaart = load_kaart(root, problems, today=TODAY)
    assert not len(problems), "\n".join(p.format() for p in problems)
    assert len(kaart.organisations) == 4
    return kaart


@pytest.fixture
def kaart(tmp_path) -> SocialeKaart:
    return make_kaart(tmp_path / "kaart")


@cache
def hsds_validator() -> Draft202012Validator:
    schema = json.loads((HSDS / "schema" / "compiled" / "organization.json").read_text("utf-8"))
    # The compiled HSDS 3.0 schemas carry no $schema; the specification is written in draft
    # 2020-12, so that is the fallback. A $schema in a later copy would pick its own draft.
    cls = validator_for(schema, default=Draft202012Validator)
    cls.check_schema(schema)
    # Format checks run offline. jsonschema checks uuid, email and date itself; `uri` needs an
    # optional package we do not install, so a small standard-library check stands in for it.
    checker = FormatChecker(cls.FORMAT_CHECKER.checkers)

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and (parts.netloc or parts.path)) and " " not in value

    return cls(schema, format_checker=checker)


def validation_errors(organization: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in hsds_validator().iter_errors(organization)
    ]


def all_ids(value: object) -> list[str]:
    """Every `id` and `*_id` anywhere in an exported object."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if (key == "id" or key.endswith("_id")) and isinstance(item, str):
                found.append(item)
            else:
                found += all_ids(item)
    elif isinstance(value, list):
        for item in value:
            found += all_ids(item)
    return found


def all_strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in all_strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in all_strings(item)]
    return [value] if isinstance(value, str) else []


def by_name(organizations: list[dict]) -> dict[str, dict]:
    return {org["name"]: org for org in organizations}


def read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte order mark"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_every_exported_organization_is_valid_hsds_3(kaart):
    organizations = hsds_organizations(kaart, SITE_URL)
    assert len(organizations) == 4
    for organization in organizations:
        assert validation_errors(organization) == [], organization["name"]


def test_the_hsds_check_catches_a_wrong_organization(kaart):
    # The validator really checks formats and enums, so the test above can fail.
    organization = hsds_organizations(kaart, SITE_URL)[0]
    organization["id"] = "steunpunt-1"
    organization["services"][0]["status"] = "actief"
    organization["website"] = "niet een adres"
    errors = " ".join(validation_errors(organization))
    assert "'steunpunt-1' is not a 'uuid'" in errors
    assert "'actief' is not one of" in errors
    assert "is not a 'uri'" in errors


def test_hsds_export_carries_the_facts_from_the_yaml(kaart):
    organizations = by_name(hsds_organizations(kaart, SITE_URL))
    almere = organizations[ALMERE]
    assert almere["uri"] == f"{SITE_URL}sociale-kaart/organisatie/verzonnen-mantelzorgpunt-almere/"
    assert almere["website"] == "https://verzonnen-mantelzorgpunt.example"
    advies, cursus = almere["services"]
    assert advies["status"] == "active"
    assert cursus["status"] == "temporarily closed"
    assert organizations[URK]["services"][0]["status"] == "inactive"
    assert advies["assured_date"] == "2026-09-15"
    assert advies["application_process"] == "Bel of mail, dan maken we een afspraak."
    assert advies["fees_description"] == "Gratis"
    assert cursus["fees_description"] == "Eigen bijdrage: € 10 voor het cursusboek."
    assert advies["phones"][0]["number"] == "+31320654201"
    assert [area["name"] for area in advies["service_areas"]] == ["Almere"]
    terms = {(a["link_type"], a["taxonomy_term"]["code"]) for a in advies["attributes"]}
    assert terms == {
        ("categorie", "steunpunt-mantelzorg"),
        ("categorie", "informatie-en-advies"),
        ("doelgroep", "mantelzorgers"),
        ("doelgroep", "werkende-mantelzorgers"),
        ("toegang", "vrij-toegankelijk"),
        ("kosten", "gratis"),
    }
    office, online = (sal["location"] for sal in advies["service_at_locations"])
    assert office["location_type"] == "physical"
    assert office["latitude"] == 52.3702 and office["longitude"] == 5.2141
    assert office["addresses"] == [
        {
            "id": office["addresses"][0]["id"],
            "location_id": office["id"],
            "address_1": "Verzonnenplein 12",
            "city": "Almere",
            "region": "Almere",
            "postal_code": "1315 AB",
            "state_province": "Flevoland",
            "country": "NL",
            "address_type": "physical",
        }
    ]
    assert [a["description"] for a in office["accessibility"]] == [
        "Lift",
        "Toegankelijk toilet",
        "Toelichting op de toegankelijkheid",
    ]
    weekly, monthly = office["schedules"]
    assert (weekly["freq"], weekly["byday"], weekly["opens_at"]) == ("WEEKLY", "TU,TH", "13:00")
    assert (monthly["freq"], monthly["byday"]) == ("MONTHLY", "1SA")
    assert weekly["location_id"] == office["id"]
    assert online == {
        "id": online["id"],
        "organization_id": almere["id"],
        "location_type": "virtual",
        "url": "https://verzonnen-mantelzorgpunt.example/chat",
    }
    line = organizations[PROVINCIE]["services"][0]
    assert line["schedules"][0]["closes_at"] == "23:59"
    assert line["schedules"][0]["service_id"] == line["id"]


def test_unknown_facts_are_left_out_not_written_empty(kaart):
    urk = by_name(hsds_organizations(kaart, SITE_URL))[URK]
    assert set(urk) == {"id", "name", "description", "uri", "services"}
    service = urk["services"][0]
    for missing in ("url", "email", "phones", "schedules", "service_at_locations"):
        assert missing not in service
    assert "" not in all_strings(hsds_organizations(kaart, SITE_URL))


def test_ids_are_uuids_and_stay_the_same_across_runs(tmp_path):
    first = hsds_organizations(make_kaart(tmp_path / "een"), SITE_URL)
    second = hsds_organizations(make_kaart(tmp_path / "twee"), SITE_URL)
    assert first == second
    ids = all_ids(first)
    assert len(ids) > 50
    for value in ids:
        assert str(uuid.UUID(value)) == value
    # Each object has its own id; a location repeats only where a service points to it.
    own_ids = [org["id"] for org in first]
    own_ids += [svc["id"] for org in first for svc in org["services"]]
    own_ids += [loc["id"] for org in first for loc in org.get("locations", [])]
    assert len(own_ids) == len(set(own_ids))


def test_csv_has_one_row_per_service_with_dutch_columns(kaart, tmp_path):
    write_open_data(kaart, tmp_path / "site", SITE_URL)
    rows = read_csv(tmp_path / "site" / "open-data" / "sociale-kaart-flevoland.csv")
    assert list(rows[0]) == list(CSV_COLUMNS)
    for column in (
        "organisatie",
        "dienst",
        "beschrijving",
        "categorieen",
        "doelgroepen",
        "gemeenten",
        "toegang",
        "kosten",
        "website",
        "email",
        "telefoon",
        "adres",
        "postcode",
        "plaats",
        "breedte",
        "lengte",
        "laatst_gecontroleerd",
        "pagina",
        "organisatie_id",
        "dienst_id",
    ):
        assert column in CSV_COLUMNS
    services = sum(len(org.diensten) for org in kaart.organisations)
    assert len(rows) == services == 5
    assert len({row["dienst_id"] for row in rows}) == services
    cursus = next(row for row in rows if row["dienst"] == 'Verzonnen cursus "Zorgen én werken"')
    assert cursus["kosten_toelichting"] == "€ 10 voor het cursusboek."
    advies = next(row for row in rows if row["dienst"] == "Verzonnen advies Almere")
    assert advies["categorieen"] == "Steunpunt mantelzorg; Informatie en advies"
    assert advies["gemeenten"] == "Almere"
    assert (advies["adres"], advies["postcode"], advies["plaats"]) == (
        "Verzonnenplein 12",
        "1315 AB",
        "Almere",
    )
    assert (advies["breedte"], advies["lengte"]) == ("52.3702", "5.2141")
    assert advies["telefoon"] == "+31320654201"
    line = next(row for row in rows if row["organisatie"] == PROVINCIE)
    assert line["gemeenten"] == "Flevoland"
    assert line["telefoon"] == "+31320654202"
    assert line["adres"] == line["breedte"] == ""
    urk = next(row for row in rows if row["organisatie"] == URK)
    assert urk["gegevens"] == "onvolledig"
    assert urk["pagina"] == f"{SITE_URL}sociale-kaart/organisatie/verzonnen-ontmoetingsgroep-urk/"


def test_geojson_has_only_located_places_longitude_first(kaart, tmp_path):
    write_open_data(kaart, tmp_path / "site", SITE_URL)
    path = tmp_path / "site" / "open-data" / "sociale-kaart-flevoland.geojson"
    collection = json.loads(path.read_text("utf-8"))
    assert collection["type"] == "FeatureCollection"
    located = [loc for org in kaart.organisations for loc in org.locaties if loc.lat is not None]
    assert len(collection["features"]) == len(located) == 2  # not the online location
    for feature in collection["features"]:
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        # Flevoland: longitude about 5-6 east, latitude about 52-53 north.
        assert 5 < lon < 6.1 and 52 < lat < 53
    almere = next(f for f in collection["features"] if f["properties"]["organisatie"] == ALMERE)
    assert almere["geometry"]["coordinates"] == [5.2141, 52.3702]
    assert almere["properties"]["diensten"] == ["Verzonnen advies Almere"]
    assert almere["properties"]["categorieen"] == ["Informatie en advies", "Steunpunt mantelzorg"]
    assert almere["properties"]["pagina"].endswith("/organisatie/verzonnen-mantelzorgpunt-almere/")


def test_each_gemeente_gets_its_own_organisations(kaart, tmp_path):
    paths = write_open_data(kaart, tmp_path / "site", SITE_URL)
    out = tmp_path / "site" / "open-data"
    expected = {
        out / f"{stem}{suffix}"
        for stem in ALL_STEMS
        for suffix in (".hsds.json", ".csv", ".geojson")
    }
    assert set(paths) == expected | {out / "LICENTIE.txt"}
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)

    def names(stem: str) -> set[str]:
        hsds = {org["name"] for org in json.loads((out / f"{stem}.hsds.json").read_text("utf-8"))}
        rows = {row["organisatie"] for row in read_csv(out / f"{stem}.csv")}
        assert rows == hsds, stem
        return hsds

    assert names("sociale-kaart-flevoland") == {LELYSTAD, ALMERE, PROVINCIE, URK}
    assert names("almere") == {ALMERE, PROVINCIE}
    assert names("lelystad") == {LELYSTAD, PROVINCIE}
    assert names("urk") == {URK, PROVINCIE}
    for stem in ("dronten", "noordoostpolder", "zeewolde"):
        assert names(stem) == {PROVINCIE}
    almere_map = json.loads((out / "almere.geojson").read_text("utf-8"))
    assert [f["properties"]["organisatie"] for f in almere_map["features"]] == [ALMERE]
    for stem in ALL_STEMS:
        for organization in json.loads((out / f"{stem}.hsds.json").read_text("utf-8")):
            assert validation_errors(organization) == []
    licence = (out / "LICENTIE.txt").read_text("utf-8")
    assert "CC BY 4.0" in licence
    assert "Mantelzorgacademie Flevoland – sociale kaart" in licence


def test_rebuilding_gives_byte_identical_files(tmp_path):
    first = write_open_data(make_kaart(tmp_path / "een"), tmp_path / "site-een", SITE_URL)
    second = write_open_data(make_kaart(tmp_path / "twee"), tmp_path / "site-twee", SITE_URL)
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    # Writing again over the same folder changes nothing either.
    before = {p.name: p.read_bytes() for p in first}
    write_open_data(make_kaart(tmp_path / "drie"), tmp_path / "site-een", SITE_URL)
    assert {p.name: p.read_bytes() for p in first} == before


def test_open_data_page_links_every_file_and_is_honest(kaart):
    body = open_data_markdown(kaart)
    assert not body.startswith("---")
    assert "CC BY 4.0" in body
    assert "https://creativecommons.org/licenses/by/4.0/deed.nl" in body
    assert "https://docs.openreferral.org/" in body
    assert "HSDS 3.0" in body
    for stem in ALL_STEMS:
        for suffix in (".hsds.json", ".csv", ".geojson"):
            assert f'<a href="../../open-data/{stem}{suffix}">' in body
    rows = {
        line.split("|")[1].strip(): line
        for line in body.splitlines()
        if line.startswith("| ") and "open-data" in line
    }
    assert list(rows) == [
        "Heel Flevoland",
        "Almere",
        "Dronten",
        "Lelystad",
        "Noordoostpolder",
        "Urk",
        "Zeewolde",
    ]
    assert rows["Heel Flevoland"].startswith("| Heel Flevoland | 4 | 5 |")
    assert rows["Almere"].startswith("| Almere | 2 | 3 |")
    assert rows["Zeewolde"].startswith("| Zeewolde | 1 | 1 |")
    assert "nog niet volledig" in body
    html = markdown.markdown(body, extensions=["tables"])
    assert '<td><a href="../../open-data/almere.csv">CSV</a></td>' in html
