"""Generates fictional articles for benchmarks and scale tests. Never committed as content.

Every title starts with "Verzonnen", so generated pages can never be mistaken for real advice.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

WORDS = [
    "mantelzorg",
    "zorg",
    "hulp",
    "familie",
    "moeder",
    "vader",
    "partner",
    "buurman",
    "thuis",
    "tijd",
    "rust",
    "steun",
    "gesprek",
    "gemeente",
    "wijkteam",
    "huisarts",
    "dagbesteding",
    "logeeropvang",
    "respijtzorg",
    "vrijwilliger",
    "afspraak",
    "vergeten",
    "moe",
    "zorgen",
    "plannen",
    "regelen",
    "vragen",
    "praten",
    "lopen",
    "eten",
    "slapen",
    "werken",
    "school",
    "kinderen",
    "geld",
    "regeling",
    "vervoer",
    "hulpmiddel",
    "verpleging",
    "thuiszorg",
    "dementie",
    "beroerte",
    "kanker",
    "hartfalen",
    "parkinson",
    "autisme",
    "psychisch",
    "lichamelijk",
    "geestelijk",
    "samen",
    "alleen",
    "week",
    "dag",
    "avond",
    "nacht",
]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 14))
    return " ".join(words).capitalize() + "."


def _article(rng: random.Random, number: int, folder: str, siblings: int) -> str:
    title = f"Verzonnen artikel {number:04d}"
    sections = []
    for heading in ("Wat is het?", "Wat kunt u doen?", "Waar vindt u hulp?"):
        paragraphs = [" ".join(_sentence(rng) for _ in range(5)) for _ in range(2)]
        sections.append(f"## {heading}\n\n" + "\n\n".join(paragraphs))
    other = rng.randrange(siblings)
    link = f"Lees ook [een ander verzonnen artikel](artikel-{other:04d}.md#wat-kunt-u-doen)."
    return (
        "---\n"
        f"title: {title}\n"
        f"description: Verzonnen tekst {number} om de bouwtijd van de portal te meten.\n"
        "doelgroep: mantelzorger\n"
        "onderwerpen: [verzonnen]\n"
        "laatst_gecontroleerd: 2026-01-01\n"
        "bronnen:\n"
        "  - title: Verzonnen bron voor metingen\n"
        "    document: Geen echte bron\n"
        "---\n\n"
        f"# {title}\n\n" + "\n\n".join(sections) + f"\n\n{link}\n"
    )


def generate(
    content: Path, target: Path, articles: int, per_folder: int = 100, seed: int = 2026
) -> Path:
    """Copy `content` to `target` and add `articles` fictional articles in folders of 100."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(content, target)
    section = target / "mantelzorg"
    folders = (articles + per_folder - 1) // per_folder
    for folder_number in range(folders):
        folder = section / f"verzonnen-{folder_number:02d}"
        folder.mkdir(parents=True)
        first = folder_number * per_folder
        count = min(per_folder, articles - first)
        links = []
        for index in range(count):
            number = first + index
            (folder / f"artikel-{index:04d}.md").write_text(
                _article(rng, number, folder.name, count), "utf-8"
            )
            links.append(f"- [Verzonnen artikel {number:04d}](artikel-{index:04d}.md)")
        (folder / "index.md").write_text(
            "---\n"
            f"title: Verzonnen map {folder_number:02d}\n"
            "description: Een verzonnen verzameling artikelen om de bouwtijd te meten.\n"
            "doelgroep: beide\nonderwerpen: [verzonnen]\nlaatst_gecontroleerd: 2026-01-01\n"
            "bronnen:\n  - title: Verzonnen bron voor metingen\n    document: Geen echte bron\n"
            f"---\n\n# Verzonnen map {folder_number:02d}\n\n" + "\n".join(links) + "\n",
            "utf-8",
        )
    return target
