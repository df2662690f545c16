"""One problem found in content, and how it is printed for an editor."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """A content problem, in Dutch: what is wrong, and how the editor fixes it."""

    path: str
    line: int
    col: int
    message: str
    fix: str = field(default="", compare=False)

    def format(self) -> str:
        text = f"{self.path}:{self.line}:{self.col}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text


def display_path(path: Path) -> str:
    """The path as an editor sees it: relative to where the command runs, with '/'."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class Problems:
    """Collects every problem of one run, so the editor sees them all at once."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def add(self, path: Path | str, line: int, col: int, message: str, fix: str = "") -> None:
        shown = display_path(path) if isinstance(path, Path) else path
        self._items.append(Problem(shown, max(line, 1), max(col, 1), message, fix))

    def extend(self, other: Problems) -> None:
        self._items.extend(other._items)

    def __iter__(self):
        return iter(sorted(set(self._items)))

    def __len__(self) -> int:
        return len(set(self._items))

    def __bool__(self) -> bool:
        return bool(self._items)
