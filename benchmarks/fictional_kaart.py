"""Generates a fictional sociale kaart for benchmarks and scale tests. Never committed as content.

Every name starts with "Verzonnen", every web and e-mail address ends in the reserved `.example`
domain, and there are no phone numbers at all: a generated number could belong to a real person.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

# Rough boxes (latitude, longitude) inside each gemeente, so map and GeoJSON data look plausible.
GEMEENTEN = {
    "GM0034": ("Almere", (52.33, 52.42), (5.15, 5.30)),
    "GM0050": ("Zeewolde", (52.30, 52.36), (5.50, 5.60)),
    "GM0171": ("Emmeloord", (52.68, 52.74), (5.70, 5.80)),
    "GM0184": ("Urk", (52.65, 52.67), (5.59, 5.62)),
    "GM0303": ("Dronten", (52.50, 52.54), (5.68, 5.75)),
    "GM0995": ("Lelystad", (52.49, 52.54), (5.42, 5.52)),
}
CATEGORIES = [
    "steunpunt-mantelzorg",
    "respijtzorg",
    "logeeropvang",
    "dagbesteding",
    "lotgenotencontact",
    "informatie-en-advies",
    "welzijn",
    "vrijwillige-hulp",
]
TARGETS = ["mantelzorgers", "jonge-mantelzorgers", "ouderen", "dementie", "beperking"]
WORDS = [
    "hulp",
    "advies",
    "steun",
    "rust",
    "ontmoeting",
    "vervoer",
    "bezoek",
    "koffie",
    "gesprek",
    "wandeling",
    "uitleg",
    "cursus",
    "logeren",
    "dagje",
    "vrij",
    "samen",
    "thuis",
    "buurt",
]


def _organisation(rng: random.Random, number: int) -> dict:
    code = rng.choice(list(GEMEENTEN))
    place, lat, lon = GEMEENTEN[code]
    services = []
    for index in range(rng.randint(1, 3)):
        words = " ".join(rng.choices(WORDS, k=3))
        services.append(
            {
                "id": f"dienst-{index + 1}",
                "naam": f"Verzonnen {words}",
                "beschrijving": f"Een verzonnen dienst met {words} voor mantelzorgers, voor metingen.",
                "status": "actief",
                "categorieen": rng.sample(CATEGORIES, k=rng.randint(1, 2)),
                "doelgroepen": rng.sample(TARGETS, k=rng.randint(1, 2)),
                "werkgebied": [code] if rng.random() > 0.05 else ["PV24"],
                "locaties": ["hoofdlocatie"],
                "toegang": rng.choice(["vrij-toegankelijk", "wmo-maatwerk", "via-wijkteam"]),
                "kosten": rng.choice(["gratis", "eigen-bijdrage", "betaald"]),
            }
        )
    return {
        "naam": f"Verzonnen Organisatie {number:05d}",
        "beschrijving": "Een verzonnen organisatie om de sociale kaart op grote schaal te meten.",
        "website": f"https://verzonnen-{number:05d}.example",
        "email": f"info@verzonnen-{number:05d}.example",
        "laatst_gecontroleerd": "2026-06-01",
        "gecontroleerd_door": "Generator voor metingen",
        "locaties": [
            {
                "id": "hoofdlocatie",
                "naam": "Verzonnen hoofdlocatie",
                "soort": "fysiek",
                "adres": {
                    "straat": f"Verzonnenstraat {number % 300 + 1}",
                    "postcode": f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJKLMNPRTVWXZ')}"
                    f"{rng.choice('ABCDEFGHJKLMNPRTVWXZ')}",
                    "plaats": place,
                },
                "gemeente": code,
                "coordinaten": {
                    "breedte": round(rng.uniform(*lat), 5),
                    "lengte": round(rng.uniform(*lon), 5),
                },
                "openingstijden": {
                    "week": [
                        {"dagen": ["ma", "di", "wo", "do", "vr"], "van": "09:00", "tot": "17:00"}
                    ]
                },
            }
        ],
        "diensten": services,
    }


def generate(taxonomie: Path, target: Path, count: int, seed: int = 2026) -> Path:
    """A sociale-kaart folder at `target` with `count` fictional organisations."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(taxonomie, target / "taxonomie")
    folder = target / "organisaties"
    folder.mkdir(parents=True)
    for number in range(1, count + 1):
        data = _organisation(rng, number)
        (folder / f"verzonnen-organisatie-{number:05d}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8"
        )
    return target
