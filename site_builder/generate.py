"""Write the Markdown tree and the MkDocs settings that MkDocs builds from.

Everything the portal adds to a page (last-checked date, sources, the lotgenoten meetings on a
ziektebeeld page) is written here as plain Markdown, so MkDocs stays a thin last step that
another generator could replace.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import yaml
from babel.dates import format_date

from .check import Site
from .courses import is_private
from .nav import FOOTER_PAGES
from .pages import Page
from .yamlfile import dump_yaml

THEME_CSS = "assets/stylesheets/mantelzorgacademie.css"


def dutch_date(page: Page) -> str:
    return format_date(page.last_checked, format="long", locale="nl")


def _sources_markdown(page: Page) -> str:
    lines = ["", "", "## Bronnen { #bronnen }", ""]
    for source in page.meta["bronnen"]:
        title = source["title"].replace("[", "(").replace("]", ")")
        if "url" in source:
            lines.append(f"- [{title}]({source['url']})")
        else:
            lines.append(f"- {title} ({source['document']})")
    lines += ["", f"Laatst gecontroleerd op {dutch_date(page)}.", "{ .mza-gecontroleerd }", ""]
    return "\n".join(lines)


def ziektebeeld_slug(page: Page) -> str | None:
    """The slug of a ziektebeeld page (`ziektebeelden/<slug>.md` or `<slug>/index.md`), else None.

    It is the same slug the service uses for `?thema=` and the calendar feeds.
    """
    parts = page.rel.split("/")
    if parts[0] != "ziektebeelden":
        return None
    if len(parts) == 2 and parts[1] != "index.md":
        return parts[1].removesuffix(".md")
    if len(parts) == 3 and parts[2] == "index.md":
        return parts[1]
    return None


def _in_sentence(title: str) -> str:
    # "over Dementie" reads wrong in Dutch; lowercase the first letter, but leave abbreviations
    # such as "MS" or "NAH" alone.
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def _lotgenoten_markdown(page: Page) -> str:
    """Every ziektebeeld page points to the meetings on that illness, so nobody has to search."""
    slug = ziektebeeld_slug(page)
    if slug is None:
        return ""
    title = _in_sentence(str(page.meta["title"]).replace("[", "(").replace("]", ")"))
    # Absolute links: the agenda and the feeds are pages of the service, not of this site.
    return "\n".join(
        [
            "",
            "",
            "## Lotgenoten ontmoeten { #lotgenoten }",
            "",
            "Er zijn bijeenkomsten voor mantelzorgers. Daar praat u met anderen die ook zorgen "
            "voor iemand met deze ziekte.",
            "",
            f"- [Bekijk de bijeenkomsten over {title}](/bijeenkomsten/agenda?thema={slug})",
            f"- [Zet deze bijeenkomsten in uw agenda](/bijeenkomsten/thema/{slug}.ics)",
            "",
            "Kopieer de tweede link en zet hem in de agenda op uw telefoon of computer. "
            "Dan ziet u nieuwe bijeenkomsten vanzelf.",
        ]
    )


def _front_matter(page: Page) -> dict:
    meta = dict(page.meta)
    if page.rel == "index.md":
        # The home page is a landing page: no side menus.
        meta["hide"] = ["navigation", "toc"]
    return meta


def page_markdown(page: Page) -> str:
    """The Markdown MkDocs gets for a content page."""
    front = dump_yaml(_front_matter(page))
    body = page.body.rstrip() + _lotgenoten_markdown(page)
    return f"---\n{front}---\n{body}\n{_sources_markdown(page)}"


def write_page(page: Page, docs_dir: Path) -> None:
    target = docs_dir / page.rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page_markdown(page), "utf-8")


def write_docs(site: Site, docs_dir: Path) -> None:
    """A fresh docs tree: generated pages, the content's other files and the theme's CSS."""
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    docs_dir.mkdir(parents=True)
    for page in site.pages:
        write_page(page, docs_dir)
    for path in site.content_dir.rglob("*"):
        rel = path.relative_to(site.content_dir)
        if (
            path.is_file()
            and path.suffix != ".md"
            and not rel.parts[0].startswith(".")
            # Course and quiz YAML hold the answer key: never published.
            and not is_private(rel.as_posix())
        ):
            (docs_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, docs_dir / rel)
    css = resources.files("site_builder.theme").joinpath("assets/mantelzorgacademie.css")
    (docs_dir / THEME_CSS).parent.mkdir(parents=True, exist_ok=True)
    (docs_dir / THEME_CSS).write_text(css.read_text("utf-8"), "utf-8")


def write_mkdocs_config(
    base_config: Path,
    target: Path,
    *,
    docs_dir: Path,
    site_dir: Path,
    nav: list,
    site_url: str,
    edit_url: str,
) -> Path:
    """The base mkdocs.yml plus what is generated from content and settings."""
    config = yaml.safe_load(base_config.read_text("utf-8")) or {}
    overrides = Path(str(resources.files("site_builder.theme").joinpath("overrides")))
    config.update(
        docs_dir=str(docs_dir.resolve()),
        site_dir=str(site_dir.resolve()),
        nav=nav,
        site_url=site_url,
        # An absolute edit_uri without repo_url: the edit button works, and the theme does not
        # ask GitHub's API for repository statistics (a third-party request).
        edit_uri=edit_url,
        strict=True,
    )
    config.pop("repo_url", None)
    config["theme"] = {**config.get("theme", {}), "custom_dir": str(overrides.resolve())}
    config["extra_css"] = [*config.get("extra_css", []), THEME_CSS]
    footer = [{"title": title, "url": rel.removesuffix(".md") + "/"} for rel, title in FOOTER_PAGES]
    config["extra"] = {**config.get("extra", {}), "footer_links": footer}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return target
