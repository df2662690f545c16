"""`site-builder check` for the editors' synonym list, content/zoeken/synoniemen.yml.

Every problem gets its line and a fix, like every other check; the search itself only ever
reads a list that passed.
"""

from __future__ import annotations

from pathlib import Path

from .problems import Problems
from .yamlfile import YamlError, load_yaml, read_text

SYNONYMS_FILE = "zoeken/synoniemen.yml"
EXAMPLE = "bijvoorbeeld: - [respijtzorg, logeeropvang, even vrij]"


def check_synonyms(content_dir: Path, problems: Problems) -> None:
    path = content_dir / SYNONYMS_FILE
    if not path.exists():
        return
    text = read_text(path, problems)  # not UTF-8: a Dutch problem, not a traceback
    if text is None:
        return
    try:
        doc = load_yaml(text)
    except YamlError as error:
        problems.add(path, error.line, error.col, error.message, error.fix)
        return
    data = doc.data
    if not isinstance(data, dict) or set(data) != {"groepen"}:
        line, col = doc.where()
        problems.add(
            path,
            line,
            col,
            "het bestand moet precies één lijst 'groepen:' hebben",
            f"begin met 'groepen:' en zet daaronder elke groep op een regel, {EXAMPLE}",
        )
        return
    groups = data["groepen"]
    if not isinstance(groups, list):
        line, col = doc.where(("groepen",))
        problems.add(path, line, col, "'groepen' is geen lijst", EXAMPLE)
        return
    seen: dict[str, int] = {}
    for index, group in enumerate(groups):
        line, col = doc.where(("groepen", index))
        if not isinstance(group, list) or len(group) < 2:
            problems.add(
                path,
                line,
                col,
                f"groep {index + 1} heeft minder dan twee woorden",
                f"zet twee of meer woorden die hetzelfde betekenen tussen [ ], {EXAMPLE}",
            )
            continue
        for position, word in enumerate(group):
            line, col = doc.where(("groepen", index, position))
            if not isinstance(word, str) or not word.strip():
                problems.add(
                    path,
                    line,
                    col,
                    f"in groep {index + 1} staat iets dat geen woord is: {word!r}",
                    "schrijf alleen woorden of korte woordgroepen, gescheiden door komma's",
                )
            elif word != word.lower():
                problems.add(
                    path,
                    line,
                    col,
                    f"'{word}' heeft hoofdletters",
                    f"schrijf het in kleine letters: '{word.lower()}'",
                )
            elif word in seen and seen[word] == index:
                problems.add(
                    path,
                    line,
                    col,
                    f"'{word}' staat twee keer in groep {index + 1}",
                    "haal één van de twee weg",
                )
            else:
                seen[word] = index
