"""Render a page body the way MkDocs will, and list what the HTML refers to.

The checker must see the same ids and links as the published page, so it renders with the
Markdown extensions configured in mkdocs.yml (plus the ones MkDocs always adds).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import markdown
import yaml

# MkDocs always loads these before the ones in mkdocs.yml.
_MKDOCS_BUILTIN = ["toc", "tables", "fenced_code"]


@cache
def extensions_from(mkdocs_yml: Path) -> tuple[list[str], dict]:
    config = yaml.safe_load(mkdocs_yml.read_text("utf-8")) or {}
    names, configs = list(_MKDOCS_BUILTIN), {}
    for item in config.get("markdown_extensions", []) or []:
        if isinstance(item, dict):
            ((name, options),) = item.items()
            configs[name] = options or {}
        else:
            name = item
        if name not in names:
            names.append(name)
    return names, configs


@dataclass
class Ref:
    """Something in the rendered page: a link, an image or unsafe markup."""

    kind: str  # 'link' | 'image' | 'unsafe'
    value: str  # the URL, or the offending markup
    needle: str  # text to search for in the source to find the line
    alt: str | None = None


@dataclass
class Rendered:
    html: str
    ids: set[str] = field(default_factory=set)
    refs: list[Ref] = field(default_factory=list)


# Markup that would let an editor run script or embed another site in a page.
_FORBIDDEN_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "frame",
    "frameset",
    "applet",
    "base",
    "form",
    "style",
    "meta",
    "link",
}
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
_SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.I)
SCRIPT_SCHEMES = {"javascript", "vbscript", "data"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = Rendered("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.out.ids.add(values["id"])
        if tag in _FORBIDDEN_TAGS:
            self.out.refs.append(Ref("unsafe", f"<{tag}>", f"<{tag}"))
        for name, value in values.items():
            if name.startswith("on"):
                self.out.refs.append(Ref("unsafe", f"{name}=", name))
            elif name in _URL_ATTRS and _SCRIPT_URL.match(value):
                self.out.refs.append(Ref("unsafe", value.strip()[:40], value.strip()[:40]))
        if tag == "a" and "href" in values:
            self.out.refs.append(Ref("link", values["href"], values["href"]))
        if tag == "img":
            src = values.get("src", "")
            self.out.refs.append(Ref("image", src, src, alt=values.get("alt")))

    handle_startendtag = handle_starttag


_converters = threading.local()


def _converter(mkdocs_yml: Path) -> markdown.Markdown:
    """One Markdown object per thread and configuration, reset between pages.

    Setting up the extensions took a sixth of the time of rendering a page.
    """
    found = getattr(_converters, "by_config", None)
    if found is None:
        found = _converters.by_config = {}
    if mkdocs_yml not in found:
        names, configs = extensions_from(mkdocs_yml)
        found[mkdocs_yml] = markdown.Markdown(extensions=names, extension_configs=configs)
    return found[mkdocs_yml].reset()


def render(body: str, mkdocs_yml: Path) -> Rendered:
    html = _converter(mkdocs_yml).convert(body)
    collector = _Collector()
    collector.feed(html)
    collector.close()
    collector.out.html = html
    return collector.out


class Locator:
    """Finds the line and column of the n-th occurrence of a text in a page body."""

    def __init__(self, body: str, first_line: int) -> None:
        self._lower = body.lower()
        self._first_line = first_line
        self._next: dict[str, int] = {}

    def find(self, needle: str) -> tuple[int, int]:
        key = needle.lower()
        start = self._next.get(key, 0)
        index = self._lower.find(key, start) if key else -1
        if index < 0 and start:
            index = self._lower.find(key)
        if index < 0:
            return self._first_line, 1
        self._next[key] = index + len(key)
        line = self._lower.count("\n", 0, index)
        col = index - (self._lower.rfind("\n", 0, index) + 1)
        return self._first_line + line, col + 1
