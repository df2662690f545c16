"""`site-builder check`: one Dutch `pad:regel:kolom` line per problem, all at once, exit 1."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent
MKDOCS_YML = ROOT / "mkdocs.yml"
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<problem>.+) — (?P<fix>.+)$")


def make_content(tmp_path: Path, *cases: str | Path) -> Path:
    """A valid test site plus the files of each fixture case, laid on top in order.

    A case is a name in fixtures/check/ or the path of any folder laid out like content/.
    """
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "basis", content)
    for case in cases:
        layer = case if isinstance(case, Path) else FIXTURES / "check" / case
        shutil.copytree(layer, content, dirs_exist_ok=True)
    return content


def run_check(tmp_path: Path, monkeypatch, capsys, *cases: str | Path) -> tuple[int, list[str]]:
    make_content(tmp_path, *cases)
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--content", "content", "--mkdocs-config", str(MKDOCS_YML)])
    return code, capsys.readouterr().out.strip().splitlines()


# case → (file, line, words the problem must contain)
CASES = {
    "yaml-syntaxfout": ("content/mantelzorg/yaml-fout.md", 2, "dubbele punt op een plek"),
    "geen-kop": ("content/mantelzorg/geen-kop.md", 1, "geen kop (front matter)"),
    "dubbel-veld": ("content/mantelzorg/dubbel-veld.md", 5, "'doelgroep' staat er twee keer in"),
    "ontbrekend-veld": ("content/mantelzorg/ontbrekend.md", 2, "'description' ontbreekt"),
    "onbekend-veld": ("content/mantelzorg/onbekend.md", 5, "onbekend veld 'auteur'"),
    "verkeerd-type": (
        "content/mantelzorg/verkeerd-type.md",
        5,
        "'onderwerpen' moet een lijst zijn",
    ),
    "verkeerde-datum": (
        "content/mantelzorg/verkeerde-datum.md",
        6,
        "'2026-02-30' is geen geldige datum",
    ),
    "datum-in-toekomst": ("content/mantelzorg/toekomst.md", 6, "ligt in de toekomst"),
    "te-lange-beschrijving": (
        "content/mantelzorg/te-lang.md",
        3,
        "177 tekens lang; het maximum is 160",
    ),
    "onbekende-doelgroep": (
        "content/mantelzorg/doelgroep.md",
        4,
        "'iedereen' is geen geldige waarde voor 'doelgroep'",
    ),
    "kapotte-link": (
        "content/mantelzorg/kapotte-link.md",
        14,
        "'wat-is-mantelzorgg.md' gaat naar een bestand dat niet bestaat",
    ),
    "kapot-anker": (
        "content/mantelzorg/kapot-anker.md",
        14,
        "kop '#bestaat-niet' die niet bestaat",
    ),
    "dubbele-slug": ("content/mantelzorg/dubbel.md", 1, "hetzelfde webadres '/mantelzorg/dubbel/'"),
    "afbeelding-zonder-alt": (
        "content/mantelzorg/zonder-alt.md",
        14,
        "'foto.png' heeft geen alt-tekst",
    ),
    "afbeelding-van-buiten": (
        "content/mantelzorg/plaatje-buiten.md",
        14,
        "komt van een andere website (plaatjes.example.com)",
    ),
    "script": ("content/mantelzorg/script.md", 16, "<script> is niet toegestaan"),
    "on-attribuut": ("content/mantelzorg/on-attribuut.md", 16, "'onmouseover' is niet toegestaan"),
    "javascript-link": (
        "content/mantelzorg/javascript-link.md",
        14,
        "script start ('javascript:alert(1)') is niet toegestaan",
    ),
    "onbereikbaar": ("content/los/verdwaald.md", 1, "geen menu en geen link komt bij deze pagina"),
    "slechte-bestandsnaam": (
        "content/mantelzorg/Hulp Vragen.md",
        1,
        "'Hulp Vragen' in het pad kan niet in een webadres",
    ),
}


def test_every_fixture_case_is_tested():
    assert sorted(CASES) == sorted(p.name for p in (FIXTURES / "check").iterdir())


def test_the_valid_test_site_passes(tmp_path, monkeypatch, capsys):
    code, lines = run_check(tmp_path, monkeypatch, capsys)
    assert code == 0
    assert lines == ["Alles in orde: 4 pagina's gecontroleerd."]


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_input_gives_one_dutch_line(case, tmp_path, monkeypatch, capsys):
    path, line, words = CASES[case]
    code, lines = run_check(tmp_path, monkeypatch, capsys, case)
    assert code == 1
    assert len(lines) == 1, lines
    match = LINE.match(lines[0])
    assert match, f"geen 'pad:regel:kolom: probleem — oplossing': {lines[0]}"
    assert (match["path"], int(match["line"])) == (path, line)
    assert words in match["problem"]
    assert match["fix"].strip()


def test_all_problems_are_reported_in_one_run(tmp_path, monkeypatch, capsys):
    cases = [c for c in CASES if c != "onbereikbaar"]
    code, lines = run_check(tmp_path, monkeypatch, capsys, *cases)
    assert code == 1
    found = {(m["path"], int(m["line"])) for m in map(LINE.match, lines)}
    assert found == {(CASES[c][0], CASES[c][1]) for c in cases}
    assert len(lines) == len(cases)


def test_several_problems_in_one_page_each_get_a_line(tmp_path, monkeypatch, capsys):
    content = make_content(tmp_path)
    (content / "mantelzorg" / "veel.md").write_text(
        "---\ntitle: Veel fouten\ndescription: Kort\ndoelgroep: niemand\nonderwerpen: []\n"
        "laatst_gecontroleerd: gisteren\nbronnen: []\nkleur: rood\n---\n\n# Veel fouten\n\n"
        "[weg](nergens.md) en ![](https://example.com/x.png)\n",
        "utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--content", "content", "--mkdocs-config", str(MKDOCS_YML)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    expected_lines = {
        3: "description",
        4: "doelgroep",
        5: "onderwerpen",
        6: "gisteren",
        7: "bronnen",
        8: "kleur",
    }
    for number, word in expected_lines.items():
        assert any(f"veel.md:{number}:" in line and word in line for line in lines), (number, lines)
    assert sum("veel.md:13:" in line for line in lines) == 3  # link, no alt, external image


def test_the_command_line_prints_no_traceback(tmp_path):
    content = make_content(tmp_path, *CASES)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "site_builder.cli",
            "check",
            "--content",
            str(content),
            "--mkdocs-config",
            str(MKDOCS_YML),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "problemen gevonden" in result.stderr
    assert all(LINE.match(line) for line in result.stdout.strip().splitlines())


def test_build_refuses_to_publish_when_check_fails(tmp_path, monkeypatch, capsys):
    make_content(tmp_path, "script")
    monkeypatch.chdir(tmp_path)
    code = main(
        [
            "build",
            "--content",
            "content",
            "--mkdocs-config",
            str(MKDOCS_YML),
            "--build-dir",
            "build",
            "--site-dir",
            "site",
        ]
    )
    assert code == 1
    assert not (tmp_path / "site").exists()
    assert "niet gebouwd" in capsys.readouterr().err


def test_the_repository_content_passes(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert main(["check"]) == 0, capsys.readouterr().out
