"""`site-builder check`: every problem in the content, found in one run.

Loading and schema errors come from `pages`; this module adds what needs the whole site:
links and anchors, images, unsafe markup, duplicate addresses and pages nobody can reach.
"""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sociale_kaart.model import SocialeKaart
from sociale_kaart.pages import page_paths

from . import kaart_worker
from .courses import check_courses, is_private
from .markdown_render import SCRIPT_SCHEMES, Locator, Rendered, render
from .nav import FOOTER_PAGES, build_nav, nav_pages
from .pages import Page, load_pages
from .problems import Problems
from .synonyms_check import check_synonyms
from .writing_check import Measured, check_writing

# Paths of the academie service that pages may link to with an absolute '/…' link (the path
# itself or anything below it). tests/test_service.py checks that each one has real routes.
SERVICE_PATHS: tuple[str, ...] = (
    "/status",
    "/academie",
    "/verifieer",
    "/inloggen",
    "/registreren",
    "/bijeenkomsten/agenda",
    # Listed on its own: the match is on whole path segments, so '/bijeenkomsten/agenda' does
    # not cover the feed of all meetings beside it.
    "/bijeenkomsten/agenda.ics",
    "/bijeenkomsten/gemeente",
    "/bijeenkomsten/thema",
    "/bijeenkomsten/beheer",
    "/zoeken",
)

_EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel"}


@dataclass
class Site:
    """The checked content: pages, their rendered HTML and the navigation."""

    content_dir: Path
    pages: list[Page]
    nav: list
    rendered: dict[str, Rendered] = field(default_factory=dict)
    links: dict[str, set[str]] = field(default_factory=dict)  # page → pages it links to
    kaart: SocialeKaart | None = None
    # Not errors: the site may be published with them, but the editor should look.
    warnings: Problems = field(default_factory=Problems)
    readability: list[Measured] = field(default_factory=list)


@dataclass
class _Target:
    rel: str | None  # the file inside content/ the link resolves to, if any
    fragment: str


def _suggest(wanted: str, options: list[str]) -> str:
    close = difflib.get_close_matches(wanted, options, n=1, cutoff=0.6)
    return f"bedoelt u '{close[0]}'?" if close else ""


class _Checker:
    def __init__(
        self, content_dir: Path, mkdocs_yml: Path, problems: Problems, today: dt.date
    ) -> None:
        self.content_dir = content_dir
        self.mkdocs_yml = mkdocs_yml
        self.problems = problems
        self.pages = load_pages(content_dir, problems, today)
        self.by_rel = {page.rel: page for page in self.pages}
        # Course and quiz YAML is never published, so no page may link to it.
        self.files = {
            p.relative_to(content_dir).as_posix()
            for p in content_dir.rglob("*")
            if p.is_file() and not is_private(p.name)
        }
        self.rendered: dict[str, Rendered] = {}
        self.links: dict[str, set[str]] = {}
        self.warnings = Problems()
        self.readability: list[Measured] = []

    def render(self, page: Page) -> Rendered:
        if page.rel not in self.rendered:
            self.rendered[page.rel] = render(page.body, self.mkdocs_yml)
        return self.rendered[page.rel]

    # -- whole-site checks -------------------------------------------------------------
    def check_required_pages(self) -> None:
        for rel, title in (("index.md", "Start"), *FOOTER_PAGES):
            if rel not in self.files:
                self.problems.add(
                    self.content_dir / rel,
                    1,
                    1,
                    f"de pagina '{title}' ({rel}) ontbreekt; elke pagina linkt ernaar",
                    f"maak het bestand {rel} aan",
                )

    def check_generated_paths(self, generated: frozenset[str]) -> None:
        for rel in sorted(generated & self.files):
            self.problems.add(
                self.content_dir / rel,
                1,
                1,
                f"de sociale kaart maakt zelf al een pagina op de plek {rel}",
                "geef dit bestand een andere naam; de gemaakte pagina zou het overschrijven",
            )

    def check_duplicate_urls(self) -> None:
        seen: dict[str, Page] = {}
        for page in self.pages:
            key = page.url.lower()
            if key in seen:
                first = seen[key]
                self.problems.add(
                    page.path,
                    1,
                    1,
                    f"deze pagina krijgt hetzelfde webadres '/{page.url}' als {first.rel}",
                    "geef een van de twee bestanden een andere naam",
                )
            else:
                seen[key] = page

    def check_ziektebeeld_refs(self) -> None:
        for page in self.pages:
            slug = page.meta.get("ziektebeeld")
            if not page.valid or not slug:
                continue
            if not ({f"ziektebeelden/{slug}.md", f"ziektebeelden/{slug}/index.md"} & self.files):
                known = sorted(
                    r.split("/")[1].removesuffix(".md")
                    for r in self.by_rel
                    if r.startswith("ziektebeelden/") and r != "ziektebeelden/index.md"
                )
                line, col = page.meta_doc.where(("ziektebeeld",))
                hint = _suggest(slug, known) or (
                    f"kies uit: {', '.join(known)}" if known else "maak eerst die ziektebeeldpagina"
                )
                self.problems.add(
                    page.path,
                    line,
                    col,
                    f"het ziektebeeld '{slug}' heeft geen pagina in content/ziektebeelden/",
                    hint,
                )

    def check_reachable(self, nav: list, course_pages: set[str] = frozenset()) -> None:
        # Lessons are reached through their course; courses.py checks that each one is listed.
        start = nav_pages(nav) | {rel for rel, _ in FOOTER_PAGES} | {"index.md"} | course_pages
        seen = set(start)
        queue = deque(start)
        while queue:
            for target in self.links.get(queue.popleft(), ()):
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        for page in self.pages:
            # An invalid page is left out of the menu; its schema error already says why.
            if page.valid and page.rel not in seen:
                self.problems.add(
                    page.path,
                    1,
                    1,
                    "geen menu en geen link komt bij deze pagina, dus niemand vindt hem",
                    "zet de pagina in een map van het menu (bijvoorbeeld mantelzorg/) "
                    "of link ernaar vanaf een andere pagina",
                )

    # -- per-page checks ---------------------------------------------------------------
    def check_page(self, page: Page) -> None:
        rendered = self.render(page)
        locator = Locator(page.body, page.body_line)
        self.links[page.rel] = set()
        for ref in rendered.refs:
            line, col = locator.find(ref.needle)
            if ref.kind == "unsafe":
                self._unsafe(page, line, col, ref.value)
            elif ref.kind == "image":
                self._image(page, line, col, ref.value, ref.alt)
            else:
                self._link(page, line, col, ref.value)

    def _unsafe(self, page: Page, line: int, col: int, what: str) -> None:
        if what.startswith("<"):
            message = f"de code {what} is niet toegestaan in een pagina"
        elif what.endswith("="):
            message = f"het attribuut '{what[:-1]}' is niet toegestaan (het kan een script starten)"
        else:
            message = f"een link die een script start ('{what}') is niet toegestaan"
        self.problems.add(
            page.path,
            line,
            col,
            message,
            "haal het weg; gebruik gewone Markdown voor tekst, links en afbeeldingen",
        )

    def _image(self, page: Page, line: int, col: int, src: str, alt: str | None) -> None:
        if not (alt or "").strip():
            self.problems.add(
                page.path,
                line,
                col,
                f"de afbeelding '{src}' heeft geen alt-tekst",
                "beschrijf tussen de [ ] wat er op de afbeelding te zien is, "
                f"bijvoorbeeld ![Een mantelzorger en haar vader]({src})",
            )
        parts = urlsplit(src)
        if parts.scheme or parts.netloc:
            self.problems.add(
                page.path,
                line,
                col,
                f"de afbeelding komt van een andere website ({parts.netloc or src})",
                "zet de afbeelding in de map content/ en verwijs ernaar; zo ziet "
                "geen andere website wie onze pagina's leest",
            )
            return
        target = self._resolve(page, line, col, src, kind="afbeelding")
        if target.rel is not None:
            self.links[page.rel].add(target.rel)

    def _link(self, page: Page, line: int, col: int, href: str) -> None:
        parts = urlsplit(href)
        if parts.scheme in _EXTERNAL_SCHEMES or parts.scheme in SCRIPT_SCHEMES:
            return  # script URLs are reported once, as unsafe markup
        if parts.scheme:
            self.problems.add(
                page.path,
                line,
                col,
                f"de link '{href}' heeft een onbekend soort adres ({parts.scheme}:)",
                "gebruik https://… voor een andere website of een link naar een .md-bestand",
            )
            return
        if href.startswith("//"):
            self.problems.add(
                page.path, line, col, f"de link '{href}' mist 'https:'", f"schrijf https:{href}"
            )
            return
        if href.startswith("/"):
            if not any(parts.path == p or parts.path.startswith(p + "/") for p in SERVICE_PATHS):
                self.problems.add(
                    page.path,
                    line,
                    col,
                    f"de link '{href}' begint met '/' en gaat niet naar een bekende plek",
                    "link naar het .md-bestand, bijvoorbeeld ../mantelzorg/index.md",
                )
            return
        target = self._resolve(page, line, col, href, kind="link")
        if target.rel is None:
            return
        if target.rel.endswith(".md"):
            self.links[page.rel].add(target.rel)
        if target.fragment:
            self._anchor(page, line, col, href, target)

    def _resolve(self, page: Page, line: int, col: int, href: str, kind: str) -> _Target:
        parts = urlsplit(href)
        fragment = unquote(parts.fragment)
        if not parts.path:
            return _Target(page.rel, fragment)
        joined = posixpath.normpath(
            posixpath.join(posixpath.dirname(page.rel), unquote(parts.path))
        )
        if joined.startswith("../") or joined == "..":
            self.problems.add(
                page.path,
                line,
                col,
                f"de {kind} '{href}' gaat buiten de map content/",
                "verwijs alleen naar bestanden in content/",
            )
            return _Target(None, fragment)
        if joined in self.files:
            return _Target(joined, fragment)
        for index in (f"{joined}/index.md", f"{joined}.md"):
            if index in self.files:
                self.problems.add(
                    page.path,
                    line,
                    col,
                    f"de {kind} '{href}' wijst naar een webadres in plaats van een bestand",
                    f"link naar het bestand zelf: "
                    f"'{posixpath.relpath(index, posixpath.dirname(page.rel) or '.')}'",
                )
                return _Target(None, fragment)
        relative = [posixpath.relpath(f, posixpath.dirname(page.rel) or ".") for f in self.files]
        suggestion = _suggest(unquote(parts.path), relative)
        self.problems.add(
            page.path,
            line,
            col,
            f"de {kind} '{href}' gaat naar een bestand dat niet bestaat",
            suggestion
            or "controleer de naam en de map; een link gaat naar een "
            ".md-bestand, bijvoorbeeld ../mantelzorg/wat-is-mantelzorg.md",
        )
        return _Target(None, fragment)

    def _anchor(self, page: Page, line: int, col: int, href: str, target: _Target) -> None:
        target_page = self.by_rel.get(target.rel)
        if target_page is None:
            return
        ids = self.render(target_page).ids
        if target.fragment in ids:
            return
        hint = _suggest(target.fragment, sorted(ids))
        where = "op deze pagina" if target.rel == page.rel else f"op {target.rel}"
        self.problems.add(
            page.path,
            line,
            col,
            f"de link '{href}' wijst naar een kop '#{target.fragment}' die niet bestaat {where}",
            hint or "kopieer de naam van de kop uit het adres van die pagina (het deel na #)",
        )

    def check_texts(self, only: set[str] | None = None) -> None:
        """Render the pages and check how they are written: all that needs no other file.

        `only`: just these pages (paths in content/), for a preview of a few changed pages.
        """
        pages = [p for p in self.pages if only is None or p.rel in only]
        for page in pages:
            self.render(page)
        html = {rel: rendered.html for rel, rendered in self.rendered.items()}
        self.readability = check_writing(
            self.content_dir, pages, html, self.problems, self.warnings
        )

    def run(
        self,
        generated: frozenset[str] = frozenset(),
        only: set[str] | None = None,
        known_links: dict[str, set[str]] | None = None,
    ) -> Site:
        """The checks across files; `generated` are the pages the build adds (sociale kaart).

        With `only`, the links of just those pages are checked; `known_links` are the links of
        the other pages, as the last full check found them.
        """
        if known_links:
            self.links.update({rel: set(targets) for rel, targets in known_links.items()})
        self.check_generated_paths(generated)
        # Pages the build generates are valid link targets for content pages.
        self.files |= generated
        self.check_required_pages()
        self.check_duplicate_urls()
        self.check_ziektebeeld_refs()
        check_synonyms(self.content_dir, self.problems)
        course_pages = check_courses(self.content_dir, self.problems)
        for page in self.pages:
            if only is None or page.rel in only:
                self.check_page(page)
        nav = build_nav([p for p in self.pages if p.valid])
        self.check_reachable(nav, course_pages)
        site = Site(self.content_dir, self.pages, nav, self.rendered, self.links)
        site.warnings, site.readability = self.warnings, self.readability
        return site


def check(
    content_dir: Path,
    mkdocs_yml: Path,
    today: dt.date | None = None,
    kaart_dir: Path | None = None,
) -> tuple[Site, Problems]:
    """Check all content, and the sociale kaart in `kaart_dir` if given.

    The site model is only safe to publish if problems is empty.
    """
    problems = Problems()
    if not content_dir.is_dir():
        problems.add(
            content_dir,
            1,
            1,
            "de map met pagina's bestaat niet",
            "start het commando in de hoofdmap van het project",
        )
        return Site(content_dir, [], []), problems
    today = today or dt.date.today()
    # The sociale kaart and the pages do not depend on each other until links are checked:
    # a large kaart loads in a second process meanwhile.
    loading = kaart_worker.Loading(kaart_dir, today) if kaart_dir is not None else None
    try:
        checker = _Checker(content_dir, mkdocs_yml, problems, today)
        checker.check_texts()
        kaart = loading.result(problems) if loading is not None else None
    finally:
        if loading is not None:
            loading.stop()
    generated = frozenset(page_paths(kaart)) if kaart is not None else frozenset()
    site = checker.run(generated)
    site.kaart = kaart
    return site, problems
