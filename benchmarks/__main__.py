"""`make bench`: every benchmark in one run, each figure next to its alternative and budget.

Sections (each a module with `run(work) -> list[Figure]`): building the site at 11,000 pages
and an editor's preview, search, page weight, and the service under load. Writes
bench-results/latest.json and benchmarks/RESULTATEN.md (the README links it). Exits with 1 when
a figure is over its budget or a section failed, so a slower change shows up.

`python -m benchmarks bouwen zoeken` runs only those sections. Run on an otherwise idle
machine: the figures are seconds and requests per second on this machine's 2 cores.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from benchmarks.report import Figure, markdown_table

ROOT = Path(__file__).resolve().parent.parent
RESULTS_JSON = ROOT / "bench-results" / "latest.json"
RESULTS_MD = ROOT / "benchmarks" / "RESULTATEN.md"

# Section name → module. The order keeps the heavy service load for last, so the build's
# temporary files are gone by then.
SECTIONS = {
    "bouwen": "benchmarks.build_scale",
    "zoeken": "benchmarks.search",
    "paginagewicht": "benchmarks.page_weight",
    "dienst": "benchmarks.service_load",
}


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "onbekend"


def _machine() -> dict:
    return {
        "datum": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cores": os.cpu_count(),
    }


def _write(machine: dict, figures: list[Figure], failures: dict[str, str], seconds: float) -> None:
    RESULTS_JSON.parent.mkdir(exist_ok=True)
    RESULTS_JSON.write_text(
        json.dumps(
            {
                "machine": machine,
                "seconden": round(seconds, 1),
                "figures": [f.as_json() for f in figures],
                "mislukt": failures,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        "utf-8",
    )
    lines = [
        "# Metingen (`make bench`)",
        "",
        f"Gemeten op {machine['datum'][:10]}, commit `{machine['commit']}`, "
        f"{machine['cores']} kernen, Python {machine['python']}, in {seconds / 60:.0f} minuten. "
        "Alle gegevens zijn verzonnen. Opnieuw meten: `make bench` (op een verder rustige "
        "machine). Eén onderdeel: `.venv/bin/python -m benchmarks bouwen` (of `zoeken`, "
        "`paginagewicht`, `dienst`). De ruwe cijfers staan in `bench-results/latest.json`.",
        "",
        markdown_table(figures),
    ]
    notes = [f for f in figures if f.note]
    if notes:
        lines += ["## Toelichting", ""]
        lines += [f"- **{f.name}**: {f.note}" for f in notes]
        lines.append("")
    if failures:
        lines += ["## Niet gelukt", ""]
        lines += [f"- **{name}**: {reason}" for name, reason in failures.items()]
        lines.append("")
    RESULTS_MD.write_text("\n".join(lines), "utf-8")


def main(argv: list[str]) -> int:
    chosen = argv or list(SECTIONS)
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        print(f"Onbekend onderdeel: {', '.join(unknown)}. Kies uit: {', '.join(SECTIONS)}.")
        return 2
    machine = _machine()
    figures: list[Figure] = []
    failures: dict[str, str] = {}
    started = time.perf_counter()
    for name in chosen:
        print(f"== {name}", flush=True)
        section_started = time.perf_counter()
        try:
            module = importlib.import_module(SECTIONS[name])
            with tempfile.TemporaryDirectory(prefix=f"mza-bench-{name}-") as work:
                found = module.run(Path(work))
        except Exception:  # one broken section must not hide the others' figures
            failures[name] = traceback.format_exc(limit=3).strip().splitlines()[-1]
            traceback.print_exc()
            continue
        figures += found
        print(markdown_table(found), f"({time.perf_counter() - section_started:.0f} s)")
    _write(machine, figures, failures, time.perf_counter() - started)
    over = [f for f in figures if f.within_budget is False]
    print(markdown_table(figures))
    for figure in over:
        print(f"Boven budget: {figure.section} — {figure.name}")
    for name, reason in failures.items():
        print(f"Mislukt: {name}: {reason}")
    print(f"Geschreven: {RESULTS_MD.relative_to(ROOT)} en {RESULTS_JSON.relative_to(ROOT)}")
    return 1 if over or failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
