"""The figures every benchmark section hands to `make bench`, and their budgets.

Each section module (build, preview, search, page weight, service load) has a function
`run(work: Path) -> list[Figure]`. `python -m benchmarks` runs them all in one go, writes
`bench-results/latest.json` and the Markdown table `benchmarks/RESULTATEN.md` (linked from the
README), and exits non-zero when a figure is over its budget.
"""

from __future__ import annotations

import dataclasses
import operator
from typing import Literal

Direction = Literal["max", "min"]


@dataclasses.dataclass(frozen=True)
class Figure:
    """One measured figure, with what a user would otherwise pick and the budget we hold."""

    section: str
    name: str  # Dutch, shown in the table
    value: float
    unit: str
    # The alternative, measured in the same run where possible ("mkdocs-material zonder ons").
    alternative: str | None = None
    alternative_value: float | None = None
    # "max": the value must stay at or below the budget; "min": at or above it.
    budget: float | None = None
    direction: Direction = "max"
    command: str = "make bench"
    note: str = ""

    @property
    def within_budget(self) -> bool | None:
        if self.budget is None:
            return None
        compare = operator.le if self.direction == "max" else operator.ge
        return compare(self.value, self.budget)

    def as_json(self) -> dict:
        data = dataclasses.asdict(self)
        data["within_budget"] = self.within_budget
        return data


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def markdown_table(figures: list[Figure]) -> str:
    rows = [
        "| onderdeel | meting | waarde | alternatief | budget | binnen budget |",
        "|---|---|---:|---|---:|---|",
    ]
    for figure in figures:
        alternative = ""
        if figure.alternative:
            alternative = figure.alternative
            if figure.alternative_value is not None:
                alternative += f": {_number(figure.alternative_value)} {figure.unit}"
        budget = ""
        if figure.budget is not None:
            sign = "≤" if figure.direction == "max" else "≥"
            budget = f"{sign} {_number(figure.budget)} {figure.unit}"
        verdict = {True: "ja", False: "**nee**", None: ""}[figure.within_budget]
        rows.append(
            f"| {figure.section} | {figure.name} | {_number(figure.value)} {figure.unit} "
            f"| {alternative} | {budget} | {verdict} |"
        )
    return "\n".join(rows) + "\n"
