"""The portal pages of the sociale kaart, written as Markdown into the docs tree before MkDocs runs.

What is generated (all paths below the docs root; see `page_paths`):

- sociale-kaart/overzicht.md: every organisation, links to the lists below, and a search form
  that only appears with JavaScript (it reads one small JSON file per gemeente);
- sociale-kaart/gemeente/<gemeente>.md: per gemeente, the organisations grouped by categorie;
- sociale-kaart/categorie/<code>.md: per categorie, the organisations grouped by gemeente;
- sociale-kaart/organisatie/<slug>.md: one page per organisation, with JSON-LD;
- sociale-kaart/insluiten.md: the copy-paste code for gemeenten (see embed.py);
- sociale-kaart/open-data.md: the open-data page (its text comes from export.py);
- sociale-kaart/gegevens/<gemeente>.json and sociale-kaart/assets/: data, scripts and CSS for
  the search form, the "nu open" line and the embed code maker.

The item pages live one folder deeper than the section's own pages, so nav.py never puts them in
the menu. Links between Markdown pages are Markdown links, so `mkdocs build --strict` checks them.
Free text from the YAML is escaped: an organisation's description can never add markup.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal
from urllib.parse import quote, urlencode, urlsplit

from babel.dates import format_date

from site_builder.yamlfile import dump_yaml

from . import hours
from .model import Location, Organisation, Service, SocialeKaart

SECTION = "sociale-kaart"
OVERVIEW = f"{SECTION}/overzicht.md"
EMBED_HELP = f"{SECTION}/insluiten.md"
OPEN_DATA = f"{SECTION}/open-data.md"
TO_CHECK = f"{SECTION}/te-controleren.md"
DATA_DIR = f"{SECTION}/gegevens"
ASSET_DIR = f"{SECTION}/assets"
PROVINCE = "PV24"
# Services that help people today; inactive and closed-down services stay on the organisation's
# page (so a visitor learns they stopped) but not in lists, filters or structured data.
LISTED = ("actief", "tijdelijk-gesloten")
# How far ahead the "nu open" data on a page reaches. The site is rebuilt far more often; past
# this date the script shows nothing and the weekly table remains.
OPEN_DAYS_AHEAD = 60
# Up to this many organisations the overview also lists them all (the version without
# JavaScript); beyond it the page would grow past what a phone loads comfortably, and the lists
# per gemeente and per categorie do that job.
FULL_LIST_MAX = 300
DESCRIPTION_MAX = 160
SUMMARY_MAX = 220
LAST_CHECKED_CLASS = "{ .mza-gecontroleerd }"
ISSUE_SOURCE = "sociale_kaart/organisaties"


# --- names and paths ---------------------------------------------------------------------------


def slugify(text: str) -> str:
    """'Noordoostpolder' → 'noordoostpolder'; the same rule as the open-data file names."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.casefold()).strip("-")


def gemeente_slug(kaart: SocialeKaart, code: str) -> str:
    return slugify(kaart.taxonomies.name("gemeenten", code))


def org_page(slug: str) -> str:
    return f"{SECTION}/organisatie/{slug}.md"


def gemeente_page(kaart: SocialeKaart, code: str) -> str:
    return f"{SECTION}/gemeente/{gemeente_slug(kaart, code)}.md"


def categorie_page(code: str) -> str:
    return f"{SECTION}/categorie/{code}.md"


def data_file(kaart: SocialeKaart, code: str) -> str:
    return f"{DATA_DIR}/{gemeente_slug(kaart, code)}.json"


def page_paths(kaart: SocialeKaart) -> list[str]:
    """Every Markdown page `write_pages` writes, relative to the docs root.

    site_builder.check treats these as existing files, so content pages may link to them.
    """
    paths = [OVERVIEW, EMBED_HELP, OPEN_DATA, TO_CHECK]
    paths += [gemeente_page(kaart, code) for code in gemeenten(kaart)]
    paths += [categorie_page(code) for code in kaart.taxonomies["categorie"]]
    paths += [org_page(org.slug) for org in kaart.organisations]
    return paths


def url_of(rel: str) -> str:
    """The URL path MkDocs gives a Markdown file (directory URLs), e.g. 'a/b.md' → 'a/b/'."""
    stem = rel.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("index") if stem.endswith("/index") else stem + "/"


def link(from_rel: str, to_rel: str) -> str:
    """A relative Markdown link target between two docs files, as MkDocs expects it.

    The same as posixpath.relpath(to_rel, dirname(from_rel)) for the plain relative paths used
    here (no '.', '..' or leading '/'), without asking the operating system for the working
    directory: the lists of 10,000 organisations make over 100,000 links.
    """
    start = [part for part in posixpath.dirname(from_rel).split("/") if part]
    target = [part for part in to_rel.split("/") if part]
    common = 0
    for a, b in zip(start, target, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


def to_root(from_rel: str) -> str:
    """From the rendered page of `from_rel` back to the site root, for raw HTML (not rewritten)."""
    depth = url_of(from_rel).count("/")
    return "../" * depth


# --- selections ---------------------------------------------------------------------------------


def gemeenten(kaart: SocialeKaart) -> list[str]:
    """The six gemeente codes, by name."""
    items = kaart.taxonomies.gemeenten.items()
    return [code for code, _term in sorted(items, key=lambda item: item[1].naam)]


def _by_name(orgs: Iterable[Organisation]) -> list[Organisation]:
    return sorted(orgs, key=lambda org: (org.naam.casefold(), org.slug))


def listed_services(org: Organisation) -> list[Service]:
    return [service for service in org.diensten if service.status in LISTED]


def serves(
    org: Organisation, service: Service, code: str, places: dict[str, str | None] | None = None
) -> bool:
    """Does `service` help people in gemeente `code` (its area, the province, or a location)?"""
    if code in service.werkgebied or PROVINCE in service.werkgebied:
        return True
    if places is None:
        places = {loc.slug: loc.gemeente for loc in org.locaties}
    return any(places.get(ref) == code for ref in service.locaties)


def services_in(org: Organisation, code: str) -> list[Service]:
    places = {loc.slug: loc.gemeente for loc in org.locaties}
    return [s for s in listed_services(org) if serves(org, s, code, places)]


def categories_with_parents(kaart: SocialeKaart, codes: Iterable[str]) -> list[str]:
    """A service in 'logeeropvang' also shows up under its parent 'respijtzorg'."""
    terms = kaart.taxonomies["categorie"]
    found: list[str] = []
    for code in codes:
        seen = 0
        while code and code not in found and seen < 10:
            found.append(code)
            code = terms[code].ouder if code in terms else None
            seen += 1
    return found


def in_categorie(kaart: SocialeKaart, service: Service, code: str) -> bool:
    return code in categories_with_parents(kaart, service.categorieen)


def organisations_in(kaart: SocialeKaart, code: str) -> list[tuple[Organisation, list[Service]]]:
    """Organisations with at least one listed service for gemeente `code`, by name."""
    found = []
    for org in _by_name(kaart.organisations):
        services = services_in(org, code)
        if services:
            found.append((org, services))
    return found


def place_names(org: Organisation) -> list[str]:
    names = []
    for loc in org.locaties:
        if loc.plaats and loc.plaats not in names:
            names.append(loc.plaats)
    return names


# --- text helpers -------------------------------------------------------------------------------

# The characters Python-Markdown lets a backslash escape; with them escaped, text from the YAML
# cannot become emphasis, a link, a heading or an attribute list ({ .class }).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>])")


def one_line(text: str) -> str:
    return " ".join(text.split())


# Cached: names of organisations, categories and places come back on every list they are in.
@lru_cache(maxsize=1 << 16)
def md(text: str) -> str:
    """Plain text, safe inside a Markdown paragraph, list item or heading."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line(text), quote=False))


def h(text: str) -> str:
    """Plain text, safe inside raw HTML (element content or a quoted attribute)."""
    return html.escape(one_line(text), quote=True)


def url_target(url: str) -> str:
    """An external URL as a Markdown link target: <…> with the few characters that break it encoded."""
    return "<" + quote(url, safe=":/?#[]@!$&'*+,;=%~") + ">"


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word, with '…' when cut."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


def dutch_date(day: dt.date) -> str:
    return format_date(day, format="long", locale="nl")


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} en {parts[-1]}"


def _count(number: int, one: str, more: str) -> str:
    return f"{number} {one if number == 1 else more}"


def front_matter(meta: dict) -> str:
    # Generated pages stay out of the theme's in-browser search index: their lists grow with the
    # kaart (5,000 organisations made the index megabytes, fetched on every page). The overview
    # has its own search over small per-gemeente files.
    meta = {**meta, "search": {"exclude": True}}
    return "---\n" + dump_yaml(meta) + "---\n\n"


def script_tag(src: str) -> str:
    # Scripts only by src (never inline): the pages stay valid for a strict Content-Security-Policy.
    return f'<script src="{h(src)}" defer></script>'


def style_tag(rel: str) -> str:
    """The kaart's small stylesheet (form fields, the 'nu open' line), for the page at `rel`.

    A <link> in the body is valid HTML for a stylesheet; it keeps the theme's CSS untouched.
    """
    return f'<link rel="stylesheet" href="{h(to_root(rel) + ASSET_DIR)}/kaart.css">'


# --- links to the repository ("Meld een fout", edit button) ------------------------------------

_GITHUB_EDIT = re.compile(r"^https://github\.com/([^/]+)/([^/]+)/edit/([^/]+)/")


def repository_links(edit_url: str) -> tuple[str | None, str | None]:
    """(GitHub repository URL, base of YAML edit links), from the MZA_EDIT_URL setting.

    MZA_EDIT_URL looks like https://github.com/<eigenaar>/<repo>/edit/<tak>/content/. We have no
    e-mail address for corrections and may not invent one, so a correction goes to the
    repository: a new issue with title and text filled in (anyone with a GitHub account can
    file it), and editors get an edit link to the organisation's YAML file. Another host than
    GitHub gives (None, None), and the page then only names the file to change.
    """
    match = _GITHUB_EDIT.match(edit_url or "")
    if not match:
        return None, None
    owner, repo, branch = match.groups()
    base = f"https://github.com/{owner}/{repo}"
    return base, f"{base}/edit/{branch}/{ISSUE_SOURCE}/"


def issue_url(repo_url: str, org: Organisation, page_url: str) -> str:
    title = f"Fout op de sociale kaart: {org.naam}"
    body = (
        f"Pagina: {page_url}\n"
        f"Bestand: {ISSUE_SOURCE}/{org.slug}.yaml\n\n"
        "Wat klopt er niet?\n\n\n"
        "Wat moet het zijn? Noem als het kan een bron, bijvoorbeeld de website van de "
        "organisatie.\n"
    )
    return f"{repo_url}/issues/new?" + urlencode({"title": title, "body": body}, quote_via=quote)


# --- context ------------------------------------------------------------------------------------


@dataclass
class Context:
    kaart: SocialeKaart
    site_url: str
    edit_url: str
    today: dt.date
    # The selections below are asked for again and again (per gemeente, per categorie, per
    # embed page); with 10,000 organisations working them out each time took minutes. The
    # kaart does not change while one Context writes, so each answer is kept.
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def absolute(self, rel: str) -> str:
        return self.site_url.rstrip("/") + "/" + url_of(rel)

    def name(self, kind: str, code: str) -> str:
        return self.kaart.taxonomies.name(kind, code)

    def kept(self, key: tuple, make):
        """`make()`, worked out once per key for this Context."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def by_name(self) -> list[Organisation]:
        """Every organisation, by name."""
        return self.kept(("by_name",), lambda: _by_name(self.kaart.organisations))

    def organisations_in(self, code: str) -> list[tuple[Organisation, list[Service]]]:
        """As organisations_in(kaart, code)."""
        return self.kept(
            ("in", code),
            lambda: [(org, s) for org in self.by_name() if (s := services_in(org, code))],
        )

    def categories_with_parents(self, codes: Iterable[str]) -> list[str]:
        codes = tuple(codes)
        return self.kept(("parents", codes), lambda: categories_with_parents(self.kaart, codes))

    def in_categorie(self, service: Service, code: str) -> bool:
        return code in self.categories_with_parents(service.categorieen)

    def listed_categories(self, org: Organisation) -> set[str]:
        """The categories (parents included) of an organisation's listed services."""
        return self.kept(
            ("listed", org.slug),
            lambda: {
                c for s in listed_services(org) for c in self.categories_with_parents(s.categorieen)
            },
        )


# --- opening hours ------------------------------------------------------------------------------


def opening_data(opening: hours.OpeningHours, today: dt.date) -> dict:
    """When the place is open, from yesterday until OPEN_DAYS_AHEAD days ahead.

    {"van": ms, "tot": ms, "open": [[opens, closes], …]}, in milliseconds since 1970 (UTC);
    "van" and "tot" are the edges of the days covered. The browser only compares these instants
    with its clock, so holidays, exceptions and the switch to and from summer time are all
    worked out here, by hours.py, once per build.
    """
    first = today - dt.timedelta(days=1)
    last = today + dt.timedelta(days=OPEN_DAYS_AHEAD)
    found: list[list[int]] = []
    day = first
    while day <= last:
        for opens, closes in hours.day_plan(opening, day).intervals:
            start = hours.local_instant(day, opens, closing=False)
            end = hours.local_instant(day, closes, closing=True)
            if start < end:
                found.append([_ms(start), _ms(end)])
        day += dt.timedelta(days=1)
    return {
        "van": _ms(hours.local_instant(first, 0, closing=False)),
        "tot": _ms(hours.local_instant(last, hours.END_OF_DAY, closing=True)),
        "open": found,
    }


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


# Many places share their opening hours (weekdays nine to five); the data for the 'nu open' line
# depends on nothing else, and working it out takes 62 days of holidays and clock changes.
@lru_cache(maxsize=4096)
def _opening_payload(opening: hours.OpeningHours, today: dt.date) -> str:
    return json.dumps(opening_data(opening, today), separators=(",", ":"))


def hours_markdown(data: dict | None, caption: str, ctx: Context) -> list[str]:
    """The weekly table (works everywhere), notes, and the data for the 'nu open' line."""
    opening = hours.OpeningHours.from_data(data)
    lines: list[str] = []
    rows = hours.weekly_rows(opening)
    if rows:
        # Filled in by assets/nu-open.js; without JavaScript it stays hidden and the table remains.
        payload = _opening_payload(opening, ctx.today)
        lines += [f'<p class="sk-nu" data-sk-open="{h(payload)}" hidden></p>', ""]
        # No class on the table: the theme styles only tables without one.
        body = "".join(
            f'<tr><th scope="row">{h(day.capitalize())}</th><td>{h(text)}</td></tr>'
            for day, text in rows
        )
        lines += [
            f"<table><caption>{h(caption)}</caption>"
            '<thead><tr><th scope="col">Dag</th><th scope="col">Open</th></tr></thead>'
            f"<tbody>{body}</tbody></table>",
            "",
        ]
    notes = hours.note_lines(opening, since=ctx.today)
    lines += [f"- {md(note)}" for note in notes]
    lines.append("")
    return lines


# --- building blocks ----------------------------------------------------------------------------


def _term_links(ctx: Context, rel: str, codes: Iterable[str]) -> str:
    return ", ".join(
        f"[{md(ctx.name('categorie', code))}]({link(rel, categorie_page(code))})" for code in codes
    )


def _area_text(ctx: Context, rel: str, codes: list[str]) -> str:
    parts = []
    for code in codes:
        if code == PROVINCE:
            parts.append("heel Flevoland")
        else:
            parts.append(
                f"[{md(ctx.name('gemeenten', code))}]({link(rel, gemeente_page(ctx.kaart, code))})"
            )
    return _join(parts)


def _summary_line(ctx: Context, services: list[Service]) -> str:
    """'Soort hulp: … · Kosten: …' for a list item, from the services shown."""
    cats: list[str] = []
    costs: list[str] = []
    for service in services:
        cats += [c for c in service.categorieen if c not in cats]
        if service.kosten and service.kosten not in costs:
            costs.append(service.kosten)
    parts = [", ".join(ctx.name("categorie", c) for c in cats)]
    if costs:
        parts.append(", ".join(ctx.name("kosten", c) for c in costs))
    if any(s.status == "tijdelijk-gesloten" for s in services):
        parts.append("deels tijdelijk gesloten")
    return " · ".join(md(p) for p in parts if p)


def org_list(ctx: Context, rel: str, items: list[tuple[Organisation, list[Service]]]) -> list[str]:
    """A Markdown list of organisations: name (link), short description, kind of help, place."""
    lines = []
    for org, services in items:
        places = place_names(org)
        where = f" · {md(', '.join(places))}" if places else ""
        lines.append(
            f"- **[{md(org.naam)}]({link(rel, org_page(org.slug))})**<br>"
            f"{md(shorten(org.beschrijving, SUMMARY_MAX))}<br>"
            f"<small>{_summary_line(ctx, services)}{where}</small>"
        )
    lines.append("")
    return lines


def list_footer(ctx: Context) -> list[str]:
    """What write_page adds to content pages (Bronnen, Laatst gecontroleerd), for a list page."""
    return [
        "## Bronnen { #bronnen }",
        "",
        "<p>De gegevens komen uit de sociale kaart van de Mantelzorgacademie. Een redacteur "
        "controleert elke organisatie apart. Op de pagina van een organisatie staat wanneer dat "
        "voor het laatst was, en waar de gegevens vandaan komen.</p>",
        "",
        f"Deze lijst is gemaakt op {dutch_date(ctx.today)}.",
        LAST_CHECKED_CLASS,
        "",
    ]


# --- the pages ----------------------------------------------------------------------------------


def overview_markdown(ctx: Context) -> str:
    kaart, rel = ctx.kaart, OVERVIEW
    orgs = _by_name(o for o in kaart.organisations if listed_services(o))
    meta = {
        "title": "Overzicht van hulp voor mantelzorgers",
        "description": "Alle organisaties op de sociale kaart: zoek hulp voor mantelzorgers in "
        "uw gemeente in Flevoland.",
        "edit_url": "",
    }
    lines = [
        "# Overzicht van hulp voor mantelzorgers",
        "",
        "<p>Hier vindt u organisaties in Flevoland die mantelzorgers helpen. Kies uw gemeente of "
        "de soort hulp die u zoekt.</p>",
        "",
        style_tag(rel),
        "",
        _filter_form(ctx, rel),
        "",
        "## Kies uw gemeente { #gemeenten }",
        "",
    ]
    for code in gemeenten(kaart):
        count = len(ctx.organisations_in(code))
        lines.append(
            f"- [{md(ctx.name('gemeenten', code))}]({link(rel, gemeente_page(kaart, code))}) "
            f"({_count(count, 'organisatie', 'organisaties')})"
        )
    lines += ["", "## Kies een soort hulp { #soorten }", ""]
    for code, term in kaart.taxonomies["categorie"].items():
        count = sum(1 for o in orgs if code in ctx.listed_categories(o))
        lines.append(
            f"- [{md(term.naam)}]({link(rel, categorie_page(code))}) "
            f"({_count(count, 'organisatie', 'organisaties')})"
        )
    lines += ["", "## Alle organisaties { #alle-organisaties }", ""]
    if not orgs:
        lines += ["<p>Er staan nog geen organisaties op de sociale kaart.</p>", ""]
    elif len(orgs) <= FULL_LIST_MAX:
        lines += org_list(ctx, rel, [(o, listed_services(o)) for o in orgs])
    else:
        lines += [
            f"<p>Er staan {len(orgs)} organisaties op de sociale kaart. Dat is te veel voor "
            "één lijst. Kies hierboven uw gemeente of een soort hulp.</p>",
            "",
        ]
    lines += [
        "## Zelf gebruiken { #zelf-gebruiken }",
        "",
        f"- Werkt u bij een gemeente? [Zet deze lijst op uw eigen website]({link(rel, EMBED_HELP)}).",
        f"- Alle gegevens zijn [open data]({link(rel, OPEN_DATA)}): u mag ze vrij gebruiken.",
        "",
        *list_footer(ctx),
        script_tag(f"{to_root(rel)}{ASSET_DIR}/zoeken.js"),
        "",
    ]
    return front_matter(meta) + "\n".join(lines)


def _options(ctx: Context, kind: str, codes: Iterable[str], empty: str) -> str:
    options = [f'<option value="">{h(empty)}</option>']
    options += [f'<option value="{h(code)}">{h(ctx.name(kind, code))}</option>' for code in codes]
    return "".join(options)


def _filter_form(ctx: Context, rel: str) -> str:
    """The search form. It only makes sense with JavaScript, so it starts out hidden.

    Without JavaScript the lists per gemeente and per categorie below do the same job.
    """
    kaart = ctx.kaart
    gemeente_options = ['<option value="">Alle gemeenten</option>'] + [
        f'<option value="{h(gemeente_slug(kaart, code))}">{h(ctx.name("gemeenten", code))}</option>'
        for code in gemeenten(kaart)
    ]
    fields = [
        ("gemeente", "Gemeente", "".join(gemeente_options)),
        (
            "categorie",
            "Soort hulp",
            _options(ctx, "categorie", kaart.taxonomies["categorie"], "Alle soorten hulp"),
        ),
        (
            "doelgroep",
            "Voor wie",
            _options(ctx, "doelgroep", kaart.taxonomies["doelgroep"], "Iedereen"),
        ),
        ("kosten", "Kosten", _options(ctx, "kosten", kaart.taxonomies["kosten"], "Alle")),
        (
            "toegang",
            "Hoe komt u er?",
            _options(ctx, "toegang", kaart.taxonomies["toegang"], "Alle manieren"),
        ),
    ]
    selects = "".join(
        f'<p class="sk-veld"><label for="sk-{name}">{h(label)}</label>'
        f'<select id="sk-{name}" name="{name}">{options}</select></p>'
        for name, label, options in fields
    )
    return (
        f'<div class="sk-zoeker" data-sk-zoeker data-gegevens="{h(to_root(rel) + DATA_DIR)}/" '
        f'data-basis="{h(to_root(rel))}" hidden>'
        '<h2 id="zoeken">Zoeken en filteren</h2>'
        '<form class="sk-filters" role="search" aria-label="Zoek hulp op de sociale kaart">'
        '<p class="sk-veld sk-veld--breed"><label for="sk-q">Zoek op een woord</label>'
        '<input type="search" id="sk-q" name="q" autocomplete="off"></p>'
        f"{selects}"
        "</form>"
        '<p class="sk-aantal" role="status" data-sk-aantal></p>'
        '<ul class="sk-resultaten" data-sk-resultaten></ul>'
        "</div>"
    )


def gemeente_markdown(ctx: Context, code: str) -> str:
    kaart = ctx.kaart
    rel = gemeente_page(kaart, code)
    name = ctx.name("gemeenten", code)
    items = ctx.organisations_in(code)
    meta = {
        "title": f"Hulp voor mantelzorgers in {name}",
        "description": f"Organisaties die mantelzorgers in {name} helpen, per soort hulp.",
        "edit_url": "",
    }
    lines = [f"# Hulp voor mantelzorgers in {md(name)}", ""]
    if not items:
        lines += [
            f"<p>Er staan nog geen organisaties voor {h(name)} op de sociale kaart. Vraag het "
            "Wmo-loket van uw gemeente waar u terecht kunt.</p>",
            "",
        ]
    else:
        lines += [
            f"<p>Op de sociale kaart staan {_count(len(items), 'organisatie', 'organisaties')} "
            f"die mantelzorgers in {h(name)} helpen. Sommige helpen in heel Flevoland. De lijst is "
            "ingedeeld naar soort hulp; een organisatie kan vaker voorkomen.</p>",
            "",
        ]
        for cat, term in kaart.taxonomies["categorie"].items():
            group = []
            for org, services in items:
                if cat not in ctx.listed_categories(org):
                    continue
                matching = [s for s in services if ctx.in_categorie(s, cat)]
                if matching:
                    group.append((org, matching))
            if not group:
                continue
            lines += [f"## {md(term.naam)} {{ #{cat} }}", ""]
            lines += org_list(ctx, rel, group)
    lines += [
        "## Verder zoeken { #verder }",
        "",
        f"- [Zoek op een woord of filter op kosten]({link(rel, OVERVIEW)}#zoeken) in het overzicht.",
        f"- [Alle organisaties in Flevoland]({link(rel, OVERVIEW)}).",
        f"- Werkt u bij de gemeente {md(name)}? [Zet deze lijst op uw eigen website]"
        f"({link(rel, EMBED_HELP)}).",
        "",
        *list_footer(ctx),
    ]
    return front_matter(meta) + "\n".join(lines)


def categorie_markdown(ctx: Context, code: str) -> str:
    kaart = ctx.kaart
    rel = categorie_page(code)
    term = kaart.taxonomies["categorie"][code]
    meta = {
        "title": f"{term.naam} in Flevoland",
        "description": shorten(
            term.omschrijving or f"{term.naam} voor mantelzorgers in Flevoland.", DESCRIPTION_MAX
        ),
        "edit_url": "",
    }
    lines = [f"# {md(term.naam)} in Flevoland", ""]
    if term.omschrijving:
        lines += [f"<p>{h(term.omschrijving)}</p>", ""]
    parent = term.ouder if term.ouder in kaart.taxonomies["categorie"] else None
    children = [c for c, t in kaart.taxonomies["categorie"].items() if t.ouder == code]
    if parent:
        lines += [f"Dit is een vorm van {_term_links(ctx, rel, [parent])}.", ""]
    if children:
        lines += [f"Hier staat ook: {_term_links(ctx, rel, children)}.", ""]

    def matching(org: Organisation, area: str) -> list[Service]:
        found = []
        for service in listed_services(org):
            if not ctx.in_categorie(service, code):
                continue
            if area == PROVINCE:
                if PROVINCE in service.werkgebied:
                    found.append(service)
            elif PROVINCE not in service.werkgebied and serves(org, service, area):
                found.append(service)
        return found

    in_this = [org for org in ctx.by_name() if code in ctx.listed_categories(org)]
    groups = [(PROVINCE, "Heel Flevoland")] + [
        (g, ctx.name("gemeenten", g)) for g in gemeenten(kaart)
    ]
    shown = 0
    for area, label in groups:
        items = []
        # Only organisations with help in this categorie can have matching services.
        for org in in_this:
            services = matching(org, area)
            if services:
                items.append((org, services))
        if not items:
            continue
        shown += 1
        anchor = "heel-flevoland" if area == PROVINCE else gemeente_slug(kaart, area)
        lines += [f"## {md(label)} {{ #{anchor} }}", ""]
        if area == PROVINCE:
            lines += ["<p>Deze organisaties helpen in alle gemeenten van Flevoland.</p>", ""]
        lines += org_list(ctx, rel, items)
    if not shown:
        lines += [
            f"<p>Er staan nog geen organisaties met {h(term.naam.lower())} op de sociale kaart.</p>",
            "",
        ]
    lines += [
        "## Verder zoeken { #verder }",
        "",
        f"- [Alle soorten hulp]({link(rel, OVERVIEW)}#soorten)",
        f"- [Zoek op een woord of filter op gemeente]({link(rel, OVERVIEW)}#zoeken)",
        "",
        *list_footer(ctx),
    ]
    return front_matter(meta) + "\n".join(lines)


def _contact_lines(website: str, email: str, phones: list) -> list[str]:
    lines = []
    if website:
        shown = urlsplit(website).netloc.removeprefix("www.") or website
        lines.append(f"- Website: [{md(shown)}]({url_target(website)})")
    for phone in phones:
        extra = f" ({md(phone.omschrijving)})" if phone.omschrijving else ""
        lines.append(f"- Telefoon: [{md(phone.nummer)}](tel:{phone.e164}){extra}")
    if email:
        lines.append(f"- E-mail: [{md(email)}]({url_target('mailto:' + email)})")
    return lines


def _address_html(loc: Location) -> str:
    parts = [h(p) for p in (loc.straat, f"{loc.postcode} {loc.plaats}".strip()) if p]
    return "<br>".join(parts)


# Organisation.missing() names the gaps for editors; a visitor reads them in a sentence.
GAP_WORDS = {
    "telefoon, e-mail of website": "hoe u contact opneemt",
    "adres": "het adres",
    "openingstijden": "de openingstijden",
}


def _gaps(org: Organisation) -> list[str]:
    gaps = org.missing()
    online_only = org.locaties and all(loc.soort == "online" for loc in org.locaties)
    if online_only:
        # An app or website has no street address or opening hours to miss.
        gaps = [g for g in gaps if g not in ("adres", "openingstijden")]
    return [GAP_WORDS.get(gap, gap) for gap in gaps]


STATUS_NOTE = {
    "tijdelijk-gesloten": "Let op: deze hulp is tijdelijk gesloten.",
    "inactief": "Let op: deze hulp is op dit moment niet actief.",
    "opgeheven": "Let op: deze hulp bestaat niet meer.",
}


def organisation_markdown(ctx: Context, org: Organisation) -> str:
    kaart = ctx.kaart
    rel = org_page(org.slug)
    page_url = ctx.absolute(rel)
    repo_url, yaml_base = repository_links(ctx.edit_url)
    meta = {
        "title": org.naam,
        "description": shorten(org.beschrijving, DESCRIPTION_MAX),
        # site_builder's theme shows this as 'Bewerk deze pagina': the YAML file is the source.
        "edit_url": f"{yaml_base}{org.slug}.yaml" if yaml_base else "",
    }
    lines = [f"# {md(org.naam)}", ""]
    gaps = _gaps(org)
    if org.onvolledig or gaps:
        missing = f" Nog niet bekend: {md(_join(gaps))}." if gaps else ""
        lines += [
            '!!! warning "Nog niet alle gegevens bekend"',
            "",
            f"    We weten nog niet alles over deze organisatie.{missing} Neem eerst contact op "
            "voordat u ergens naartoe gaat.",
            "",
        ]
    lines += [f"<p>{h(org.beschrijving)}</p>", ""]

    lines += ["## Contact { #contact }", ""]
    contact = _contact_lines(org.website, org.email, org.telefoon)
    if contact:
        lines += [*contact, ""]
    elif org.has_contact():
        lines += ["<p>Zie de contactgegevens bij de hulp hieronder.</p>", ""]
    else:
        lines += ["<p>We weten nog geen telefoonnummer, e-mailadres of website.</p>", ""]

    locations = {loc.slug: loc for loc in org.locaties}
    lines += ["## Wat kunt u hier krijgen? { #diensten }", ""]
    for service in org.diensten:
        lines += [f"### {md(service.naam)} {{ #dienst-{service.slug} }}", ""]
        if service.status in STATUS_NOTE:
            lines += [
                f'<p class="sk-status"><strong>{h(STATUS_NOTE[service.status])}</strong></p>',
                "",
            ]
        lines += [f"<p>{h(service.beschrijving)}</p>", ""]
        facts = [f"- Soort hulp: {_term_links(ctx, rel, service.categorieen)}"]
        if service.doelgroepen:
            facts.append(
                "- Voor wie: "
                + md(", ".join(ctx.name("doelgroep", c) for c in service.doelgroepen))
            )
        facts.append(f"- Waar: {_area_text(ctx, rel, service.werkgebied)}")
        if service.kosten or service.kosten_toelichting:
            cost = ctx.name("kosten", service.kosten) if service.kosten else ""
            extra = service.kosten_toelichting
            facts.append("- Kosten: " + md(f"{cost}: {extra}" if cost and extra else cost or extra))
        if service.toegang:
            term = kaart.taxonomies["toegang"].get(service.toegang)
            text = (
                f"{term.naam}. {term.omschrijving}"
                if term and term.omschrijving
                else ctx.name("toegang", service.toegang)
            )
            facts.append(f"- Hoe komt u er? {md(text)}")
        if service.aanmelden:
            facts.append(f"- Aanmelden: {md(service.aanmelden)}")
        facts += _contact_lines(service.website, service.email, service.telefoon)
        refs = [locations[r] for r in service.locaties if r in locations]
        if refs:
            facts.append(
                "- Waar u terecht kunt: "
                + ", ".join(f"[{md(_loc_name(loc))}](#locatie-{loc.slug})" for loc in refs)
            )
        lines += [*facts, ""]
        if service.openingstijden:
            lines += ["#### Openingstijden", ""]
            lines += hours_markdown(
                service.openingstijden, f"Openingstijden van {service.naam}", ctx
            )

    if org.locaties:
        lines += ["## Waar vindt u ons? { #locaties }", ""]
    for loc in org.locaties:
        lines += [f"### {md(_loc_name(loc))} {{ #locatie-{loc.slug} }}", ""]
        if loc.soort == "online":
            lines.append("<p>Deze plek is online.</p>")
            lines.append("")
        address = _address_html(loc)
        if address:
            lines += [f'<p class="sk-adres">{address}</p>', ""]
        facts = []
        if loc.url:
            facts.append(f"- Website: [{md(loc.url)}]({url_target(loc.url)})")
        if loc.gemeente:
            facts.append(f"- Gemeente: {_area_text(ctx, rel, [loc.gemeente])}")
        if loc.toegankelijkheid:
            names = ", ".join(ctx.name("toegankelijkheid", c) for c in loc.toegankelijkheid)
            facts.append(f"- Toegankelijkheid: {md(names)}")
        if loc.toegankelijkheid_toelichting:
            facts.append(f"- Over de toegankelijkheid: {md(loc.toegankelijkheid_toelichting)}")
        if facts:
            lines += [*facts, ""]
        if loc.openingstijden:
            lines += ["#### Openingstijden", ""]
            lines += hours_markdown(loc.openingstijden, f"Openingstijden van {_loc_name(loc)}", ctx)
        elif loc.soort == "fysiek":
            lines += ["<p>We weten de openingstijden nog niet. Bel of mail eerst.</p>", ""]

    lines += ["## Klopt er iets niet? { #fout-melden }", ""]
    if repo_url:
        lines += [
            "<p>Wij houden deze gegevens met de hand bij. Ziet u een fout, of is er iets "
            "veranderd? Laat het ons weten. U heeft daarvoor een gratis GitHub-account nodig.</p>",
            "",
            f"[Meld een fout]({url_target(issue_url(repo_url, org, page_url))})"
            "{ .md-button .sk-meld }",
            "",
        ]
    else:
        lines += [
            "<p>Wij houden deze gegevens met de hand bij. Ziet u een fout? Meld een fout bij de "
            f"redactie en noem het bestand {h(ISSUE_SOURCE)}/{h(org.slug)}.yaml.</p>",
            "",
        ]

    lines += ["## Bronnen { #bronnen }", ""]
    for source in org.bronnen:
        title = md(source["title"])
        if "url" in source:
            lines.append(f"- [{title}]({url_target(source['url'])})")
        else:
            lines.append(f"- {title} ({md(source['document'])})")
    if org.bronnen:
        lines.append("")
    lines += [
        f"Laatst gecontroleerd op {dutch_date(org.laatst_gecontroleerd)} door "
        f"{md(org.gecontroleerd_door)}.",
        LAST_CHECKED_CLASS,
        "",
        json_ld_tag(json_ld(ctx, org)),
        "",
    ]
    if "data-sk-open" in "\n".join(lines):
        lines += [style_tag(rel), script_tag(f"{to_root(rel)}{ASSET_DIR}/nu-open.js"), ""]
    return front_matter(meta) + "\n".join(lines)


def _loc_name(loc: Location) -> str:
    if loc.naam:
        return loc.naam
    if loc.soort == "online":
        return "Online"
    return loc.straat or loc.plaats or loc.slug


# --- JSON-LD ------------------------------------------------------------------------------------


def _known(**fields: object) -> dict:
    """Only what we know: a field without a value is left out, never guessed."""
    return {key: value for key, value in fields.items() if value not in ("", None, [], {})}


def _one_or_many(values: list) -> object:
    return values[0] if len(values) == 1 else values


def json_ld(ctx: Context, org: Organisation) -> dict:
    """schema.org Organization, its Places and its Services, as one @graph.

    Every value comes from the YAML (or the taxonomies); nothing is filled in that an editor did
    not write. addressRegion 'Flevoland' is only given for a location in one of its gemeenten.
    """
    kaart = ctx.kaart
    page_url = ctx.absolute(org_page(org.slug))
    org_id = f"{page_url}#organisatie"
    graph: list[dict] = [
        _known(
            **{"@type": "WebPage", "@id": page_url},
            url=page_url,
            name=org.naam,
            inLanguage="nl",
            lastReviewed=org.laatst_gecontroleerd.isoformat(),
            about={"@id": org_id},
        ),
        _known(
            **{"@type": "Organization", "@id": org_id},
            name=org.naam,
            description=org.beschrijving,
            url=org.website,
            email=org.email,
            telephone=_one_or_many([p.e164 for p in org.telefoon]) if org.telefoon else None,
            location=[
                {"@id": f"{page_url}#locatie-{loc.slug}"}
                for loc in org.locaties
                if loc.soort == "fysiek"
            ],
            mainEntityOfPage={"@id": page_url},
        ),
    ]
    for loc in org.locaties:
        if loc.soort != "fysiek":
            continue
        address = None
        if loc.straat or loc.postcode or loc.plaats:
            address = _known(
                **{"@type": "PostalAddress"},
                streetAddress=loc.straat,
                postalCode=loc.postcode,
                addressLocality=loc.plaats,
                addressRegion="Flevoland" if loc.gemeente in kaart.taxonomies.gemeenten else "",
                # The loader only accepts Dutch postcodes.
                addressCountry="NL" if loc.postcode else "",
            )
        geo = None
        if loc.lat is not None and loc.lon is not None:
            geo = {"@type": "GeoCoordinates", "latitude": loc.lat, "longitude": loc.lon}
        opening = hours.OpeningHours.from_data(loc.openingstijden)
        graph.append(
            _known(
                **{"@type": "Place", "@id": f"{page_url}#locatie-{loc.slug}"},
                name=_loc_name(loc),
                address=address,
                geo=geo,
                url=loc.url,
                openingHoursSpecification=hours.schema_org_hours(opening, since=ctx.today),
                amenityFeature=[
                    {
                        "@type": "LocationFeatureSpecification",
                        "name": ctx.name("toegankelijkheid", code),
                        "value": True,
                    }
                    for code in loc.toegankelijkheid
                ],
            )
        )
    places = {loc.slug: loc for loc in org.locaties}
    for service in listed_services(org):
        areas = [
            {"@type": "AdministrativeArea", "name": ctx.name("gemeenten", code), "identifier": code}
            for code in service.werkgebied
        ]
        channel = _known(
            **{"@type": "ServiceChannel"},
            serviceUrl=service.website,
            servicePhone=[
                {
                    "@type": "ContactPoint",
                    "telephone": p.e164,
                    **({"description": p.omschrijving} if p.omschrijving else {}),
                }
                for p in service.telefoon
            ],
            serviceLocation=[
                {"@id": f"{page_url}#locatie-{ref}"}
                for ref in service.locaties
                if ref in places and places[ref].soort == "fysiek"
            ],
        )
        opening = hours.OpeningHours.from_data(service.openingstijden)
        graph.append(
            _known(
                **{"@type": "Service", "@id": f"{page_url}#dienst-{service.slug}"},
                name=service.naam,
                description=service.beschrijving,
                provider={"@id": org_id},
                serviceType=_one_or_many([ctx.name("categorie", c) for c in service.categorieen]),
                areaServed=_one_or_many(areas),
                audience=[
                    {"@type": "Audience", "audienceType": ctx.name("doelgroep", c)}
                    for c in service.doelgroepen
                ],
                availableChannel=channel if len(channel) > 1 else None,
                hoursAvailable=hours.schema_org_hours(opening, since=ctx.today),
                # Only 'gratis' is a price we know; other costs have no amount in the YAML.
                offers={"@type": "Offer", "price": 0, "priceCurrency": "EUR"}
                if service.kosten == "gratis"
                else None,
            )
        )
    return {"@context": "https://schema.org", "@graph": graph}


def json_ld_tag(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # '<' inside the JSON can never close the script element (</script>) or open a comment.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


# --- search data --------------------------------------------------------------------------------


def gemeente_data(ctx: Context, code: str) -> dict:
    """The small JSON the search form reads: just enough to filter, search and link."""
    kaart = ctx.kaart
    orgs = []
    for org, services in ctx.organisations_in(code):
        orgs.append(
            _known(
                naam=org.naam,
                pagina=url_of(org_page(org.slug)),
                tekst=shorten(org.beschrijving, SUMMARY_MAX),
                plaatsen=place_names(org),
                diensten=[
                    _known(
                        naam=s.naam,
                        categorieen=s.categorieen,
                        # Parents too, so 'respijtzorg' also finds 'logeeropvang'.
                        filter=[
                            c
                            for c in ctx.categories_with_parents(s.categorieen)
                            if c not in s.categorieen
                        ],
                        doelgroepen=s.doelgroepen,
                        kosten=s.kosten,
                        toegang=s.toegang,
                        gesloten=s.status == "tijdelijk-gesloten" or None,
                    )
                    for s in services
                ],
            )
        )
    return {
        "gemeente": gemeente_slug(kaart, code),
        "naam": ctx.name("gemeenten", code),
        "organisaties": orgs,
    }


# --- writing ------------------------------------------------------------------------------------


def embed_help_markdown(ctx: Context) -> str:
    # Imported here: embed.py imports this module for its selections and names.
    from .embed import embed_help_markdown as make

    return make(ctx)


def open_data_page(ctx: Context) -> str:
    from .export import open_data_markdown

    meta = {
        "title": "Open data van de sociale kaart",
        "description": "Download alle gegevens van de sociale kaart als HSDS JSON, CSV of "
        "GeoJSON, vrij te gebruiken met bronvermelding.",
        "edit_url": "",
    }
    body = open_data_markdown(ctx.kaart)
    heading = "" if body.lstrip().startswith("# ") else "# Open data van de sociale kaart\n\n"
    return front_matter(meta) + heading + body.rstrip() + "\n\n" + "\n".join(list_footer(ctx))


def to_check_markdown(ctx: Context) -> str:
    """The editors' worklist: the same list as `site-builder te-controleren`, with edit links."""
    from .loader import te_controleren

    found = te_controleren(ctx.kaart, ctx.today)
    meta = {
        "title": "Te controleren: sociale kaart",
        "description": "Werklijst voor redacteuren: organisaties die langer dan een jaar niet "
        "zijn nagekeken of waarvan gegevens ontbreken.",
        "edit_url": "",
    }
    _, yaml_base = repository_links(ctx.edit_url)
    lines = [
        "# Te controleren: sociale kaart",
        "",
        "Deze lijst is voor redacteuren. Hier staan organisaties die langer dan 12 maanden niet "
        "zijn nagekeken, of waarvan we nog gegevens missen. Bel of mail de organisatie, of kijk "
        "op haar eigen website. Vul alleen in wat u zeker weet, en zet de datum van vandaag bij "
        "laatst_gecontroleerd. Dezelfde lijst krijgt u met `make te-controleren`.",
        "",
        f"**{_count(len(found), 'organisatie', 'organisaties')} van "
        f"{len(ctx.kaart.organisations)} te controleren.**",
        "",
    ]
    for org, reasons in found:
        page = link(TO_CHECK, org_page(org.slug))
        edit = f" · [bestand bewerken]({yaml_base}{org.slug}.yaml)" if yaml_base else ""
        lines.append(f"- [{md(org.naam)}]({page}){edit}: {md('; '.join(reasons))}")
    lines.append("")
    return front_matter(meta) + "\n".join(lines) + "\n" + "\n".join(list_footer(ctx))


def _copy_static(docs_dir: Path) -> None:
    source = resources.files("sociale_kaart").joinpath("static", "portal")
    target = docs_dir / ASSET_DIR
    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.name.endswith((".js", ".css")):
            (target / item.name).write_text(item.read_text("utf-8"), "utf-8")


Part = Literal["all", "lists", "organisations"]


def write_pages(
    kaart: SocialeKaart,
    docs_dir: Path,
    *,
    site_url: str,
    edit_url: str | None = None,
    today: dt.date | None = None,
    part: Part = "all",
) -> list[Path]:
    """Write every page of `page_paths` plus the search data and scripts into `docs_dir`.

    `part` "lists" writes all but the organisation pages, "organisations" only those: the two
    halves can be written at the same time by two processes.
    """
    if edit_url is None:
        from site_builder import settings

        edit_url = settings.get("MZA_EDIT_URL")
    ctx = Context(kaart, site_url, edit_url, today or dt.date.today())
    # write_docs starts from an empty docs tree, so pages of removed organisations never linger.
    pages: dict[str, str] = {}
    if part != "organisations":
        pages[OVERVIEW] = overview_markdown(ctx)
        pages[EMBED_HELP] = embed_help_markdown(ctx)
        pages[OPEN_DATA] = open_data_page(ctx)
        pages[TO_CHECK] = to_check_markdown(ctx)
        for code in gemeenten(kaart):
            pages[gemeente_page(kaart, code)] = gemeente_markdown(ctx, code)
        for code in kaart.taxonomies["categorie"]:
            pages[categorie_page(code)] = categorie_markdown(ctx, code)
    if part != "lists":
        for org in kaart.organisations:
            pages[org_page(org.slug)] = organisation_markdown(ctx, org)
    written = []
    folders: set[Path] = set()
    for rel, text in pages.items():
        target = docs_dir / rel
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_text(text, "utf-8")
        written.append(target)
    if part == "organisations":
        return written
    for code in gemeenten(kaart):
        target = docs_dir / data_file(kaart, code)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            json.dumps(gemeente_data(ctx, code), ensure_ascii=False, separators=(",", ":")),
            "utf-8",
        )
        written.append(target)
    _copy_static(docs_dir)
    return written
