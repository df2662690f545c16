"""The one loader for Markdown pages in content/: front matter, body and where each starts.

The builder and the service both read pages through `load_pages`, so a page that the checker
accepts is exactly the page that gets published.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problems
from .schema import validate
from .yamlfile import YamlDoc, YamlError, load_yaml, read_text

_FENCE = re.compile(r"^(---|\.\.\.)\s*$")
_SLUG_PART = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class Page:
    path: Path  # the file on disk
    rel: str  # path inside content/, with '/', e.g. 'mantelzorg/wat-is-mantelzorg.md'
    meta: dict
    body: str
    body_line: int  # the file line on which the body starts
    meta_doc: YamlDoc = field(repr=False)
    valid: bool = True  # False when the front matter breaks the schema; links are still checked

    @property
    def url(self) -> str:
        """The page's URL path below the site root, as MkDocs makes it ('' for the home page)."""
        stem = self.rel[: -len(".md")]
        if stem == "index":
            return ""
        if stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"

    @property
    def last_checked(self) -> dt.date:
        return dt.date.fromisoformat(self.meta["laatst_gecontroleerd"])


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, body's first line) or None if the file has no front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    return None


def _check_file_name(rel: str, path: Path, problems: Problems) -> None:
    for part in rel[: -len(".md")].split("/"):
        if not _SLUG_PART.match(part):
            problems.add(
                path,
                1,
                1,
                f"de naam '{part}' in het pad kan niet in een webadres",
                "gebruik alleen kleine letters, cijfers en streepjes, bijvoorbeeld "
                "'hulp-bij-dementie.md'",
            )
            return


def load_page(path: Path, content_dir: Path, problems: Problems, today: dt.date) -> Page | None:
    """Read one page; add every problem with it to `problems`.

    None only when the body cannot be found; a page with schema errors is returned with
    `valid=False` so that its links are still checked in the same run.
    """
    rel = path.relative_to(content_dir).as_posix()
    _check_file_name(rel, path, problems)
    text = read_text(path, problems)
    if text is None:
        return None
    split = split_front_matter(text)
    if split is None:
        if text.startswith("---"):
            problems.add(
                path,
                1,
                1,
                "de kop (front matter) is niet afgesloten",
                "zet na het laatste veld een regel met alleen '---'",
            )
        else:
            problems.add(
                path,
                1,
                1,
                "de pagina heeft geen kop (front matter)",
                "begin het bestand met '---', dan de velden (title, description, ...), "
                "dan weer '---'; zie het sjabloon in CONTRIBUTING.md",
            )
        return None
    front, body, body_line = split
    try:
        doc = load_yaml(front, first_line=2)
    except YamlError as exc:
        problems.add(path, exc.line, exc.col, f"fout in de kop: {exc.message}", exc.fix)
        return None
    meta = doc.data if doc.data is not None else {}
    errors = validate("page", meta)
    for err_path, message, fix in errors:
        line, col = doc.where(err_path)
        problems.add(path, line, col, message, fix)
    page = Page(
        path, rel, meta if isinstance(meta, dict) else {}, body, body_line, doc, valid=not errors
    )
    if page.valid and page.last_checked > today:
        line, col = doc.where(("laatst_gecontroleerd",))
        problems.add(
            path,
            line,
            col,
            f"de datum laatst_gecontroleerd ({page.last_checked}) ligt in de toekomst",
            "vul de datum in waarop u de pagina echt hebt nagekeken",
        )
    return page


def load_pages(content_dir: Path, problems: Problems, today: dt.date | None = None) -> list[Page]:
    """Every page below `content_dir` whose body could be read, sorted by path."""
    today = today or dt.date.today()
    pages = []
    for path in sorted(content_dir.rglob("*.md")):
        if any(part.startswith(".") for part in path.relative_to(content_dir).parts):
            continue
        page = load_page(path, content_dir, problems, today)
        if page is not None:
            pages.append(page)
    return pages
