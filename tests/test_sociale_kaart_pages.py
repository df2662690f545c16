"""Sociale-kaart pages in the portal: lists, organisation pages, JSON-LD, search data and embeds.

Everything is built from a fictional kaart: the taxonomies of the repository, the fictional entry
in tests/fixtures/kaart/basis and the fictional entries below. No real organisation appears.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from quiz_service import create_app
from site_builder.check import check
from sociale_kaart import hours
from sociale_kaart.embed import HOST_SCRIPT, MESSAGE_TYPE, snippet
from sociale_kaart.loader import one_year_before
from sociale_kaart.pages import page_paths
from tests.conftest import EDIT_URL, MKDOCS_YML, ROOT, SITE_URL, check_and_build
from tests.test_check import FIXTURES

REPO = "https://github.com/mantelzorgacademie-flevoland/portal"
TODAY = dt.date.today()

# Fictional entries: names start with 'Verzonnen', addresses end in .example, no phone numbers
# except the basis entry's 0320 123 456 (a fictional number that the fixture already uses).
ENTRIES: dict[str, dict] = {
    "verzonnen-respijthuis-dronten": {
        "naam": "Verzonnen Respijthuis Dronten",
        "beschrijving": "Een verzonnen logeerhuis en dagbesteding, zodat mantelzorgers even rust hebben.",
        "email": "info@verzonnen-respijthuis.example",
        "laatst_gecontroleerd": "2026-09-15",
        "gecontroleerd_door": "Testredactie",
        "bronnen": [{"title": "Verzonnen folder", "document": "Folder van het verzonnen huis"}],
        "locaties": [
            {
                "id": "huis",
                "naam": "Verzonnen logeerhuis",
                "soort": "fysiek",
                "adres": {"straat": "Verzonnenlaan 2", "postcode": "8251 AB", "plaats": "Dronten"},
                "gemeente": "GM0303",
                "toegankelijkheid": ["rolstoeltoegankelijk", "lift"],
                "openingstijden": {
                    "week": [
                        {"dagen": ["ma", "di", "wo", "do", "vr"], "van": "09:00", "tot": "17:00"},
                        {"dagen": ["za"], "van": "10:00", "tot": "12:00", "week_van_de_maand": 1},
                    ],
                    "uitzonderingen": [
                        {"datum": "2026-12-24", "gesloten": True, "omschrijving": "Kerstavond"}
                    ],
                },
            }
        ],
        "diensten": [
            {
                "id": "logeren",
                "naam": "Verzonnen logeren",
                "beschrijving": "Uw naaste logeert een weekend in het verzonnen huis.",
                "status": "actief",
                "categorieen": ["logeeropvang"],
                "doelgroepen": ["dementie"],
                "werkgebied": ["GM0303"],
                "locaties": ["huis"],
                "toegang": "wmo-maatwerk",
                "kosten": "eigen-bijdrage",
            },
            {
                "id": "dagbesteding",
                "naam": "Verzonnen dagbesteding",
                "beschrijving": "Overdag een verzonnen programma met koffie en wandelen.",
                "status": "tijdelijk-gesloten",
                "categorieen": ["dagbesteding"],
                "doelgroepen": ["ouderen"],
                "werkgebied": ["GM0303", "GM0995"],
                "toegang": "via-wijkteam",
                "kosten": "betaald",
            },
        ],
    },
    "verzonnen-lotgenoten-flevoland": {
        "naam": "Verzonnen Lotgenoten Flevoland",
        "beschrijving": "Verzonnen online groepen voor jonge mantelzorgers in heel Flevoland.",
        "website": "https://verzonnen-lotgenoten.example/groepen",
        "laatst_gecontroleerd": "2026-08-01",
        "gecontroleerd_door": "Testredactie",
        "locaties": [
            {"id": "online", "soort": "online", "url": "https://verzonnen-lotgenoten.example/chat"}
        ],
        "diensten": [
            {
                "id": "groep",
                "naam": "Verzonnen jongerengroep",
                "beschrijving": "Elke maand een verzonnen online groep voor jonge mantelzorgers.",
                "status": "actief",
                "categorieen": ["lotgenotencontact"],
                "doelgroepen": ["jonge-mantelzorgers"],
                "werkgebied": ["PV24"],
                "locaties": ["online"],
                "toegang": "vrij-toegankelijk",
                "kosten": "gratis",
            }
        ],
    },
    "verzonnen-onvolledig-urk": {
        "naam": "Verzonnen Cliëntondersteuning Urk",
        "beschrijving": "Een verzonnen cliëntondersteuner op Urk; we weten nog niet hoe u hen bereikt.",
        "gegevens": "onvolledig",
        "laatst_gecontroleerd": "2026-07-01",
        "gecontroleerd_door": "Testredactie",
        "diensten": [
            {
                "id": "ondersteuning",
                "naam": "Verzonnen ondersteuning",
                "beschrijving": "Een verzonnen onafhankelijke ondersteuner die met u meegaat.",
                "status": "actief",
                "categorieen": ["clientondersteuning"],
                "werkgebied": ["GM0184"],
            }
        ],
    },
    "verzonnen-gestopt-almere": {
        "naam": "Verzonnen Gestopt Almere",
        "beschrijving": "Een verzonnen organisatie waarvan de enige hulp is gestopt.",
        "website": "https://verzonnen-gestopt.example",
        "laatst_gecontroleerd": "2026-06-01",
        "gecontroleerd_door": "Testredactie",
        "diensten": [
            {
                "id": "oud",
                "naam": "Verzonnen oude hulp",
                "beschrijving": "Verzonnen hulp die niet meer bestaat, voor de test.",
                "status": "opgeheven",
                "categorieen": ["vrijwillige-hulp"],
                "werkgebied": ["GM0034"],
            }
        ],
    },
    "verzonnen-tekens-zeewolde": {
        "naam": "Verzonnen *Sterren* [Hulp] & Co",
        "beschrijving": "Verzonnen tekst met <script>alert(1)</script> en {: .klasse } erin, voor de test.",
        "website": "https://verzonnen-tekens.example",
        "laatst_gecontroleerd": "2026-05-01",
        "gecontroleerd_door": "Testredactie",
        "diensten": [
            {
                "id": "hulp",
                "naam": "Verzonnen _hulp_ # 1",
                "beschrijving": "Verzonnen vrijwillige hulp in Zeewolde, met rare tekens: <b>.",
                "status": "actief",
                "categorieen": ["vrijwillige-hulp"],
                "doelgroepen": ["mantelzorgers"],
                "werkgebied": ["GM0050"],
                "kosten": "gratis",
                "toegang": "vrij-toegankelijk",
            }
        ],
    },
}

SLUGS = ["verzonnen-steunpunt-lelystad", *ENTRIES]


def make_fictional_kaart(root: Path) -> Path:
    """A sociale_kaart folder at `root`: repository taxonomies, the basis entry and ENTRIES."""
    shutil.copytree(ROOT / "sociale_kaart" / "taxonomie", root / "taxonomie")
    shutil.copytree(FIXTURES / "kaart" / "basis" / "organisaties", root / "organisaties")
    for slug, data in ENTRIES.items():
        text = "# Verzonnen organisatie voor de tests: geen echte gegevens.\n"
        text += yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (root / "organisaties" / f"{slug}.yaml").write_text(text, "utf-8")
    return root


def build_fictional_site(work: Path) -> Path:
    """The fixture content plus the fictional kaart, checked and built into `work`/site."""
    content = work / "content"
    shutil.copytree(FIXTURES / "basis", content)
    kaart = make_fictional_kaart(work / "sociale_kaart")
    return check_and_build(content, work, kaart_dir=kaart)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_fictional_site(tmp_path_factory.mktemp("kaart"))


def html(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text("utf-8")


def article(page: str) -> str:
    """The page's own content, without header, menus and footer."""
    return page.split('<article class="md-content__inner', 1)[1].split("</article>", 1)[0]


def org_links(fragment: str) -> list[str]:
    """Slugs of the organisation pages a piece of HTML links to, in order, without repeats."""
    found = []
    for slug in re.findall(r'href="[^"]*organisatie/([a-z0-9-]+)/"', fragment):
        if slug not in found:
            found.append(slug)
    return found


def section(page: str, anchor: str) -> str:
    """The HTML from the heading with id `anchor` up to the next heading of the same level."""
    match = re.search(rf'<h(\d) id="{anchor}"', page)
    assert match, f"geen kop #{anchor}"
    rest = page[match.end() :]
    end = re.search(rf"<h[1-{match[1]}][ >]", rest)
    return rest[: end.start()] if end else rest


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._current = dict(attrs)
            self.scripts.append((self._current, ""))

    def handle_data(self, data):
        if self._current is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._current = None


def scripts(page: str) -> list[tuple[dict, str]]:
    parser = _Scripts()
    parser.feed(page)
    return parser.scripts


def json_ld(page: str) -> dict:
    blocks = [text for attrs, text in scripts(page) if attrs.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


# --- organisation pages -------------------------------------------------------------------------


def test_every_organisation_has_a_page(site):
    for slug in SLUGS:
        assert (site / "sociale-kaart" / "organisatie" / slug / "index.html").is_file(), slug


def test_organisation_pages_stay_out_of_the_menu(site):
    for path in ("", "sociale-kaart/organisatie/verzonnen-steunpunt-lelystad"):
        page = html(site, path)
        menu = page.split("md-sidebar--primary", 1)[1].split("md-sidebar--secondary", 1)[0]
        assert "Mantelzorg" in menu  # the menu is really there
        assert "organisatie/" not in menu
        assert "/gemeente/" not in menu and "/categorie/" not in menu
        tabs = page.split('class="md-tabs__list"', 1)[1].split("</ul>", 1)[0]
        assert "organisatie/" not in tabs


def test_an_organisation_page_shows_services_locations_hours_and_check_date(site):
    page = article(html(site, "sociale-kaart/organisatie/verzonnen-respijthuis-dronten"))
    assert "<h1" in page and "Verzonnen Respijthuis Dronten" in page
    for text in ("Verzonnen logeren", "Verzonnen dagbesteding", "Verzonnen logeerhuis"):
        assert text in page
    assert "Verzonnenlaan 2<br>8251 AB Dronten" in page
    assert "Rolstoeltoegankelijk, Lift" in page
    assert "Let op: deze hulp is tijdelijk gesloten." in page
    # The weekly table is the version without JavaScript.
    table = page.split("<table>", 1)[1].split("</table>", 1)[0]
    assert "<caption>Openingstijden van Verzonnen logeerhuis</caption>" in table
    assert '<th scope="row">Maandag</th><td>09:00–17:00</td>' in table
    assert '<th scope="row">Zondag</th><td>gesloten</td>' in table
    assert "1e zaterdag van de maand" in table
    assert "Gesloten op feestdagen" in page
    assert "Laatst gecontroleerd op 15 september 2026 door Testredactie." in page
    assert 'class="mza-gecontroleerd"' in page
    assert "Verzonnen folder" in page
    assert 'id="bronnen"' in page


def test_the_nu_open_data_matches_hours_py(site):
    page = html(site, "sociale-kaart/organisatie/verzonnen-respijthuis-dronten")
    raw = re.search(r'data-sk-open="([^"]+)"', page)[1].replace("&quot;", '"')
    data = json.loads(raw)
    intervals = data["open"]
    assert intervals == sorted(intervals)
    assert data["van"] <= intervals[0][0] and intervals[-1][1] <= data["tot"]
    covered = (data["tot"] - data["van"]) / 86_400_000
    assert 60 <= covered <= 63
    opening = hours.OpeningHours.from_data(
        ENTRIES["verzonnen-respijthuis-dronten"]["locaties"][0]["openingstijden"]
    )
    for start, end in intervals[:20]:
        middle = dt.datetime.fromtimestamp((start + end) / 2000, tz=dt.UTC)
        assert hours.status_at(opening, middle).state == "open"
        after = dt.datetime.fromtimestamp(end / 1000 + 60, tz=dt.UTC)
        assert hours.status_at(opening, after).state == "gesloten"
    # The script is loaded by src; the hidden line is filled in by it.
    assert any(a.get("src", "").endswith("assets/nu-open.js") for a, _text in scripts(page))


def test_a_page_for_an_incomplete_entry_says_so(site):
    page = article(html(site, "sociale-kaart/organisatie/verzonnen-onvolledig-urk"))
    assert "Nog niet alle gegevens bekend" in page
    assert "hoe u contact opneemt" in page
    assert "We weten nog geen telefoonnummer, e-mailadres of website." in page
    complete = article(html(site, "sociale-kaart/organisatie/verzonnen-steunpunt-lelystad"))
    assert "Nog niet alle gegevens bekend" not in complete


def test_the_editors_worklist_lists_incomplete_entries_with_an_edit_link(site):
    page = article(html(site, "sociale-kaart/te-controleren"))
    items = [item for item in page.split("<li>")[1:] if "organisatie/" in item]
    listed = {slug for slug in SLUGS if any(f"organisatie/{slug}/" in item for item in items)}
    assert "verzonnen-onvolledig-urk" in listed
    # The complete entry was checked on 2026-10-01: listed only once that is over a year ago.
    stale = dt.date(2026, 10, 1) < one_year_before(dt.date.today())
    assert ("verzonnen-steunpunt-lelystad" in listed) == stale
    urk = next(item for item in items if "verzonnen-onvolledig-urk" in item)
    assert "ontbreekt: telefoon, e-mail of website" in urk
    assert "verzonnen-onvolledig-urk.yaml" in urk


def test_meld_een_fout_opens_a_prefilled_issue_and_edit_goes_to_the_yaml(site):
    page = html(site, "sociale-kaart/organisatie/verzonnen-steunpunt-lelystad")
    href = re.search(r'<a [^>]*href="([^"]+)"[^>]*>Meld een fout</a>', page)[1].replace(
        "&amp;", "&"
    )
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{REPO}/issues/new"
    query = parse_qs(parts.query)
    assert query["title"] == ["Fout op de sociale kaart: Verzonnen Steunpunt Lelystad"]
    assert "sociale_kaart/organisaties/verzonnen-steunpunt-lelystad.yaml" in query["body"][0]
    assert f"{SITE_URL}sociale-kaart/organisatie/verzonnen-steunpunt-lelystad/" in query["body"][0]
    edit = re.search(r'<a href="([^"]+)" class="mza-edit"', page)[1]
    assert edit == f"{REPO}/edit/main/sociale_kaart/organisaties/verzonnen-steunpunt-lelystad.yaml"


def test_list_pages_have_no_edit_button(site):
    # They have no source file of their own; a button would lead to a missing file.
    for path in ("sociale-kaart/overzicht", "sociale-kaart/gemeente/lelystad"):
        assert 'class="mza-edit"' not in html(site, path)


def test_text_from_the_yaml_cannot_add_markup(site):
    page = article(html(site, "sociale-kaart/organisatie/verzonnen-tekens-zeewolde"))
    assert "<h1" in page and "Verzonnen *Sterren* [Hulp] &amp; Co</h1>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert 'class="klasse"' not in page
    assert ">Verzonnen _hulp_ # 1</h3>" in page


def test_generated_pages_only_have_json_ld_and_scripts_by_src(site):
    for path in (site / "sociale-kaart").rglob("index.html"):
        for attrs, text in scripts(article(path.read_text("utf-8"))):
            if attrs.get("type") == "application/ld+json":
                json.loads(text)
            else:
                assert attrs.get("src") and not text.strip(), (path, attrs)


# --- JSON-LD ------------------------------------------------------------------------------------

# Every property the JSON-LD may use, per type: nothing outside this list may appear.
ALLOWED = {
    "WebPage": {"@type", "@id", "url", "name", "inLanguage", "lastReviewed", "about"},
    "Organization": {
        "@type", "@id", "name", "description", "url", "email", "telephone", "location",
        "mainEntityOfPage",
    },
    "Place": {
        "@type", "@id", "name", "address", "geo", "url", "openingHoursSpecification",
        "amenityFeature",
    },
    "Service": {
        "@type", "@id", "name", "description", "provider", "serviceType", "areaServed",
        "audience", "availableChannel", "hoursAvailable", "offers",
    },
}  # fmt: skip


def test_json_ld_describes_the_organisation_without_invented_fields(site):
    for slug in SLUGS:
        data = json_ld(html(site, f"sociale-kaart/organisatie/{slug}"))
        assert data["@context"] == "https://schema.org"
        nodes = {node["@type"]: node for node in data["@graph"]}
        assert "Organization" in nodes, slug
        for node in data["@graph"]:
            assert set(node) <= ALLOWED[node["@type"]], (slug, set(node) - ALLOWED[node["@type"]])
        org = nodes["Organization"]
        assert org["@id"] == f"{SITE_URL}sociale-kaart/organisatie/{slug}/#organisatie"


def test_json_ld_values_come_from_the_yaml(site):
    data = json_ld(html(site, "sociale-kaart/organisatie/verzonnen-steunpunt-lelystad"))
    org, place, service = (
        next(n for n in data["@graph"] if n["@type"] == kind)
        for kind in ("Organization", "Place", "Service")
    )
    assert org["name"] == "Verzonnen Steunpunt Lelystad"
    assert org["url"] == "https://verzonnen-steunpunt.example"
    assert org["telephone"] == "+31320123456"
    assert "email" not in org  # the YAML has none
    assert place["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Verzonnenstraat 1",
        "postalCode": "8232 AB",
        "addressLocality": "Lelystad",
        "addressRegion": "Flevoland",
        "addressCountry": "NL",
    }
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 52.51, "longitude": 5.47}
    assert place["openingHoursSpecification"][0]["opens"] == "09:00"
    assert place["amenityFeature"][0]["name"] == "Rolstoeltoegankelijk"
    assert service["provider"] == {"@id": org["@id"]}
    assert service["areaServed"] == {
        "@type": "AdministrativeArea",
        "name": "Lelystad",
        "identifier": "GM0995",
    }
    assert service["offers"] == {"@type": "Offer", "price": 0, "priceCurrency": "EUR"}


def test_json_ld_of_an_incomplete_entry_has_no_contact_or_address(site):
    data = json_ld(html(site, "sociale-kaart/organisatie/verzonnen-onvolledig-urk"))
    org = next(n for n in data["@graph"] if n["@type"] == "Organization")
    assert not {"url", "email", "telephone", "location"} & set(org)
    assert not [n for n in data["@graph"] if n["@type"] == "Place"]


def test_json_ld_leaves_out_stopped_services(site):
    data = json_ld(html(site, "sociale-kaart/organisatie/verzonnen-gestopt-almere"))
    assert not [n for n in data["@graph"] if n["@type"] == "Service"]


# --- lists --------------------------------------------------------------------------------------


def test_gemeente_pages_list_the_right_organisations(site):
    lelystad = article(html(site, "sociale-kaart/gemeente/lelystad"))
    assert sorted(org_links(lelystad)) == [
        "verzonnen-lotgenoten-flevoland",  # heel Flevoland
        "verzonnen-respijthuis-dronten",  # its dagbesteding also serves Lelystad
        "verzonnen-steunpunt-lelystad",
    ]
    assert org_links(section(lelystad, "dagbesteding")) == ["verzonnen-respijthuis-dronten"]
    assert org_links(section(lelystad, "steunpunt-mantelzorg")) == ["verzonnen-steunpunt-lelystad"]
    urk = article(html(site, "sociale-kaart/gemeente/urk"))
    assert sorted(org_links(urk)) == ["verzonnen-lotgenoten-flevoland", "verzonnen-onvolledig-urk"]
    # A service that stopped is not listed; the organisation has nothing else.
    almere = article(html(site, "sociale-kaart/gemeente/almere"))
    assert org_links(almere) == ["verzonnen-lotgenoten-flevoland"]


def test_categorie_pages_list_the_right_organisations_per_gemeente(site):
    # Logeeropvang is a kind of respijtzorg, so it is listed there too.
    respijt = article(html(site, "sociale-kaart/categorie/respijtzorg"))
    assert org_links(respijt) == ["verzonnen-respijthuis-dronten"]
    assert org_links(section(respijt, "dronten")) == ["verzonnen-respijthuis-dronten"]
    lotgenoten = article(html(site, "sociale-kaart/categorie/lotgenotencontact"))
    assert org_links(section(lotgenoten, "heel-flevoland")) == ["verzonnen-lotgenoten-flevoland"]
    assert 'id="lelystad"' not in lotgenoten  # shown once, under heel Flevoland
    hulp = article(html(site, "sociale-kaart/categorie/vrijwillige-hulp"))
    assert org_links(hulp) == ["verzonnen-tekens-zeewolde"]
    empty = article(html(site, "sociale-kaart/categorie/thuiszorg"))
    assert org_links(empty) == []
    assert "Er staan nog geen organisaties" in empty


def test_the_overview_links_every_list_and_every_listed_organisation(site):
    page = article(html(site, "sociale-kaart/overzicht"))
    for name in ("almere", "dronten", "lelystad", "noordoostpolder", "urk", "zeewolde"):
        assert f'href="../gemeente/{name}/"' in page
    assert 'href="../categorie/respijtzorg/"' in page
    listed = org_links(section(page, "alle-organisaties"))
    assert sorted(listed) == sorted(s for s in SLUGS if s != "verzonnen-gestopt-almere")
    # The search form waits for JavaScript; the lists above work without it.
    assert re.search(r'<div class="sk-zoeker"[^>]*\bhidden\b', page)
    assert any(a.get("src", "").endswith("assets/zoeken.js") for a, _t in scripts(page))


def test_per_gemeente_search_data_is_small_and_complete(site):
    for name in ("almere", "dronten", "lelystad", "noordoostpolder", "urk", "zeewolde"):
        path = site / "sociale-kaart" / "gegevens" / f"{name}.json"
        data = json.loads(path.read_text("utf-8"))
        assert data["gemeente"] == name
        size = path.stat().st_size
        assert size < 600 + 700 * len(data["organisaties"]), (name, size)
    dronten = json.loads((site / "sociale-kaart/gegevens/dronten.json").read_text("utf-8"))
    [huis] = [o for o in dronten["organisaties"] if "respijthuis" in o["pagina"]]
    assert huis["pagina"] == "sociale-kaart/organisatie/verzonnen-respijthuis-dronten/"
    logeren = huis["diensten"][0]
    assert logeren["categorieen"] == ["logeeropvang"] and logeren["filter"] == ["respijtzorg"]
    assert logeren["kosten"] == "eigen-bijdrage" and logeren["toegang"] == "wmo-maatwerk"
    # Only what the filters need: no contact details or addresses.
    text = (site / "sociale-kaart/gegevens/dronten.json").read_text("utf-8")
    assert "@" not in text and "Verzonnenlaan" not in text


def test_search_data_stays_small_for_a_large_kaart(tmp_path):
    """500 generated organisations: one gemeente's file stays well under what a phone loads."""
    from benchmarks.fictional_kaart import generate
    from site_builder.problems import Problems
    from sociale_kaart.loader import load_kaart
    from sociale_kaart.pages import Context, gemeente_data

    root = generate(ROOT / "sociale_kaart" / "taxonomie", tmp_path / "kaart", 500)
    problems = Problems()
    kaart = load_kaart(root, problems)
    assert not problems
    ctx = Context(kaart, SITE_URL, EDIT_URL, TODAY)
    sizes = [
        len(json.dumps(gemeente_data(ctx, code), ensure_ascii=False, separators=(",", ":")))
        for code in kaart.taxonomies.gemeenten
    ]
    assert max(sizes) < 150_000, sizes


# --- checks and paths ---------------------------------------------------------------------------


def test_page_paths_are_exactly_the_generated_pages(site):
    docs = site.parent / "build" / "docs"
    generated = {
        p.relative_to(docs).as_posix()
        for p in (docs / "sociale-kaart").rglob("*.md")
        if p.name != "index.md"
    }
    kaart_dir = site.parent / "sociale_kaart"
    content = site.parent / "content"
    checked, problems = check(content, MKDOCS_YML, kaart_dir=kaart_dir)
    assert not problems
    assert generated == set(page_paths(checked.kaart))


def test_content_pages_may_link_to_generated_pages(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "basis", content)
    kaart = make_fictional_kaart(tmp_path / "sociale_kaart")
    index = content / "index.md"
    index.write_text(
        index.read_text("utf-8")
        + "\nZie [het overzicht](sociale-kaart/overzicht.md), [Urk](sociale-kaart/gemeente/urk.md)"
        " en [een organisatie](sociale-kaart/organisatie/verzonnen-onvolledig-urk.md).\n",
        "utf-8",
    )
    _site, problems = check(content, MKDOCS_YML, kaart_dir=kaart)
    assert [p.format() for p in problems] == []
    # Without a kaart those pages do not exist, and the checker says so.
    _site, problems = check(content, MKDOCS_YML)
    assert len(problems) == 3


def test_a_content_page_on_a_generated_path_is_reported(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "basis", content)
    kaart = make_fictional_kaart(tmp_path / "sociale_kaart")
    (content / "sociale-kaart").mkdir()
    shutil.copy(
        FIXTURES / "basis" / "over" / "privacy.md", content / "sociale-kaart" / "overzicht.md"
    )
    _site, problems = check(content, MKDOCS_YML, kaart_dir=kaart)
    lines = [p.format() for p in problems]
    assert any(
        "sociale-kaart/overzicht.md:1:1: de sociale kaart maakt zelf al een pagina" in line
        for line in lines
    ), lines


# --- embed --------------------------------------------------------------------------------------


def test_embed_pages_exist_per_gemeente_and_categorie(site):
    page = (site / "embed/sociale-kaart/lelystad/index.html").read_text("utf-8")
    assert '<html lang="nl">' in page
    assert "md-header" not in page  # no portal chrome
    assert org_links(page) == [
        "verzonnen-lotgenoten-flevoland",
        "verzonnen-respijthuis-dronten",
        "verzonnen-steunpunt-lelystad",
    ]
    assert MESSAGE_TYPE in page
    assert (site / "embed/sociale-kaart/lelystad/respijtzorg/index.html").is_file()
    assert (site / HOST_SCRIPT).is_file()
    for name in ("embed.css", "embed.js"):
        assert (site / "embed/sociale-kaart" / name).is_file()


def test_a_categorie_embed_holds_only_that_categorie(site):
    page = (site / "embed/sociale-kaart/lelystad/dagbesteding/index.html").read_text("utf-8")
    assert org_links(page) == ["verzonnen-respijthuis-dronten"]
    assert "Verzonnen logeren" not in page  # the organisation's other service is elsewhere
    assert "1 organisatie<" in page
    # Every categorie of the gemeente can still be chosen (links without JavaScript).
    nav = page.split("data-sk-soorten>", 1)[1].split("</nav>", 1)[0]
    assert "embed/sociale-kaart/lelystad/steunpunt-mantelzorg/" in nav
    assert 'embed/sociale-kaart/lelystad/">Alle hulp' in nav


def test_the_embed_help_page_has_a_ready_snippet_per_gemeente(site):
    from site_builder.problems import Problems
    from sociale_kaart.loader import load_kaart

    kaart = load_kaart(site.parent / "sociale_kaart", Problems())
    page = article(html(site, "sociale-kaart/insluiten"))
    for code in kaart.taxonomies.gemeenten:
        code_html = snippet(kaart, SITE_URL, code)
        escaped = (
            code_html.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
        )
        assert escaped in page or code_html.replace("<", "&lt;").replace(">", "&gt;") in page
    assert f"{SITE_URL}embed/sociale-kaart/lelystad/" in page
    assert f"{SITE_URL}{HOST_SCRIPT}" in page


def test_embed_pages_may_be_framed_by_other_sites_and_the_rest_may_not(site):
    client = create_app({"TESTING": True, "SITE_DIR": str(site)}).test_client()
    with client.get("/embed/sociale-kaart/lelystad/") as embed:
        assert embed.status_code == 200
        assert "X-Frame-Options" not in embed.headers
        assert embed.headers["Content-Security-Policy"].endswith("; frame-ancestors *")
        assert "Set-Cookie" not in embed.headers
    with client.get("/sociale-kaart/overzicht/") as portal:
        assert portal.headers["X-Frame-Options"] == "SAMEORIGIN"
