"""The built site refers to no other host, except links that editors wrote in the content.

A browser test (tests/e2e/test_privacy.py) watches real requests; this scan also covers code
paths a test visit does not take, such as a script that only runs on old browsers.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from tests.conftest import CONTENT, EDIT_URL, MKDOCS_YML, ROOT, SITE_URL

URL = re.compile(r"""(?:https?:)?//[a-z0-9][a-z0-9.-]*\.[a-z]{2,}[^\s"'`)<>]*""", re.I)
# In script, '//' also starts comments and ends regular expressions: only full URLs count.
JS_URL = re.compile(r"""https?://[a-z0-9][a-z0-9.-]*\.[a-z]{2,}[^\s"'`)<>]*""", re.I)
OWN_HOST = urlsplit(SITE_URL).netloc
# Name-space identifiers and schema ids: text that names a standard, never fetched.
NAMESPACES = ("http://www.w3.org/", "http://www.sitemaps.org/schemas/", "https://schema.org")
# "Bewerk deze pagina" and "Meld een fout" lead to the project's own repository.
REPOSITORY = EDIT_URL.split("/edit/", 1)[0] + "/"
KAART = ROOT / "sociale_kaart"
# Strings inside mkdocs-material's bundle for features this site does not switch on. Each is
# paired with the setting that keeps it dead, which `test_dead_theme_features_stay_off` checks.
DEAD_THEME_CODE = {
    "https://api.github.com/repos/": "repository statistics; only with repo_url",
    "https://api.github.com/users/": "repository statistics; only with repo_url",
    "https://unpkg.com/mermaid@": "Mermaid diagrams; only with a mermaid superfence",
}
# A link in the JS search worker's error message, shown in the developer console only.
CONSOLE_TEXT = ("https://bit.ly/2s3ChXG",)


def content_links() -> set[str]:
    """Links editors wrote: in pages, in sociale-kaart entries (websites of organisations), and
    the few the sociale-kaart code writes itself (licence, standards)."""
    found = set()
    sources = [*CONTENT.rglob("*.md"), *KAART.glob("organisaties/*.yaml"), *KAART.glob("*.py")]
    for path in sources:
        found.update(URL.findall(path.read_text("utf-8")))
    return found


def strip_comments(text: str) -> str:
    """Drop CSS/JS comments and the licence comments inside inline SVG icons."""
    text = re.sub(r"/\*[\s\S]*?\*/", "", text)
    text = re.sub(r"\\3c !--[\s\S]*?--(\\3e ?|>)", "", text)
    return re.sub(r"(?m)^\s*//.*$", "", text)


def is_own(url: str) -> bool:
    return urlsplit(url if "://" in url else "https:" + url).netloc in ("", OWN_HOST)


class _Resources(HTMLParser):
    """URLs in an HTML page, split into things the browser loads and links a person follows."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []
        self.followed: list[str] = []
        self.inline: list[str] = []
        self._in_script_or_style = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self._in_script_or_style = tag in ("script", "style")
        for name, value in attrs:
            if not value or name.startswith("xmlns"):
                continue
            followed = tag == "a" or (tag == "link" and values.get("rel") == "canonical")
            if followed and name == "href":
                self.followed.append(value)
            elif name in ("src", "href", "srcset", "poster", "data", "action", "formaction"):
                self.loaded.extend(URL.findall(value) or [value])
            elif name == "style":
                self.inline.append(value)

    def handle_data(self, data):
        if self._in_script_or_style:
            self.inline.append(data)

    def handle_endtag(self, tag):
        self._in_script_or_style = False


def external_references(site: Path) -> list[str]:
    allowed_links = content_links()
    problems = []
    for path in site.rglob("*"):
        rel = path.relative_to(site).as_posix()
        if path.suffix == ".html":
            parser = _Resources()
            parser.feed(path.read_text("utf-8"))
            for url in parser.loaded:
                if not is_own(url) and url.startswith(("http", "//")):
                    problems.append(f"{rel}: laadt {url}")
            for url in parser.followed:
                if is_own(url) or not url.startswith(("http", "//")):
                    continue
                if url not in allowed_links and not url.startswith(REPOSITORY):
                    problems.append(f"{rel}: link naar {url} staat niet in de inhoud")
            for text in parser.inline:
                # Links in JSON-LD (the sociale kaart's structured data) are data, never loaded.
                problems += [
                    f"{rel}: {u}"
                    for u in JS_URL.findall(strip_comments(text))
                    if not is_own(u) and not u.startswith(NAMESPACES) and u not in allowed_links
                ]
        elif path.suffix in (".js", ".css", ".json", ".xml", ".webmanifest"):
            pattern = JS_URL if path.suffix == ".js" else URL
            for url in pattern.findall(strip_comments(path.read_text("utf-8", errors="replace"))):
                if is_own(url) or url.startswith(NAMESPACES) or url.startswith(CONSOLE_TEXT):
                    continue
                if any(url.startswith(dead) for dead in DEAD_THEME_CODE):
                    continue
                if path.suffix == ".json" and url in allowed_links:
                    continue  # open data and search data name websites; nothing loads them
                problems.append(f"{rel}: {url}")
    return problems


def test_the_built_site_refers_to_no_other_host(built_site):
    assert external_references(built_site) == []


def test_dead_theme_features_stay_off():
    config = yaml.safe_load(MKDOCS_YML.read_text("utf-8"))
    assert "repo_url" not in config
    fences = str(config.get("markdown_extensions", ""))
    assert "mermaid" not in fences


def test_the_scan_finds_a_third_party_script(built_site, tmp_path):
    """The scan itself must be able to fail: plant each kind of leak in a copy of the site."""
    copy = tmp_path / "site"
    (copy / "a").mkdir(parents=True)
    (copy / "a" / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<script>fetch("https://tracker.example.net/p")</script></head>'
        '<body><img src="//cdn.example.org/x.png"><a href="https://niet-in-de-inhoud.example/">x</a>'
        "</body></html>",
        "utf-8",
    )
    (copy / "b.css").write_text("body{background:url(https://cdn.example.org/bg.png)}", "utf-8")
    found = external_references(copy)
    assert len(found) == 5, found
