"""`site-builder build`: check, generate, run MkDocs, and swap the new site in at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from .check import Site
from .generate import write_docs, write_mkdocs_config


class BuildError(Exception):
    """MkDocs refused the generated tree; its own output is attached."""


@dataclass
class BuildResult:
    site_dir: Path
    pages: int
    seconds: float
    index_dir: Path | None = None  # the new search index, when build_site made one
    index_seconds: float = 0.0


def _drop_source_maps(site_dir: Path) -> None:
    # The theme's *.map files only serve browser developer tools; visitors never load them.
    for path in site_dir.rglob("*.map"):
        path.unlink()


# mkdocs-material fetches a polyfill from unpkg.com on browsers without ResizeObserver (older
# phones): a third-party request. We serve our vendored copy of the same file instead.
POLYFILL_CDN = "https://unpkg.com/resize-observer-polyfill"
POLYFILL_PATH = "assets/javascripts/vendor/resize-observer-polyfill.js"


def _self_host_polyfill(site_dir: Path, site_url: str) -> None:
    vendored = resources.files("site_builder.theme").joinpath("vendor/resize-observer-polyfill.js")
    target = site_dir / POLYFILL_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(vendored.read_text("utf-8"), "utf-8")
    local = urlsplit(site_url).path.rstrip("/") + "/" + POLYFILL_PATH
    bundles = list((site_dir / "assets" / "javascripts").glob("bundle.*.min.js"))
    patched = 0
    for bundle in bundles:
        text = bundle.read_text("utf-8")
        if POLYFILL_CDN in text:
            bundle.write_text(text.replace(f'"{POLYFILL_CDN}"', f'"{local}"'), "utf-8")
            patched += 1
        elif f'"{local}"' in text:
            patched += 1  # done by an earlier build (a preview builds into the same site/)
    if patched != len(bundles) or not bundles:
        # The theme changed how it loads the polyfill: fail loudly rather than leak requests.
        raise BuildError(
            f"polyfill-adres niet gevonden in {len(bundles) - patched} themabestand(en)"
        )


# From this many organisations on, a second process writes the sociale-kaart lists while this one
# writes the organisation pages (10,000 organisations: some 14 s of work in one process).
PARALLEL_PAGES_FROM = 500


def _can_fork() -> bool:
    # A fork copies only the thread that calls it; with other threads running (a test server,
    # say) a lock they hold could stay locked in the copy. The command line has none.
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


def _write_kaart_pages(kaart, docs_dir: Path, *, site_url: str, edit_url: str) -> None:
    # Imported here: the builder works without a sociale kaart (content-only fixtures).
    from sociale_kaart.pages import write_pages

    if len(kaart.organisations) < PARALLEL_PAGES_FROM or not _can_fork():
        write_pages(kaart, docs_dir, site_url=site_url, edit_url=edit_url)
        return
    # A forked copy already has the kaart in memory: nothing to send it.
    child = os.fork()
    if child == 0:
        code = 1
        try:
            write_pages(kaart, docs_dir, site_url=site_url, edit_url=edit_url, part="lists")
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    try:
        write_pages(kaart, docs_dir, site_url=site_url, edit_url=edit_url, part="organisations")
    finally:
        _pid, status = os.waitpid(child, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise BuildError(
            "de lijsten van de sociale kaart konden niet geschreven worden (zie boven)"
        )


def _mkdocs(config: Path, log: Path) -> subprocess.Popen:
    """Start `mkdocs build --strict` on `config`; its output goes to `log`.

    A file, not a pipe: a pipe nobody reads while MkDocs runs would stall it once full.
    """
    with log.open("w", encoding="utf-8") as handle:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--clean",
                "--strict",
                "--quiet",
                "--config-file",
                str(config),
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )


def _merge(source: Path, target: Path) -> None:
    """Move every file of `source` to the same place below `target` (replacing what is there)."""
    for folder, _dirs, files in os.walk(source):
        rel = Path(folder).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            os.replace(Path(folder) / name, target / rel / name)
    shutil.rmtree(source)


def _swap(staging: Path, site_dir: Path, build_dir: Path) -> None:
    # One rename, so the running service never serves a half-built site.
    old = build_dir / "site-old"
    if old.exists():
        shutil.rmtree(old)
    if site_dir.exists():
        site_dir.rename(old)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(site_dir)
    if old.exists():
        shutil.rmtree(old)


def build_site(
    site: Site,
    *,
    base_config: Path,
    build_dir: Path,
    site_dir: Path,
    site_url: str,
    edit_url: str,
    index_dir: Path | None = None,
) -> BuildResult:
    """Build `site` (already checked, without problems) into `site_dir`.

    With `index_dir`, the search index is built there too. MkDocs runs in a process of its own;
    meanwhile this process writes the open data, the embeds and the search index, which do not
    need MkDocs' output: on two cores the build then takes about as long as MkDocs alone.
    """
    started = time.perf_counter()
    docs_dir = build_dir / "docs"
    staging = build_dir / "site-new"
    extra = build_dir / "site-extra"  # written beside MkDocs, moved into its output afterwards
    write_docs(site, docs_dir)
    if site.kaart is not None:
        _write_kaart_pages(site.kaart, docs_dir, site_url=site_url, edit_url=edit_url)
    config = write_mkdocs_config(
        base_config,
        build_dir / "mkdocs.yml",
        docs_dir=docs_dir,
        site_dir=staging,
        nav=site.nav,
        site_url=site_url,
        edit_url=edit_url,
    )
    log = build_dir / "mkdocs.log"
    mkdocs = _mkdocs(config, log)
    index = None
    index_seconds = 0.0
    try:
        if extra.exists():
            shutil.rmtree(extra)
        extra.mkdir(parents=True)
        if site.kaart is not None:
            from sociale_kaart.embed import write_embeds
            from sociale_kaart.export import write_open_data

            write_open_data(site.kaart, extra, site_url=site_url)
            write_embeds(site.kaart, extra, site_url=site_url)
        if index_dir is not None:
            from .search_docs import build_index

            index_started = time.perf_counter()
            index = build_index(site, index_dir)
            index_seconds = time.perf_counter() - index_started
    except BaseException:
        # Writing failed (or the build was interrupted): MkDocs' work is of no use any more.
        mkdocs.kill()
        mkdocs.wait()
        raise
    if mkdocs.wait() != 0:
        raise BuildError(log.read_text("utf-8").strip())
    _drop_source_maps(staging)
    _self_host_polyfill(staging, site_url)
    _merge(extra, staging)
    _swap(staging, site_dir, build_dir)
    return BuildResult(
        site_dir, len(site.pages), time.perf_counter() - started, index, index_seconds
    )
