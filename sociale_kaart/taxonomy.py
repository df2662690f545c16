"""The controlled lists of the sociale kaart (categorie, doelgroep, ...), read from taxonomie/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from site_builder.problems import Problems
from site_builder.yamlfile import YamlError, load_yaml

KINDS = ("categorie", "doelgroep", "toegang", "kosten", "toegankelijkheid", "gemeenten")


@dataclass(frozen=True)
class Term:
    code: str
    naam: str
    omschrijving: str = ""
    ouder: str | None = None


@dataclass(frozen=True)
class Taxonomies:
    terms: dict[str, dict[str, Term]]  # kind → code → term

    def __getitem__(self, kind: str) -> dict[str, Term]:
        return self.terms[kind]

    def name(self, kind: str, code: str) -> str:
        term = self.terms[kind].get(code)
        return term.naam if term else code

    @property
    def gemeenten(self) -> dict[str, Term]:
        """The six gemeenten, without the province."""
        return {c: t for c, t in self.terms["gemeenten"].items() if c.startswith("GM")}


def load_taxonomies(directory: Path, problems: Problems) -> Taxonomies:
    """Every list in `directory`; a broken term is reported and left out."""
    terms: dict[str, dict[str, Term]] = {}
    for kind in KINDS:
        path = directory / f"{kind}.yaml"
        terms[kind] = {}
        try:
            doc = load_yaml(path.read_text("utf-8"))
        except (OSError, YamlError) as exc:
            line, col = (exc.line, exc.col) if isinstance(exc, YamlError) else (1, 1)
            problems.add(
                path,
                line,
                col,
                f"de lijst is niet te lezen: {exc}",
                "herstel het bestand; vergelijk met een andere lijst in deze map",
            )
            continue
        for index, row in enumerate(doc.data or []):
            line, col = doc.where((index,))
            if not isinstance(row, dict) or not {"code", "naam"} <= set(row):
                problems.add(
                    path,
                    line,
                    col,
                    "een term mist 'code' of 'naam'",
                    "geef elke term een code (kleine letters en streepjes) en een naam",
                )
                continue
            if row["code"] in terms[kind]:
                problems.add(
                    path,
                    line,
                    col,
                    f"de code '{row['code']}' staat er twee keer in",
                    "haal een van de twee weg",
                )
                continue
            known = {k: row[k] for k in ("code", "naam", "omschrijving", "ouder") if k in row}
            terms[kind][row["code"]] = Term(**known)
    return Taxonomies(terms)
