"""Checks on sociale-kaart entries: one Dutch `pad:regel` line per bad entry, all at once."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.problems import Problems
from sociale_kaart.loader import load_kaart, te_controleren
from tests.conftest import ROOT
from tests.test_check import FIXTURES, LINE, MKDOCS_YML

KAART = FIXTURES / "kaart"
TODAY = dt.date(2026, 11, 22)


def make_kaart(tmp_path: Path, *cases: str) -> Path:
    root = tmp_path / "sociale_kaart"
    shutil.copytree(ROOT / "sociale_kaart" / "taxonomie", root / "taxonomie")
    shutil.copytree(KAART / "basis" / "organisaties", root / "organisaties")
    for case in cases:
        shutil.copytree(KAART / "check" / case, root, dirs_exist_ok=True)
    return root


def problems_for(tmp_path: Path, monkeypatch, *cases: str) -> list[str]:
    make_kaart(tmp_path, *cases)
    monkeypatch.chdir(tmp_path)
    problems = Problems()
    load_kaart(Path("sociale_kaart"), problems, TODAY)
    return [p.format() for p in problems]


# case → (file, line, words the problem must contain)
CASES = {
    "yaml-fout": ("sociale_kaart/organisaties/kapot.yaml", 2, "fout in de YAML"),
    "onbekende-categorie": (
        "sociale_kaart/organisaties/onbekende-categorie.yaml",
        33,
        "'steunpunt-mantelzorgg' staat niet in de lijst categorie",
    ),
    "ontbrekend-veld": (
        "sociale_kaart/organisaties/ontbrekend.yaml",
        2,
        "het veld 'gecontroleerd_door' ontbreekt",
    ),
    # Files are read in name order: the later one is reported as the likely duplicate.
    "dubbele-organisatie": (
        "sociale_kaart/organisaties/verzonnen-steunpunt-lelystad.yaml",
        1,
        "lijkt dezelfde organisatie als dubbel.yaml (zelfde naam",
    ),
    "slechte-postcode": (
        "sociale_kaart/organisaties/postcode.yaml",
        16,
        "'08232AB' is geen geldige postcode",
    ),
    "onbekende-gemeente": (
        "sociale_kaart/organisaties/gemeente.yaml",
        35,
        "'GM9999' staat niet in de lijst gemeenten",
    ),
    "slecht-telefoonnummer": (
        "sociale_kaart/organisaties/telefoon.yaml",
        8,
        "'12345' is geen geldig telefoonnummer",
    ),
    "slecht-emailadres": (
        "sociale_kaart/organisaties/email.yaml",
        8,
        "'info@@verzonnen' is geen geldig e-mailadres",
    ),
    "dienst-zonder-werkgebied": (
        "sociale_kaart/organisaties/werkgebied.yaml",
        29,
        "het veld 'werkgebied' ontbreekt in diensten, onderdeel 1",
    ),
    "geen-contact": (
        "sociale_kaart/organisaties/geen-contact.yaml",
        2,
        "er staat geen telefoon, e-mail of website in",
    ),
}


def test_every_fixture_case_is_tested():
    assert sorted(CASES) == sorted(p.name for p in (KAART / "check").iterdir())


def test_the_valid_fictional_entry_passes(tmp_path, monkeypatch):
    assert problems_for(tmp_path, monkeypatch) == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_entry_gives_one_dutch_line(case, tmp_path, monkeypatch):
    path, line, words = CASES[case]
    lines = problems_for(tmp_path, monkeypatch, case)
    assert len(lines) == 1, lines
    match = LINE.match(lines[0])
    assert match, lines[0]
    assert (match["path"], int(match["line"])) == (path, line), lines[0]
    assert words in match["problem"], lines[0]


def test_all_bad_entries_are_reported_in_one_run(tmp_path, monkeypatch):
    lines = problems_for(tmp_path, monkeypatch, *CASES)
    found = {(m["path"], int(m["line"])) for m in map(LINE.match, lines)}
    assert found == {(path, line) for path, line, _ in CASES.values()}


def test_site_builder_check_includes_the_sociale_kaart(tmp_path, monkeypatch, capsys):
    make_kaart(tmp_path, "slechte-postcode")
    shutil.copytree(FIXTURES / "basis", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--mkdocs-config", str(MKDOCS_YML)])
    out = capsys.readouterr().out
    assert code == 1
    assert "sociale_kaart/organisaties/postcode.yaml:16:" in out


def test_entries_checked_long_ago_or_incomplete_are_to_be_checked(tmp_path):
    root = make_kaart(tmp_path)
    old = (root / "organisaties" / "verzonnen-steunpunt-lelystad.yaml").read_text("utf-8")
    (root / "organisaties" / "verzonnen-oud.yaml").write_text(
        old.replace("2026-10-01", "2025-11-01")
        .replace("Lelystad\n", "Oud\n", 1)
        .replace("https://verzonnen-steunpunt.example", "https://oud.example")
        .replace('"0320 123 456"', '"0320 111 222"'),
        "utf-8",
    )
    (root / "organisaties" / "verzonnen-onvolledig.yaml").write_text(
        "naam: Verzonnen Onvolledig\nbeschrijving: Een verzonnen entry waarvan we nog weinig weten.\n"
        "gegevens: onvolledig\nlaatst_gecontroleerd: 2026-11-01\ngecontroleerd_door: Testredactie\n"
        "diensten:\n  - id: iets\n    naam: Iets\n    beschrijving: Een verzonnen dienst voor de test.\n"
        "    status: actief\n    categorieen: [welzijn]\n    werkgebied: [GM0184]\n",
        "utf-8",
    )
    problems = Problems()
    kaart = load_kaart(root, problems, TODAY)
    assert not problems, [p.format() for p in problems]
    found = {org.slug: reasons for org, reasons in te_controleren(kaart, TODAY)}
    assert set(found) == {"verzonnen-oud", "verzonnen-onvolledig"}
    assert "langer dan 12 maanden geleden" in found["verzonnen-oud"][0]
    assert found["verzonnen-onvolledig"] == [
        "ontbreekt: telefoon, e-mail of website",
        "ontbreekt: adres",
        "ontbreekt: openingstijden",
    ]
