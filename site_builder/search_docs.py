"""What the portal's search indexes: pages (articles, ziektebeelden, lessons) and the sociale
kaart's organisations, as site_builder.search.Doc. Quiz files are never pages, so answers are
never indexed. The meetings are indexed by the service (quiz_service.zoeken)."""

from __future__ import annotations

import html
import re
import threading
from pathlib import Path

import markdown
import yaml

from . import search
from .check import Site
from .generate import ziektebeeld_slug
from .pages import Page
from .synonyms_check import SYNONYMS_FILE

PROVINCE = "PV24"

_TAG = re.compile(r"<[^>]+>")
_ATTR_LIST = re.compile(r"\{[:#.][^}]*\}")
_SPACE = re.compile(r"\s+")


_converter = threading.local()


def plain_text(body: str) -> str:
    """The words of a Markdown body, without markup."""
    # One converter per thread, reset between pages: setting one up costs as much as a page.
    converter = getattr(_converter, "markdown", None)
    if converter is None:
        converter = _converter.markdown = markdown.Markdown()
    rendered = converter.reset().convert(_ATTR_LIST.sub(" ", body))
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", rendered))).strip()


def _kind(page: Page) -> str:
    if ziektebeeld_slug(page):
        return "ziektebeeld"
    parts = page.rel.split("/")
    if parts[0] == "cursussen" and len(parts) == 3 and parts[2] != "index.md":
        return "les"
    return "artikel"


def page_doc(page: Page) -> search.Doc:
    meta = page.meta
    ziektebeeld = ziektebeeld_slug(page) or meta.get("ziektebeeld")
    doelgroep = meta.get("doelgroep")
    return search.Doc(
        id=f"pagina:{page.rel}",
        soort=_kind(page),
        title=str(meta.get("title", page.rel)),
        url="/" + page.url,
        description=str(meta.get("description", "")),
        body=" ".join([plain_text(page.body), " ".join(map(str, meta.get("onderwerpen", [])))]),
        doelgroep=[doelgroep] if isinstance(doelgroep, str) else [],
        ziektebeeld=[ziektebeeld] if ziektebeeld else [],
    )


def all_gemeenten(codes, taxonomies) -> list[str]:
    """Codes as a facet filters them: "heel Flevoland" counts for each of the six."""
    codes = set(codes)
    if PROVINCE in codes:
        codes |= set(taxonomies.gemeenten)
    return sorted(codes)


def organisation_docs(kaart) -> list[search.Doc]:
    tax = kaart.taxonomies
    docs = []
    for org in kaart.organisations:
        categories = sorted({c for s in org.diensten for c in s.categorieen})
        groups = sorted({d for s in org.diensten for d in s.doelgroepen})
        codes = all_gemeenten(org.gemeenten, tax)
        # By name too: "respijtzorg dronten" also finds help for all of Flevoland.
        places = {tax.name("gemeenten", code) for code in codes}
        places |= {loc.plaats for loc in org.locaties if loc.plaats}
        services = [f"{s.naam}. {s.beschrijving}" for s in org.diensten]
        docs.append(
            search.Doc(
                id=f"organisatie:{org.slug}",
                soort="organisatie",
                title=org.naam,
                url=f"/sociale-kaart/organisatie/{org.slug}/",
                description=org.beschrijving,
                body=" ".join(
                    [*services, *(tax.name("categorie", c) for c in categories)]
                    + [tax.name("doelgroep", d) for d in groups]
                ),
                plaats=" ".join(sorted(places)),
                gemeente=codes,
                doelgroep=groups,
                categorie=categories,
            )
        )
    return docs


def synonyms(content_dir: Path) -> dict[str, list[str]]:
    """The editors' synonym groups (checked by `site-builder check`), as the index uses them."""
    path = content_dir / SYNONYMS_FILE
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    return search.parse_synonyms(data.get("groepen", []))


def site_docs(site: Site) -> list[search.Doc]:
    docs = [page_doc(page) for page in site.pages]
    if site.kaart is not None:
        docs += organisation_docs(site.kaart)
    return docs


def build_index(site: Site, directory: Path) -> Path:
    return search.build(directory, site_docs(site), synonyms(site.content_dir))
