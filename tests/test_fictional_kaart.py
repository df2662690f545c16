"""The generator of fictional sociale-kaart data gives valid, visibly fictional entries."""

from __future__ import annotations

import datetime as dt

import yaml

from benchmarks.fictional_kaart import generate
from site_builder.problems import Problems
from sociale_kaart.loader import load_kaart
from tests.conftest import ROOT


def test_generated_organisations_are_valid_and_visibly_fictional(tmp_path):
    root = generate(ROOT / "sociale_kaart" / "taxonomie", tmp_path / "kaart", 40)
    problems = Problems()
    kaart = load_kaart(root, problems, dt.date(2026, 11, 22))
    assert not problems, [p.format() for p in problems]
    assert len(kaart.organisations) == 40
    for org in kaart.organisations:
        assert org.naam.startswith("Verzonnen ")
        assert org.website.endswith(".example")
        assert not org.telefoon and not any(s.telefoon for s in org.diensten)
    texts = [p.read_text("utf-8") for p in (root / "organisaties").glob("*.yaml")]
    assert all("telefoon" not in yaml.safe_load(text) for text in texts)


def test_the_same_seed_gives_the_same_data(tmp_path):
    first = generate(ROOT / "sociale_kaart" / "taxonomie", tmp_path / "a", 5)
    second = generate(ROOT / "sociale_kaart" / "taxonomie", tmp_path / "b", 5)
    for path in (first / "organisaties").glob("*.yaml"):
        assert path.read_bytes() == (second / "organisaties" / path.name).read_bytes()
