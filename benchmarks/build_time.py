"""`make bench`: build time for the repository's content and for 1,000 fictional articles.

Prints a table and writes bench-results/build_time.json. Run on an otherwise idle machine.
"""

from __future__ import annotations

import json
import platform
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.fictional_content import generate
from site_builder import settings
from site_builder.build import build_site
from site_builder.check import check

ROOT = Path(__file__).resolve().parent.parent


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure(content: Path, work: Path, label: str) -> dict:
    mkdocs_yml = ROOT / "mkdocs.yml"
    started = time.perf_counter()
    # The content links to pages the sociale kaart generates, so the kaart is part of the build.
    site, problems = check(content, mkdocs_yml, kaart_dir=ROOT / "sociale_kaart")
    checked = time.perf_counter() - started
    if problems:
        raise SystemExit(
            f"{label}: de inhoud heeft problemen:\n" + "\n".join(p.format() for p in problems)
        )
    result = build_site(
        site,
        base_config=mkdocs_yml,
        build_dir=work / "build",
        site_dir=work / "site",
        site_url=settings.get("MZA_SITE_URL"),
        edit_url=settings.get("MZA_EDIT_URL"),
    )
    pages = sorted(result.site_dir.rglob("index.html"))
    return {
        "label": label,
        "pages": len(site.pages),
        "check_s": round(checked, 2),
        "build_s": round(result.seconds, 2),
        "total_s": round(checked + result.seconds, 2),
        "site_bytes": _size(result.site_dir),
        "largest_page_bytes": max(p.stat().st_size for p in pages),
    }


def main() -> int:
    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows.append(measure(ROOT / "content", work / "eigen", "inhoud van de repository"))
        fictional = generate(ROOT / "content", work / "content-verzonnen", articles)
        rows.append(measure(fictional, work / "verzonnen", f"+ {articles} verzonnen artikelen"))
    print(
        f"{'inhoud':32} {'pagina':>7} {'check s':>8} {'bouw s':>7} {'totaal s':>9} "
        f"{'site MB':>8} {'grootste pagina KB':>19}"
    )
    for row in rows:
        print(
            f"{row['label']:32} {row['pages']:7d} {row['check_s']:8.2f} {row['build_s']:7.2f} "
            f"{row['total_s']:9.2f} {row['site_bytes'] / 1e6:8.1f} "
            f"{row['largest_page_bytes'] / 1e3:19.1f}"
        )
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "build_time.json").write_text(
        json.dumps(
            {"machine": platform.platform(), "python": platform.python_version(), "rows": rows},
            indent=2,
        ),
        "utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
