"""Checks on how content is written: in our own words (an error) and plain enough (a warning).

Both read what a visitor or learner reads: the pages, and the questions, options and
explanations of the quizzes. Quiz YAML is read again here, quietly: its format problems are
already reported by `courses`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .originality import shared_runs, source_names
from .pages import Page
from .problems import Problems
from .readability import (
    MAX_WORDS_PER_SENTENCE,
    MIN_FLESCH_DOUMA,
    Readability,
    html_text,
    measure,
    quiz_text,
)

WARNING = "waarschuwing: "


@dataclass(frozen=True)
class Measured:
    path: Path
    line: int
    readability: Readability


# libyaml when it is there: this reads every YAML file of the content once more.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_files(content_dir: Path) -> list[tuple[Path, str, dict]]:
    found = []
    for path in sorted(content_dir.rglob("*.yml")):
        try:
            text = path.read_text("utf-8")
            # bandit B506: a SafeLoader subclass.
            data = yaml.load(text, Loader=_LOADER)  # nosec B506
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # reported by the loader of that file
        found.append((path, text, data if isinstance(data, dict) else {}))
    return found


def check_writing(
    content_dir: Path,
    pages: list[Page],
    rendered: dict[str, str],
    problems: Problems,
    warnings: Problems,
) -> list[Measured]:
    """Own words (errors in `problems`) and readability (warnings); the measurements.

    `rendered` is the HTML of each page by its path in content/, as the checker made it.
    """
    yaml_files = _yaml_files(content_dir)
    files = [(p.path, p.path.read_text("utf-8"), p.meta) for p in pages] + yaml_files
    for path, text, meta in files:
        _own_words(path, text, meta, problems)
    measured = [
        Measured(p.path, p.body_line, measure(html_text(rendered[p.rel])))
        for p in pages
        if p.rel in rendered
    ]
    measured += [
        Measured(path, 1, measure(quiz_text(data)))
        for path, _text, data in yaml_files
        if isinstance(data.get("vragen"), list)
    ]
    for item in measured:
        _readability_warning(item, warnings)
    return measured


def _own_words(path: Path, text: str, meta: dict, problems: Problems) -> None:
    """An error for every stretch of 10 words or more that comes straight from a seed report."""
    for run in shared_runs(text, allowed=source_names(meta)):
        problems.add(
            path,
            run.line,
            run.col,
            f"deze woorden komen letterlijk uit een bronrapport: '{run.words} …'",
            "schrijf het in uw eigen woorden; feiten en cijfers mag u houden, met het rapport "
            "in bronnen (alleen namen en titels mag u letterlijk overnemen)",
        )


def _readability_warning(item: Measured, warnings: Problems) -> None:
    if item.readability.plain:
        return
    warnings.add(
        item.path,
        item.line,
        1,
        f"{WARNING}moeilijk te lezen ({item.readability.describe()})",
        f"schrijf kortere zinnen en gewone woorden: B1 is Flesch-Douma "
        f"{MIN_FLESCH_DOUMA:.0f} of meer, of gemiddeld hooguit "
        f"{MAX_WORDS_PER_SENTENCE:.0f} woorden per zin; 'site-builder leesbaarheid' "
        "toont de cijfers van elke pagina",
    )
