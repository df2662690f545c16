"""Section "bouwen" of `make bench`: the whole build at 11,000 pages, next to plain mkdocs-material.

Generates 1,000 fictional articles (on top of a copy of content/) and 10,000 fictional
sociale-kaart organisations (on top of the real ones, which content/ links to), then times:

1. our build, exactly as `site-builder build` runs it (check with the own-words and readability
   checks, pages, sociale-kaart pages, MkDocs, open data, embeds, search index), as one
   subprocess, with the peak memory of its process tree;
2. the alternative: plain mkdocs-material on the same generated Markdown (the docs tree our
   build wrote), with a minimal mkdocs.yml: theme material, MkDocs' default plugins (search), the
   same Markdown extensions and menu. Without our menu MkDocs would list all 11,000 pages on
   every page, which no site of this size would do;
3. an editor's preview after changing one article (`site-builder voorbeeld`), until that page's
   HTML in site/ shows the change.

Run alone with `python -m benchmarks.build_scale`; MZA_BENCH_SCHAAL=0.1 runs at a tenth of the
size for quick iteration (budgets only apply at full size), MZA_BENCH_RONDES=2 runs both builds
twice in turn and keeps the faster of each. Other programs on the machine slow every figure, and
ours most: it counts on the second core, which plain MkDocs leaves idle.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from benchmarks import fictional_content, fictional_kaart
from benchmarks.report import Figure

ROOT = Path(__file__).resolve().parent.parent
SECTION = "bouwen"
ARTICLES = 1000
ORGANISATIONS = 10_000
COMMAND = "python -m benchmarks.build_scale"
SITE_URL = "https://mantelzorgacademie.verzonnen.example/"
EDIT_URL = "https://github.com/verzonnen/mantelzorgacademie/edit/main/content/"


def scale() -> float:
    return float(os.environ.get("MZA_BENCH_SCHAAL", "1"))


def rounds() -> int:
    """MZA_BENCH_RONDES=2: both builds twice, in turn, and the faster of each counts. On a
    machine shared with other work this keeps a passing burst of load out of the ratio."""
    return max(1, int(os.environ.get("MZA_BENCH_RONDES", "1")))


def _print(text: str = "") -> None:
    print(text, file=sys.stderr, flush=True)


# --- inputs -------------------------------------------------------------------------------------


def make_inputs(work: Path, articles: int, organisations: int) -> tuple[Path, Path]:
    """content/ plus fictional articles; the real kaart plus fictional organisations."""
    content = fictional_content.generate(ROOT / "content", work / "content", articles)
    kaart = fictional_kaart.generate(
        ROOT / "sociale_kaart" / "taxonomie", work / "sociale_kaart", organisations
    )
    # content/ links to real organisations, so those must be there too.
    for path in sorted((ROOT / "sociale_kaart" / "organisaties").glob("*.yaml")):
        shutil.copy2(path, kaart / "organisaties" / path.name)
    return content, kaart


# --- memory of a process tree -------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # the process ended meanwhile
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _memory_kb(pid: int) -> int:
    """The process's proportional share of memory (PSS): pages shared by several processes,
    such as those of a forked copy, are divided between them instead of counted by each."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory:
    """Samples the summed memory (PSS) of a process and all its descendants (Linux /proc)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            todo, total = [self.pid], 0
            while todo:
                pid = todo.pop()
                total += _memory_kb(pid)
                todo += _children(pid)
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Run:
    seconds: float  # wall clock
    cpu_seconds: float  # user + system time of the whole process tree
    peak_mb: float  # the most memory the process tree held at one moment
    output: str


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], label: str) -> Run:
    """Run `command`, measured; stops the benchmark if it fails."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    with TreeMemory(process.pid) as memory:
        output, _ = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{label} mislukte (code {process.returncode}):\n{output[-4000:]}")
    return Run(seconds, _children_cpu() - cpu_before, memory.peak_kb / 1024, output)


# --- our build ----------------------------------------------------------------------------------


def our_command(work: Path, content: Path, kaart: Path, verb: str = "build") -> list[str]:
    return [
        sys.executable,
        "-m",
        "site_builder.cli",
        verb,
        "--content",
        str(content),
        "--sociale-kaart",
        str(kaart),
        "--mkdocs-config",
        str(ROOT / "mkdocs.yml"),
        "--build-dir",
        str(work / "build"),
        "--site-dir",
        str(work / "site"),
        "--site-url",
        SITE_URL,
        "--edit-url",
        EDIT_URL,
        "--zoekindex",
        str(work / "zoekindex"),
    ]


# --- plain mkdocs-material ----------------------------------------------------------------------


def plain_config(work: Path) -> Path:
    """A minimal mkdocs.yml for the docs tree our build wrote: theme, extensions and menu only."""
    ours = yaml.safe_load((work / "build" / "mkdocs.yml").read_text("utf-8"))
    project = work / "plain"
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(work / "build" / "docs", project / "docs")
    config = {
        "site_name": ours["site_name"],
        "site_url": SITE_URL,
        "theme": {"name": "material", "language": "nl"},
        "markdown_extensions": ours.get("markdown_extensions", []),
        "nav": ours["nav"],
    }
    target = project / "mkdocs.yml"
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return target


def plain_command(config: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(config)]


def _describe(run: Run) -> str:
    return f"{run.seconds:.1f} s ({run.cpu_seconds:.0f} s processortijd, {run.peak_mb:.0f} MB)"


# --- an editor's preview -----------------------------------------------------------------------

CHANGED_ARTICLE = "mantelzorg/verzonnen-00/artikel-0007.md"
CHANGED_SENTENCE = "Deze verzonnen zin is net door een redacteur toegevoegd."


def change_one_article(content: Path) -> str:
    """Add a sentence to one fictional article, as an editor would; its page's HTML path."""
    path = content / CHANGED_ARTICLE
    text = path.read_text("utf-8")
    path.write_text(
        text.replace("## Wat kunt u doen?", f"{CHANGED_SENTENCE}\n\n## Wat kunt u doen?", 1),
        "utf-8",
    )
    return CHANGED_ARTICLE.removesuffix(".md") + "/index.html"


def preview_is_correct(work: Path, html_rel: str, output: str) -> None:
    html = (work / "site" / html_rel).read_text("utf-8")
    if CHANGED_SENTENCE not in html:
        raise RuntimeError(f"het voorbeeld toont de nieuwe zin niet:\n{output}")
    if "1 pagina in" not in output:
        raise RuntimeError(f"het voorbeeld bouwde niet precies één pagina:\n{output}")


# --- the section --------------------------------------------------------------------------------

# Budgets just above what this machine reached at full size, the faster of two rounds on 2 cores
# shared with other work (2026-12-02): 1.19 ×, 4.7 s, 1,135 MB. The issue asks for at most 1.5 ×.
RATIO_BUDGET = 1.3
PREVIEW_BUDGET_S = 8.0
MEMORY_BUDGET_MB = 1250.0


def run(work: Path) -> list[Figure]:
    factor = scale()
    articles = max(10, round(ARTICLES * factor))
    organisations = max(10, round(ORGANISATIONS * factor))
    size_note = f"{articles} verzonnen artikelen en {organisations} verzonnen organisaties"
    _print(f"bouwen: {size_note} maken ...")
    content, kaart = make_inputs(work, articles, organisations)

    ours_runs: list[Run] = []
    plain_runs: list[Run] = []
    plain_yml = None
    for number in range(1, rounds() + 1):
        _print(f"bouwen: site-builder build (ronde {number}) ...")
        ours_runs.append(timed(our_command(work, content, kaart), "site-builder build"))
        _print(f"bouwen: onze bouw {_describe(ours_runs[-1])}")
        # The Markdown our build wrote, before the preview below changes one page of it.
        plain_yml = plain_yml or plain_config(work)
        _print(f"bouwen: gewone mkdocs-material build (ronde {number}) ...")
        plain_runs.append(timed(plain_command(plain_yml), "mkdocs build"))
        _print(f"bouwen: mkdocs-material {_describe(plain_runs[-1])}")
    ours = min(ours_runs, key=lambda r: r.seconds)
    plain = min(plain_runs, key=lambda r: r.seconds)

    _print("bouwen: voorbeeld na het veranderen van één artikel ...")
    html_rel = change_one_article(content)
    preview = timed(our_command(work, content, kaart, verb="voorbeeld"), "site-builder voorbeeld")
    preview_is_correct(work, html_rel, preview.output)
    _print(f"bouwen: voorbeeld {preview.seconds:.1f} s")

    # The budgets hold for the full size; a smaller run is for trying things out.
    full = factor == 1

    def budget(value: float) -> float | None:
        return value if full else None

    best = f"; de snelste van {len(ours_runs)} rondes" if len(ours_runs) > 1 else ""
    note = f"{size_note}{best}; twee kernen, gedeeld met ander werk: cijfers schommelen"
    alternative = "mkdocs-material zonder ons (zelfde pagina's)"
    return [
        Figure(
            SECTION,
            "volledige bouw (controle, pagina's, zoekindex, open data)",
            round(ours.seconds, 1),
            "s",
            alternative=alternative,
            alternative_value=round(plain.seconds, 1),
            command=COMMAND,
            note=note,
        ),
        Figure(
            SECTION,
            "bouwtijd ten opzichte van mkdocs-material",
            round(ours.seconds / plain.seconds, 2),
            "×",
            budget=budget(RATIO_BUDGET),
            command=COMMAND,
            note=note,
        ),
        Figure(
            SECTION,
            "processortijd van de volledige bouw",
            round(ours.cpu_seconds, 1),
            "s",
            alternative=alternative,
            alternative_value=round(plain.cpu_seconds, 1),
            command=COMMAND,
            note="alle processen samen; minder gevoelig voor ander werk op de machine. " + note,
        ),
        Figure(
            SECTION,
            "piekgeheugen van de bouw",
            round(ours.peak_mb),
            "MB",
            alternative=alternative,
            alternative_value=round(plain.peak_mb),
            budget=budget(MEMORY_BUDGET_MB),
            command=COMMAND,
            note="alle processen van de bouw samen, op het drukste moment. " + note,
        ),
        Figure(
            SECTION,
            "voorbeeld na het veranderen van één artikel",
            round(preview.seconds, 1),
            "s",
            alternative="volledige bouw",
            alternative_value=round(ours.seconds, 1),
            budget=budget(PREVIEW_BUDGET_S),
            command=COMMAND,
            note="site-builder voorbeeld, tot de nieuwe HTML van dat artikel in site/ staat. "
            + note,
        ),
    ]


def main() -> int:
    from benchmarks.report import markdown_table

    with tempfile.TemporaryDirectory(prefix="mza-bouwen-") as tmp:
        figures = run(Path(tmp))
    print(markdown_table(figures))
    return 0 if all(f.within_budget is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
