"""The sociale kaart for gemeenten to embed: small HTML pages for an iframe, written after MkDocs.

For each gemeente: embed/sociale-kaart/<gemeente>/index.html (all help in that gemeente) and
embed/sociale-kaart/<gemeente>/<categorie>/index.html (one kind of help), rendered with Jinja2
outside MkDocs: no portal header, menu or footer, lang="nl", its own small CSS.

What works without JavaScript (in the iframe or on the host page):
- the full, pre-rendered list for the gemeente, or for one categorie on the categorie page
  (that page holds only that categorie's organisations);
- links to the categorie pages, so a visitor can still narrow the list, one page per choice;
- the iframe keeps the height the host gave it and scrolls inside; a plain link below the iframe
  leads to the same list on the portal.
With JavaScript inside the iframe (embed.js): the filter form (categorie, doelgroep, kosten,
toegang; on a categorie page a new categorie opens that categorie's page), also set by the
query string (?categorie=…&doelgroep=…&kosten=…&toegang=…), host
colours and font (?accent=%23005a9c&tekst=%23222222&font=system|serif|sans), and the height
message. An iframe cannot inherit the host page's CSS, so the colours come in the address; the
script accepts only #rrggbb colours with enough contrast on white and one of three font names,
and falls back to our own defaults otherwise.
With the host script (embed/sociale-kaart.js): the iframe takes the height of its content.

No map: the map is optional and off by default, so none is rendered (the list is the product and
a map would need tiles from another host). No cookies, nothing from other hosts.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from . import pages
from .model import Organisation, Service, SocialeKaart
from .pages import Context, h, md

EMBED_DIR = "embed/sociale-kaart"
HOST_SCRIPT = "embed/sociale-kaart.js"
# The one message the embed sends to its host; embed.js and host.js use the same string.
MESSAGE_TYPE = "mza-sociale-kaart:hoogte"
DEFAULT_HEIGHT = 900
FILTERS = ("categorie", "doelgroep", "kosten", "toegang")


def embed_rel(kaart: SocialeKaart, code: str, categorie: str | None = None) -> str:
    """The embed page's folder below the site root, e.g. 'embed/sociale-kaart/lelystad/'."""
    path = f"{EMBED_DIR}/{pages.gemeente_slug(kaart, code)}/"
    return f"{path}{categorie}/" if categorie else path


def _site(site_url: str) -> str:
    return site_url.rstrip("/") + "/"


def portal_rel(kaart: SocialeKaart, code: str, categorie: str | None = None) -> str:
    """The portal page that shows the same list, as a URL path below the site root."""
    if categorie:
        return (
            pages.url_of(pages.categorie_page(categorie)) + "#" + pages.gemeente_slug(kaart, code)
        )
    return pages.url_of(pages.gemeente_page(kaart, code))


def iframe_title(kaart: SocialeKaart, code: str, categorie: str | None = None) -> str:
    name = kaart.taxonomies.name("gemeenten", code)
    if categorie:
        return f"Sociale kaart: {kaart.taxonomies.name('categorie', categorie).lower()} in {name}"
    return f"Sociale kaart: hulp voor mantelzorgers in {name}"


def link_text(kaart: SocialeKaart, code: str, categorie: str | None = None) -> str:
    name = kaart.taxonomies.name("gemeenten", code)
    if categorie:
        what = kaart.taxonomies.name("categorie", categorie).lower()
        return f"Bekijk {what} in {name} op de sociale kaart"
    return f"Bekijk de hulp voor mantelzorgers in {name} op de sociale kaart"


SNIPPET = (
    '<iframe src="{src}" title="{title}" width="100%" height="{height}" '
    'style="border:0;width:100%" loading="lazy"></iframe>\n'
    '<p><a href="{href}">{text}</a></p>\n'
    '<script src="{script}" defer></script>'
)


def snippet(kaart: SocialeKaart, site_url: str, code: str, categorie: str | None = None) -> str:
    """The copy-paste HTML for a gemeente's website."""
    site = _site(site_url)
    return SNIPPET.format(
        src=h(site + embed_rel(kaart, code, categorie)),
        title=h(iframe_title(kaart, code, categorie)),
        height=DEFAULT_HEIGHT,
        href=h(site + portal_rel(kaart, code, categorie)),
        text=h(link_text(kaart, code, categorie)),
        script=h(site + HOST_SCRIPT),
    )


# --- page model ---------------------------------------------------------------------------------


@dataclass
class ServiceView:
    naam: str
    categorie: str  # space-separated codes, parents included, for the filter script
    doelgroep: str
    kosten: str
    toegang: str
    details: list[str]
    gesloten: bool


@dataclass
class OrgView:
    naam: str
    href: str
    tekst: str
    plaatsen: str
    telefoon: list
    website: str
    services: list[ServiceView] = field(default_factory=list)


def _service_view(ctx: Context, service: Service) -> ServiceView:
    details = [", ".join(ctx.name("categorie", c) for c in service.categorieen)]
    if service.doelgroepen:
        details.append(
            "voor " + ", ".join(ctx.name("doelgroep", c).lower() for c in service.doelgroepen)
        )
    if service.kosten:
        details.append(ctx.name("kosten", service.kosten).lower())
    if service.toegang:
        details.append(ctx.name("toegang", service.toegang).lower())
    return ServiceView(
        naam=service.naam,
        categorie=" ".join(ctx.categories_with_parents(service.categorieen)),
        doelgroep=" ".join(service.doelgroepen),
        kosten=service.kosten or "",
        toegang=service.toegang or "",
        details=details,
        gesloten=service.status == "tijdelijk-gesloten",
    )


def _org_view(ctx: Context, org: Organisation, services: list[Service], root: str) -> OrgView:
    return OrgView(
        naam=org.naam,
        href=root + pages.url_of(pages.org_page(org.slug)),
        tekst=pages.shorten(org.beschrijving, pages.SUMMARY_MAX),
        plaatsen=", ".join(pages.place_names(org)),
        telefoon=org.telefoon,
        website=org.website,
        # The same service is on the gemeente's page and on each of its categorie pages.
        services=[
            ctx.kept(("embed", s.org_slug, s.slug), lambda s=s: _service_view(ctx, s))
            for s in services
        ],
    )


def _present(items: list[tuple[Organisation, list[Service]]], attr: str) -> set[str]:
    found: set[str] = set()
    for _org, services in items:
        for service in services:
            value = getattr(service, attr)
            found |= set(value) if isinstance(value, list) else ({value} if value else set())
    return found


def _options(ctx: Context, kind: str, present: set[str]) -> list[tuple[str, str]]:
    return [
        (code, term.naam) for code, term in ctx.kaart.taxonomies[kind].items() if code in present
    ]


def page_data(ctx: Context, code: str, categorie: str | None) -> dict:
    kaart = ctx.kaart
    rel = embed_rel(kaart, code, categorie)
    root = "../" * rel.count("/")
    everything = ctx.organisations_in(code)
    # The categorie choices come from the whole gemeente: on a categorie page, choosing another
    # one opens that page (embed.js). The list itself holds only what the page shows, so the
    # pages stay small when the kaart grows.
    categories = {
        c for _o, ss in everything for s in ss for c in ctx.categories_with_parents(s.categorieen)
    }
    items = everything
    if categorie:
        categories.add(categorie)
        items = []
        for org, services in everything:
            matching = [s for s in services if ctx.in_categorie(s, categorie)]
            if matching:
                items.append((org, matching))
    name = ctx.name("gemeenten", code)
    orgs = [_org_view(ctx, org, services, root) for org, services in items]
    cat_name = ctx.name("categorie", categorie) if categorie else ""
    return {
        "lang": "nl",
        "title": f"{cat_name} in {name}" if categorie else f"Hulp voor mantelzorgers in {name}",
        "gemeente": name,
        "categorie": categorie or "",
        "categorie_naam": cat_name,
        "orgs": orgs,
        "shown": len(orgs),
        "css": root + EMBED_DIR + "/embed.css",
        # The portal's icon (from the theme); without one the browser asks for /favicon.ico.
        "favicon": root + "assets/images/favicon.png",
        "script": root + EMBED_DIR + "/embed.js",
        "canonical": _site(ctx.site_url) + portal_rel(kaart, code, categorie),
        "portal_href": root + portal_rel(kaart, code, categorie),
        "all_href": root + embed_rel(kaart, code),
        "category_links": [
            (term.naam, root + embed_rel(kaart, code, c), c == categorie)
            for c, term in kaart.taxonomies["categorie"].items()
            if c in categories
        ],
        "filters": [
            (
                "categorie",
                "Soort hulp",
                "Alle soorten hulp",
                _options(ctx, "categorie", categories),
            ),
            (
                "doelgroep",
                "Voor wie",
                "Iedereen",
                _options(ctx, "doelgroep", _present(items, "doelgroepen")),
            ),
            ("kosten", "Kosten", "Alle", _options(ctx, "kosten", _present(items, "kosten"))),
            (
                "toegang",
                "Hoe komt u er?",
                "Alle manieren",
                _options(ctx, "toegang", _present(items, "toegang")),
            ),
        ],
        "message_type": MESSAGE_TYPE,
    }


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("sociale_kaart", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def write_embeds(kaart: SocialeKaart, site_dir: Path, *, site_url: str, today=None) -> list[Path]:
    """Write the embed pages, their CSS and scripts, and the host script into `site_dir`."""
    import datetime as dt

    ctx = Context(kaart, site_url, "", today or dt.date.today())
    template = _environment().get_template("embed.html")
    written = []
    for code in pages.gemeenten(kaart):
        for categorie in (None, *kaart.taxonomies["categorie"]):
            target = site_dir / embed_rel(kaart, code, categorie) / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(template.render(**page_data(ctx, code, categorie)), "utf-8")
            written.append(target)
    static = resources.files("sociale_kaart").joinpath("static", "embed")
    for name, rel in (
        ("embed.css", f"{EMBED_DIR}/embed.css"),
        ("embed.js", f"{EMBED_DIR}/embed.js"),
        ("host.js", HOST_SCRIPT),
    ):
        target = site_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(static.joinpath(name).read_text("utf-8"), "utf-8")
        written.append(target)
    return written


# --- the 'Insluiten op uw website' page ---------------------------------------------------------


def attribute(text: str) -> str:
    """Text with line breaks as an HTML attribute value; &#10; keeps the raw HTML on one line."""
    return html.escape(text, quote=True).replace("\n", "&#10;")


def embed_help_markdown(ctx: Context) -> str:
    kaart = ctx.kaart
    rel = pages.EMBED_HELP
    root = pages.to_root(rel)
    codes = pages.gemeenten(kaart)
    meta = {
        "title": "De sociale kaart op uw eigen website",
        "description": "Voor gemeenten: zet de hulp voor mantelzorgers uit de sociale kaart op "
        "uw eigen website, met een stukje code om te kopiëren.",
        "edit_url": "",
    }
    # One template with placeholders, so the code the script builds is exactly the code below.
    template = SNIPPET.format(
        src="__SRC__",
        title="__TITLE__",
        height=DEFAULT_HEIGHT,
        href="__HREF__",
        text="__TEXT__",
        script=h(_site(ctx.site_url) + HOST_SCRIPT),
    )
    gemeente_options = "".join(
        f'<option value="{h(pages.gemeente_slug(kaart, c))}" '
        f'data-src="{h(_site(ctx.site_url) + embed_rel(kaart, c))}" '
        f'data-href="{h(_site(ctx.site_url) + portal_rel(kaart, c))}" '
        f'data-title="{h(iframe_title(kaart, c))}" data-text="{h(link_text(kaart, c))}">'
        f"{h(ctx.name('gemeenten', c))}</option>"
        for c in codes
    )
    categorie_options = '<option value="">Alle soorten hulp</option>' + "".join(
        f'<option value="{h(c)}" data-href="{h(_site(ctx.site_url) + pages.url_of(pages.categorie_page(c)))}">'
        f"{h(t.naam)}</option>"
        for c, t in kaart.taxonomies["categorie"].items()
    )
    maker = (
        f'<div class="sk-insluiten" data-sk-insluiten data-sjabloon="{attribute(template)}" hidden>'
        '<h2 id="maak-uw-code">Maak uw code</h2>'
        '<form class="sk-filters" aria-label="Kies wat u wilt tonen">'
        '<p class="sk-veld"><label for="sk-in-gemeente">Gemeente</label>'
        f'<select id="sk-in-gemeente" name="gemeente">{gemeente_options}</select></p>'
        '<p class="sk-veld"><label for="sk-in-categorie">Soort hulp</label>'
        f'<select id="sk-in-categorie" name="categorie">{categorie_options}</select></p>'
        "</form>"
        '<p class="sk-veld sk-veld--breed"><label for="sk-in-code">Uw code</label>'
        '<textarea id="sk-in-code" rows="7" readonly spellcheck="false"></textarea></p>'
        '<p><button type="button" class="md-button md-button--primary" data-sk-kopieer>'
        "Kopieer de code</button></p>"
        '<p role="status" data-sk-gekopieerd></p>'
        "</div>"
    )
    first = codes[0] if codes else None
    lines = [
        "# De sociale kaart op uw eigen website",
        "",
        "<p>Werkt u bij een gemeente in Flevoland? Dan kunt u de hulp voor mantelzorgers uit de "
        "sociale kaart op uw eigen website zetten. U plakt een klein stukje code in uw pagina. "
        "De lijst blijft dan vanzelf actueel: past onze redactie iets aan, dan ziet u dat ook "
        "op uw website.</p>",
        "",
        "## Zo werkt het { #zo-werkt-het }",
        "",
        "1. Kies hieronder uw gemeente, en als u wilt één soort hulp.",
        "2. Kopieer de code.",
        "3. Plak de code in uw pagina, in een blok voor HTML-code.",
        "",
        pages.style_tag(rel),
        "",
        maker,
        "",
        "## Kant-en-klare code per gemeente { #code-per-gemeente }",
        "",
        "<p>Kopieer de code van uw gemeente. De code toont alle hulp voor mantelzorgers in uw "
        "gemeente.</p>",
        "",
    ]
    for code in codes:
        lines += [
            f"### {md(ctx.name('gemeenten', code))} {{ #{pages.gemeente_slug(kaart, code)} }}",
            "",
            "```html",
            snippet(kaart, ctx.site_url, code),
            "```",
            "",
        ]
    if first:
        example = _site(ctx.site_url) + embed_rel(kaart, first, "respijtzorg")
        lines += [
            "## Alleen één soort hulp { #een-soort-hulp }",
            "",
            "<p>Wilt u alleen één soort hulp tonen? Zet dan de code van die soort achter het "
            "adres in de code, op twee plaatsen: in <code>src</code> en in de link. Bijvoorbeeld "
            f"voor respijtzorg: <code>{h(example)}</code>.</p>",
            "",
            "| Soort hulp | Code |",
            "| --- | --- |",
            *[f"| {md(t.naam)} | `{c}` |" for c, t in kaart.taxonomies["categorie"].items()],
            "",
            f'<p>Bekijk een voorbeeld: <a href="{h(root + embed_rel(kaart, first))}">de lijst '
            f"voor {h(ctx.name('gemeenten', first))}</a>, zoals die in uw pagina komt.</p>",
            "",
        ]
    lines += [
        "## Filters in het adres { #filters }",
        "",
        "<p>U kunt de lijst ook vooraf filteren. Zet daarvoor een of meer van deze stukjes achter "
        "het adres in <code>src</code>, na een vraagteken en met &amp; ertussen. Bijvoorbeeld "
        "<code>?doelgroep=jonge-mantelzorgers&amp;kosten=gratis</code>.</p>",
        "",
        "- `categorie=`: de soort hulp (zie de codes hierboven)",
        "- `doelgroep=`: voor wie, bijvoorbeeld `mantelzorgers`, `jonge-mantelzorgers` of `dementie`",
        "- `kosten=`: `gratis`, `eigen-bijdrage`, `betaald` of `vergoed`",
        "- `toegang=`: bijvoorbeeld `vrij-toegankelijk` of `via-wijkteam`",
        "",
        "<p>Deze filters werken met JavaScript. Zonder JavaScript toont de lijst alle hulp "
        "(of de soort hulp uit het adres). Bezoekers kunnen daar zelf een soort hulp kiezen.</p>",
        "",
        "## Uw eigen kleuren en letters { #kleuren }",
        "",
        "<p>Een ingesloten pagina kan de kleuren van uw website niet zelf overnemen. Daarom "
        "kunt u ze in het adres meegeven:</p>",
        "",
        "- `accent=%23005a9c`: de kleur van links en knoppen (`%23` staat voor #)",
        "- `tekst=%23222222`: de kleur van de tekst",
        "- `font=system`, `font=sans` of `font=serif`: het soort letter",
        "",
        "<p>Voorbeeld: <code>?accent=%23005a9c&amp;font=sans</code>. We gebruiken een kleur "
        "alleen als die goed leesbaar is op wit (contrast minstens 4,5 : 1). Anders houden we "
        "onze eigen kleur. Zonder JavaScript ziet u altijd onze eigen kleuren.</p>",
        "",
        "## Wat werkt er zonder JavaScript? { #zonder-javascript }",
        "",
        "- De lijst zelf: alle organisaties, met hun hulp, telefoonnummer en website.",
        "- Kiezen van een soort hulp: via de links boven de lijst.",
        "- Het blok heeft dan een vaste hoogte (900 pixels) en u kunt erin scrollen.",
        "- De link onder het blok gaat naar dezelfde lijst op onze website.",
        "",
        "<p>Met JavaScript krijgt het blok vanzelf de hoogte van de lijst, en kunnen bezoekers "
        "filteren op soort hulp, voor wie, kosten en hoe zij er komen.</p>",
        "",
        "## Privacy en veiligheid { #privacy }",
        "",
        "- Het blok zet geen cookies en volgt bezoekers niet.",
        "- Het blok laadt niets van andere websites: geen lettertypen, geen kaarten, geen "
        "statistieken.",
        "- Het script op uw pagina luistert alleen naar berichten van onze website, en alleen "
        "naar de hoogte van ons eigen blok.",
        "- Gebruikt uw website een Content-Security-Policy? Sta dan ons adres toe bij "
        f"`frame-src` en `script-src`: `{_site(ctx.site_url).rstrip('/')}`.",
        "",
        *pages.list_footer(ctx),
        pages.script_tag(f"{root}{pages.ASSET_DIR}/insluiten.js"),
        "",
    ]
    return pages.front_matter(meta) + "\n".join(lines)
