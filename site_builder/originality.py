"""Our content is written in our own words: no run of 10 words may come from a seed report.

Facts and figures from the reports may be used (and cited in `bronnen`); their sentences may
not. The reports themselves are not part of this repository, so the check compares against a
fingerprint: a hash of every run of 10 consecutive words in them, after the same normalisation
as the content (lower case, accents removed, only letters and digits). The fingerprint shows
nothing of the text. Regenerate it when the reports change:

    python -m site_builder.originality fingerprint ../shared/seeds/*.txt

Names and titles may be quoted: the titles and document names listed in a file's `bronnen`
are taken out of its text before it is compared.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

RUN = 10
HASH_BYTES = 6
FINGERPRINT = "data/seed-vingerafdruk.bin.gz"
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Shared:
    """A run of words that a file shares with a seed report."""

    line: int
    col: int
    words: str


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[tuple[str, int]]:
    """Each normalised word with its offset in `text`."""
    return [(_fold(m.group()), m.start()) for m in _WORD.finditer(text)]


def _hash(run: Iterable[str]) -> bytes:
    return hashlib.blake2b(" ".join(run).encode(), digest_size=HASH_BYTES).digest()


# The reports are text taken from PDFs: a word broken at the end of a line ("mantelzor-\ngers")
# is one word for a reader.
_BROKEN_WORD = re.compile(r"(\w)-\n\s*(?=[a-zà-ÿ])")


def fingerprint(texts: Iterable[str]) -> set[bytes]:
    found: set[bytes] = set()
    for text in texts:
        for version in {text, _BROKEN_WORD.sub(r"\1", text)}:
            seq = [w for w, _ in words(version)]
            found.update(_hash(seq[i : i + RUN]) for i in range(len(seq) - RUN + 1))
    return found


@cache
def seed_fingerprint() -> frozenset[bytes]:
    raw = gzip.decompress(resources.files("site_builder").joinpath(FINGERPRINT).read_bytes())
    return frozenset(raw[i : i + HASH_BYTES] for i in range(0, len(raw), HASH_BYTES))


def _mask(text: str, allowed: Iterable[str]) -> str:
    """Blank out quoted names and titles, with a break so no run reaches across them."""
    for phrase in sorted({p for p in allowed if p and p.strip()}, key=len, reverse=True):
        text = text.replace(phrase, "\x00" * len(phrase))
    return text


def shared_runs(
    text: str, allowed: Iterable[str] = (), seeds: frozenset[bytes] | None = None
) -> list[Shared]:
    """Every stretch of `text` that shares 10 or more consecutive words with a seed report.

    Overlapping runs are one finding, reported at its first word."""
    seeds = seed_fingerprint() if seeds is None else seeds
    masked = _mask(text, allowed)
    found: list[Shared] = []
    for segment in re.finditer(r"[^\x00]+", masked):
        seq = words(segment.group())
        only = [w for w, _ in seq]
        start = segment.start()
        end_of_last = -1
        for i in range(len(seq) - RUN + 1):
            if _hash(only[i : i + RUN]) not in seeds:
                continue
            if i <= end_of_last:
                end_of_last = i + RUN - 1
                continue
            end_of_last = i + RUN - 1
            offset = start + seq[i][1]
            line = text.count("\n", 0, offset) + 1
            col = offset - (text.rfind("\n", 0, offset) + 1) + 1
            found.append(Shared(line, col, " ".join(w for w, _ in seq[i : i + RUN])))
    return found


def source_names(meta: dict) -> list[str]:
    """The titles and document names in a `bronnen` list: these may be quoted word for word."""
    names = []
    for source in meta.get("bronnen") or []:
        if isinstance(source, dict):
            names += [str(source[k]) for k in ("title", "document") if source.get(k)]
    return names


def write_fingerprint(seed_files: list[Path], target: Path) -> int:
    hashes = fingerprint(p.read_text("utf-8") for p in seed_files)
    # Sorted and without a timestamp, so the same reports give the same file.
    target.write_bytes(gzip.compress(b"".join(sorted(hashes)), mtime=0))
    return len(hashes)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "fingerprint":
        print(
            "gebruik: python -m site_builder.originality fingerprint BRONRAPPORT.txt ...",
            file=sys.stderr,
        )
        return 2
    target = Path(str(resources.files("site_builder").joinpath(FINGERPRINT)))
    count = write_fingerprint([Path(p) for p in argv[1:]], target)
    print(f"{count} reeksen van {RUN} woorden opgeslagen in {target}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
