"""`site-builder voorbeeld`: the site again after changing a few pages, in seconds.

A full build of 11,000 pages takes minutes; an editor who changed one article should not wait
for that. After each full build, `save_state` writes down what went into it (a hash of every
file in content/ and of the sociale kaart, the menu, the links between pages). The preview then
compares: when only Markdown pages in content/ changed or were added, it checks those pages
(schema, links, anchors, own words, readability; the whole-site checks too), writes their
Markdown, and lets MkDocs rebuild just those pages in site/ (`mkdocs build --dirty`).

Anything else — a changed sociale kaart, a removed file, a picture, a course or quiz, a new menu
title, other settings, another day — makes a full build, and the preview says why. The search
index is not updated by a preview; the next full build does that. The full build in the pull
request stays the one that counts: it checks every page against every other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from .build import BuildError, _drop_source_maps, _self_host_polyfill
from .check import Site, _Checker
from .generate import page_markdown
from .pages import Page
from .problems import Problems

STATE_FILE = "bouwstaat.json"
STATE_VERSION = 1
PREVIEW_CONFIG = "mkdocs-voorbeeld.yml"


class FullBuildNeeded(Exception):
    """The change is more than a preview can safely do; the message says why, in Dutch."""


@dataclass
class PreviewResult:
    pages: list[str]  # paths in content/ that were rebuilt
    site_dir: Path
    seconds: float


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hashes(content_dir: Path) -> dict[str, str]:
    """Every file in content/ (as the build sees it: no hidden folders) and its hash."""
    found = {}
    for path in sorted(content_dir.rglob("*")):
        rel = path.relative_to(content_dir)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            found[rel.as_posix()] = _sha(path.read_bytes())
    return found


def tree_hash(folder: Path | None) -> str:
    """One hash over the names and contents of all files below `folder`."""
    digest = hashlib.sha256()
    if folder is not None and folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(_sha(path.read_bytes()).encode())
    return digest.hexdigest()


def _settings(base_config: Path, site_url: str, edit_url: str) -> str:
    # The theme's templates shape every page: a change there needs a full build as well.
    theme = Path(str(resources.files("site_builder.theme")))
    parts = [
        base_config.read_bytes(),
        site_url.encode(),
        edit_url.encode(),
        tree_hash(theme).encode(),
    ]
    return _sha(b"\0".join(parts))


def _site_place(build_dir: Path, site_dir: Path) -> str:
    # Relative, so a work folder with build/ and site/ side by side may be moved or restored
    # from a cache as a whole.
    return os.path.relpath(site_dir.resolve(), build_dir.resolve())


def _state_path(build_dir: Path) -> Path:
    return build_dir / STATE_FILE


def forget_state(build_dir: Path) -> None:
    """Called before a full build: until it succeeds, build/ no longer matches site/."""
    _state_path(build_dir).unlink(missing_ok=True)


def save_state(
    build_dir: Path,
    *,
    site: Site,
    kaart_dir: Path | None,
    base_config: Path,
    site_dir: Path,
    site_url: str,
    edit_url: str,
    today: dt.date | None = None,
) -> Path:
    """What went into the full build just made, for the next preview."""
    from sociale_kaart.pages import page_paths

    generated = sorted(page_paths(site.kaart)) if site.kaart is not None else []
    state = {
        "versie": STATE_VERSION,
        "datum": (today or dt.date.today()).isoformat(),
        "instellingen": _settings(base_config, site_url, edit_url),
        "site": _site_place(build_dir, site_dir),
        "inhoud": content_hashes(site.content_dir),
        "sociale_kaart": tree_hash(kaart_dir),
        "gemaakt": generated,
        "menu": site.nav,
        "links": {rel: sorted(targets) for rel, targets in sorted(site.links.items())},
    }
    target = _state_path(build_dir)
    partial = target.with_suffix(".tmp")
    partial.write_text(json.dumps(state, ensure_ascii=False), "utf-8")
    os.replace(partial, target)
    return target


def _load_state(build_dir: Path) -> dict:
    try:
        state = json.loads(_state_path(build_dir).read_text("utf-8"))
    except (OSError, ValueError):
        raise FullBuildNeeded("er is nog geen volledige bouw om op voort te bouwen") from None
    if state.get("versie") != STATE_VERSION:
        raise FullBuildNeeded("de vorige bouw is met een andere versie gemaakt")
    return state


def changed_pages(
    state: dict,
    *,
    content_dir: Path,
    kaart_dir: Path | None,
    base_config: Path,
    build_dir: Path,
    site_dir: Path,
    site_url: str,
    edit_url: str,
    today: dt.date,
) -> list[str]:
    """The Markdown pages in content/ that changed since the last full build.

    Raises FullBuildNeeded when anything else changed.
    """
    if state["datum"] != today.isoformat():
        raise FullBuildNeeded(
            "de vorige bouw is van een andere dag (de sociale kaart toont de datum)"
        )
    site_moved = state["site"] != _site_place(build_dir, site_dir)
    if site_moved or not (site_dir / "index.html").is_file():
        raise FullBuildNeeded(f"de site in {site_dir} komt niet van de vorige bouw")
    if state["instellingen"] != _settings(base_config, site_url, edit_url):
        raise FullBuildNeeded("de instellingen of het thema zijn veranderd")
    if state["sociale_kaart"] != tree_hash(kaart_dir):
        raise FullBuildNeeded("de sociale kaart is veranderd")
    before, now = state["inhoud"], content_hashes(content_dir)
    gone = sorted(set(before) - set(now))
    if gone:
        raise FullBuildNeeded(f"{gone[0]} is weggehaald")
    changed = sorted(rel for rel, sha in now.items() if before.get(rel) != sha)
    other = [rel for rel in changed if not rel.endswith(".md")]
    if other:
        raise FullBuildNeeded(f"{other[0]} is veranderd, en alleen pagina's (.md) gaan snel")
    return changed


def _titled(nav: list, titles: dict[str, str]) -> list:
    """The menu with a title for every page in it, also for those MkDocs would read it from."""
    found: list = []
    for item in nav:
        if isinstance(item, str):
            found.append({titles[item]: item} if item in titles else item)
        else:
            ((title, value),) = item.items()
            found.append({title: _titled(value, titles) if isinstance(value, list) else value})
    return found


def _mkdocs_dirty(build_dir: Path, site_dir: Path, titles: dict[str, str]) -> None:
    """MkDocs once more on the docs tree of the last build, rendering only changed pages.

    Without --strict: a dirty build always warns that other pages' menus may be out of date,
    which is why a changed menu makes a full build instead. MkDocs does not read the pages it
    skips, so the menu gets their titles written out (the same ones MkDocs takes from a page).
    """
    config = yaml.safe_load((build_dir / "mkdocs.yml").read_text("utf-8"))
    config["nav"] = _titled(config["nav"], titles)
    config["docs_dir"] = str((build_dir / "docs").resolve())
    config["site_dir"] = str(site_dir.resolve())
    config["strict"] = False
    target = build_dir / PREVIEW_CONFIG
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--dirty",
            "--quiet",
            "--config-file",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    if result.returncode != 0:
        raise BuildError((result.stdout + result.stderr).strip())


def _write_if_changed(page: Page, docs_dir: Path) -> bool:
    """Write the page's Markdown; leave the file (and its time) alone when it is the same.

    MkDocs' --dirty rebuilds a page when its Markdown is newer than its HTML.
    """
    target = docs_dir / page.rel
    text = page_markdown(page).encode("utf-8")
    if target.is_file() and target.read_bytes() == text:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text)
    return True


def preview(
    *,
    content_dir: Path,
    kaart_dir: Path | None,
    base_config: Path,
    build_dir: Path,
    site_dir: Path,
    site_url: str,
    edit_url: str,
    today: dt.date | None = None,
) -> tuple[PreviewResult | None, Problems, Problems]:
    """Rebuild the pages that changed since the last full build.

    Returns (result, problems, warnings); result is None when there are problems (nothing is
    written then). Raises FullBuildNeeded when a preview cannot do it.
    """
    started = time.perf_counter()
    today = today or dt.date.today()
    state = _load_state(build_dir)
    changed = changed_pages(
        state,
        content_dir=content_dir,
        kaart_dir=kaart_dir,
        base_config=base_config,
        build_dir=build_dir,
        site_dir=site_dir,
        site_url=site_url,
        edit_url=edit_url,
        today=today,
    )
    problems = Problems()
    checker = _Checker(content_dir, base_config, problems, today)
    only = set(changed)
    checker.check_texts(only)
    known = {rel: set(targets) for rel, targets in state["links"].items() if rel not in only}
    site = checker.run(frozenset(state["gemaakt"]), only=only, known_links=known)
    if problems:
        return None, problems, site.warnings
    if site.nav != state["menu"]:
        raise FullBuildNeeded("het menu is veranderd (een titel, volgorde of nieuwe menupagina)")
    docs_dir = build_dir / "docs"
    by_rel = {page.rel: page for page in site.pages}
    rebuilt = [rel for rel in changed if rel in by_rel and _write_if_changed(by_rel[rel], docs_dir)]
    if rebuilt:
        titles = {page.rel: str(page.meta["title"]) for page in site.pages if page.valid}
        _mkdocs_dirty(build_dir, site_dir, titles)
        # MkDocs copies the theme's source maps again; the polyfill is already our own copy.
        _drop_source_maps(site_dir)
        _self_host_polyfill(site_dir, site_url)
    # The next preview starts from here: these pages are now as in site/.
    state["inhoud"] = content_hashes(content_dir)
    state["links"] = {rel: sorted(targets) for rel, targets in sorted(site.links.items())}
    partial = _state_path(build_dir).with_suffix(".tmp")
    partial.write_text(json.dumps(state, ensure_ascii=False), "utf-8")
    os.replace(partial, _state_path(build_dir))
    return PreviewResult(rebuilt, site_dir, time.perf_counter() - started), problems, site.warnings
