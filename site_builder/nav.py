"""The site navigation, generated from the folders in content/.

The menu stays small on purpose: each section lists its own pages and the index pages of its
sub-folders, never the item pages of large collections (measured with mkdocs-material: 2,000
pages in the navigation made every page 630 KB; a small menu keeps them near 16 KB).
"""

from __future__ import annotations

from collections.abc import Iterable

from .pages import Page

# Folder in content/ → menu title, in menu order.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("mantelzorg", "Mantelzorg"),
    ("ziektebeelden", "Ziektebeelden"),
    ("cursussen", "Cursussen"),
    ("sociale-kaart", "Sociale kaart"),
    ("bijeenkomsten", "Bijeenkomsten"),
)

# Pages linked from the footer of every page (see theme/overrides/partials/copyright.html).
FOOTER_PAGES: tuple[tuple[str, str], ...] = (
    ("over/privacy.md", "Privacy"),
    ("over/toegankelijkheid.md", "Toegankelijkheid"),
)


def _order(page: Page) -> tuple:
    return (page.meta.get("volgorde", 500), str(page.meta.get("title", page.rel)).lower())


def _section_items(section: str, pages: Iterable[Page]) -> list[Page]:
    """A section's own pages and the index pages of its direct sub-folders."""
    items = []
    for page in pages:
        parts = page.rel.split("/")
        if parts[0] != section:
            continue
        own = len(parts) == 2 and parts[1] != "index.md"
        sub_index = len(parts) == 3 and parts[2] == "index.md"
        if own or sub_index:
            items.append(page)
    return sorted(items, key=_order)


def build_nav(pages: list[Page]) -> list:
    """The MkDocs `nav` list: home, then each section that has an index page."""
    by_rel = {page.rel: page for page in pages}
    nav: list = []
    if "index.md" in by_rel:
        nav.append({"Start": "index.md"})
    for folder, title in SECTIONS:
        index = f"{folder}/index.md"
        if index not in by_rel:
            continue
        entries: list = [index]
        entries += [{str(p.meta.get("title", p.rel)): p.rel} for p in _section_items(folder, pages)]
        nav.append({title: entries})
    return nav


def nav_pages(nav: list) -> set[str]:
    """Every page path that the navigation links to."""
    found: set[str] = set()

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, str):
                found.add(item)
            else:
                for value in item.values():
                    walk(value) if isinstance(value, list) else found.add(value)

    walk(nav)
    return found
