"""`site-builder build`: check, generate, run MkDocs, and swap the new site in at once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
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
    if patched != len(bundles) or not bundles:
        # The theme changed how it loads the polyfill: fail loudly rather than leak requests.
        raise BuildError(
            f"polyfill-adres niet gevonden in {len(bundles) - patched} themabestand(en)"
        )


def build_site(
    site: Site, *, base_config: Path, build_dir: Path, site_dir: Path, site_url: str, edit_url: str
) -> BuildResult:
    """Build `site` (already checked, without problems) into `site_dir`."""
    started = time.perf_counter()
    docs_dir = build_dir / "docs"
    staging = build_dir / "site-new"
    write_docs(site, docs_dir)
    if site.kaart is not None:
        # Imported here: the builder works without a sociale kaart (content-only fixtures).
        from sociale_kaart.pages import write_pages

        write_pages(site.kaart, docs_dir, site_url=site_url, edit_url=edit_url)
    config = write_mkdocs_config(
        base_config,
        build_dir / "mkdocs.yml",
        docs_dir=docs_dir,
        site_dir=staging,
        nav=site.nav,
        site_url=site_url,
        edit_url=edit_url,
    )
    result = subprocess.run(
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
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BuildError((result.stdout + result.stderr).strip())
    _drop_source_maps(staging)
    _self_host_polyfill(staging, site_url)
    if site.kaart is not None:
        from sociale_kaart.embed import write_embeds
        from sociale_kaart.export import write_open_data

        write_open_data(site.kaart, staging, site_url=site_url)
        write_embeds(site.kaart, staging, site_url=site_url)
    # Swap in one rename, so the running service never serves a half-built site.
    old = build_dir / "site-old"
    if old.exists():
        shutil.rmtree(old)
    if site_dir.exists():
        site_dir.rename(old)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(site_dir)
    if old.exists():
        shutil.rmtree(old)
    return BuildResult(site_dir, len(site.pages), time.perf_counter() - started)
