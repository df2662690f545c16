"""Courses and quizzes (issue 4, item 3): the one loader, its checker messages, no answer key out.

Each folder in tests/fixtures/cursus/fouten/ is laid over the basis test site plus the valid
course in tests/fixtures/cursus/geldig/, and must give exactly one Dutch problem line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.courses import (
    is_private,
    load_courses,
    load_quiz,
    load_ziektebeeld_quizzes,
    version,
)
from site_builder.problems import Problems

from .conftest import check_and_build
from .test_check import make_content as make_site
from .test_check import run_check as run_site_check

FIXTURES = Path(__file__).parent / "fixtures"
CURSUS = FIXTURES / "cursus"
ROOT = Path(__file__).resolve().parent.parent
MKDOCS_YML = ROOT / "mkdocs.yml"
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<problem>.+) — (?P<fix>.+)$")
C = "content/cursussen/verzonnen-cursus"
Z = "content/ziektebeelden"


def make_content(tmp_path: Path, *cases: str) -> Path:
    """The valid test site and course, plus the files of each named case in cursus/fouten/."""
    return make_site(tmp_path, CURSUS / "geldig", *(CURSUS / "fouten" / case for case in cases))


def run_check(tmp_path: Path, monkeypatch, capsys, *cases: str) -> tuple[int, list[str]]:
    layers = [CURSUS / "geldig", *(CURSUS / "fouten" / case for case in cases)]
    return run_site_check(tmp_path, monkeypatch, capsys, *layers)


# case → (file, line, words the problem must contain, words the fix must contain)
CASES = {
    "yaml-syntaxfout": (f"{C}/toets.yml", 7, "dubbele punt op een plek", "aanhalingstekens"),
    "onbekend-veld": (f"{C}/cursus.yml", 12, "onbekend veld 'auteur'", "Toegestane velden"),
    "ontbrekend-veld": (f"{C}/cursus.yml", 2, "'slaaggrens' ontbreekt", "percentage"),
    "oefenen-met-pogingen": (
        f"{C}/cursus.yml",
        11,
        "oefenvragen (oefenen: true) hebben geen max_pogingen",
        "haal de regel 'max_pogingen' weg",
    ),
    "geen-juist-antwoord": (
        f"{C}/toets.yml",
        8,
        "vraag 'verzonnen-vraag-een' heeft geen juist antwoord",
        "juist: true",
    ),
    "twee-juist-bij-een-antwoord": (
        f"{C}/toets.yml",
        8,
        "type een-antwoord maar heeft 2 juiste antwoorden",
        "meerdere-antwoorden",
    ),
    "ontbrekende-uitleg": (f"{C}/toets.yml", 13, "'uitleg' ontbreekt", "waarom"),
    "dubbele-vraag-id": (
        f"{C}/toets.yml",
        17,
        "vraag-id 'verzonnen-vraag-een' staat er twee keer in",
        "eigen id",
    ),
    "dubbele-optie-id": (f"{C}/toets.yml", 13, "de optie-id 'a' er twee keer in", "eigen id"),
    "slaaggrens-te-hoog": (
        f"{C}/cursus.yml",
        9,
        "slaaggrens is 120, maar het is een percentage: het maximum is 100",
        "slaaggrens: 80",
    ),
    "trek-te-groot": (f"{C}/toets.yml", 3, "trek is 9, maar de toets heeft maar 3 vragen", "3"),
    "les-bestaat-niet": (f"{C}/cursus.yml", 8, "de les 'les-3.md' bestaat niet", "les-1.md"),
    "les-niet-in-lijst": (f"{C}/les-extra.md", 1, "staat niet in de lijst lessen", "les-extra"),
    "toets-ontbreekt": (
        f"{C}/cursus.yml",
        8,
        "het toetsbestand 'eindtoets.yml' bestaat niet",
        "maak het bestand aan",
    ),
    "waar-onwaar-drie-opties": (
        f"{Z}/verzonnen-ziekte.toets.yml",
        7,
        "is waar-onwaar maar heeft 3 opties",
        "precies twee opties",
    ),
    "cursus-zonder-cursus-yml": (
        "content/cursussen/lege-cursus/cursus.yml",
        1,
        "de cursusmap lege-cursus/ heeft geen cursus.yml",
        "slaaggrens",
    ),
    "toets-zonder-ziektebeeld": (
        f"{Z}/onbestaande-ziekte.toets.yml",
        1,
        "geen ziektebeeldpagina 'onbestaande-ziekte'",
        "naast de pagina",
    ),
}


def test_every_fixture_case_is_tested():
    assert sorted(CASES) == sorted(p.name for p in (CURSUS / "fouten").iterdir())


def test_the_valid_course_passes(tmp_path, monkeypatch, capsys):
    code, lines = run_check(tmp_path, monkeypatch, capsys)
    assert code == 0, lines
    assert lines == ["Alles in orde: 10 pagina's gecontroleerd."]


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_course_or_quiz_gives_one_dutch_line(case, tmp_path, monkeypatch, capsys):
    path, line, words, fix_words = CASES[case]
    code, lines = run_check(tmp_path, monkeypatch, capsys, case)
    assert code == 1
    assert len(lines) == 1, lines
    match = LINE.match(lines[0])
    assert match, f"geen 'pad:regel:kolom: probleem — oplossing': {lines[0]}"
    assert (match["path"], int(match["line"])) == (path, line), lines[0]
    assert words in match["problem"], lines[0]
    assert fix_words in match["fix"], lines[0]


def test_several_quiz_problems_are_reported_in_one_run(tmp_path, monkeypatch, capsys):
    cases = ["onbekend-veld", "dubbele-optie-id", "les-niet-in-lijst", "waar-onwaar-drie-opties"]
    code, lines = run_check(tmp_path, monkeypatch, capsys, *cases)
    assert code == 1
    found = {(m["path"], int(m["line"])) for m in map(LINE.match, lines)}
    assert found == {(CASES[c][0], CASES[c][1]) for c in cases}


def test_the_loader_gives_the_service_a_usable_course(tmp_path):
    content = make_content(tmp_path)
    problems = Problems()
    [course] = load_courses(content, problems)
    quizzes = load_ziektebeeld_quizzes(content, problems)
    assert not problems
    assert course.slug == "verzonnen-cursus"
    assert course.lessen == (
        "cursussen/verzonnen-cursus/les-1.md",
        "cursussen/verzonnen-cursus/les-2.md",
    )
    assert (course.slaaggrens, course.max_pogingen, course.geldigheid_maanden) == (80, 3, 24)
    quiz = course.toets
    assert quiz is not None and quiz.draw == 2 and len(quiz.vragen) == 3
    assert quiz.vragen[1].correct == {"a", "b"}
    assert course.passed(2, 2) and not course.passed(1, 2)
    assert list(quizzes) == ["verzonnen-ziekte"]
    assert quizzes["verzonnen-ziekte"].draw == 1


def _quiz_version(tmp_path: Path, text: str) -> str:
    path = tmp_path / "toets.yml"
    path.write_text(text, "utf-8")
    problems = Problems()
    quiz = load_quiz(path, tmp_path, problems)
    assert quiz is not None, [p.format() for p in problems]
    return version(quiz)


def test_the_quiz_version_is_a_content_hash(tmp_path):
    original = (CURSUS / "geldig/cursussen/verzonnen-cursus/toets.yml").read_text("utf-8")
    base = _quiz_version(tmp_path, original)
    assert re.fullmatch(r"[0-9a-f]{16}", base)
    reformatted = "# een ander commentaar\n\n" + original.replace("trek: 2", "trek:    2  # twee")
    assert _quiz_version(tmp_path, reformatted) == base
    changed_answer = original.replace(
        "tekst: Groen\n        juist: false", "tekst: Groen\n        juist: true"
    ).replace("type: een-antwoord", "type: meerdere-antwoorden")
    assert _quiz_version(tmp_path, changed_answer) != base
    changed_text = original.replace("Blauw", "Lichtblauw")
    assert _quiz_version(tmp_path, changed_text) != base


def test_yaml_files_are_private():
    assert is_private("cursussen/x/toets.yml") and is_private("ziektebeelden/x.toets.YAML")
    assert not is_private("mantelzorg/foto.png")


def test_no_answer_key_is_published(tmp_path):
    content = make_content(tmp_path)
    site = check_and_build(content, tmp_path / "work")
    docs = tmp_path / "work" / "build"
    quiz_files = [*content.rglob("toets.yml"), *content.rglob("*.toets.yml")]
    secrets = set()
    for path in quiz_files:
        problems = Problems()
        quiz = load_quiz(path, content, problems)
        assert quiz is not None
        secrets |= {o.uitleg for q in quiz.vragen for o in q.opties}
    assert len(secrets) == 9
    published = [p for p in [*site.rglob("*"), *docs.rglob("*")] if p.is_file()]
    assert any(p.name == "index.html" and "les-1" in str(p) for p in published)
    assert not [p for p in published if p.suffix in (".yml", ".yaml") and p.name != "mkdocs.yml"]
    for path in published:
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert "VERZONNEN-UITLEG" not in text, path
        leaked = [s for s in secrets if s in text]
        assert not leaked, (path, leaked)
        assert "verzonnen-vraag-" not in text, path  # nothing derived from the quiz
        if "Verzonnen toets" in text or "Verzonnen ziektetoets" in text:
            assert "juist" not in text, path


def test_schema_errors_do_not_hide_other_quiz_problems(tmp_path, monkeypatch, capsys):
    content = make_content(tmp_path)
    quiz = content / "cursussen/verzonnen-cursus/toets.yml"
    text = quiz.read_text("utf-8")
    text = text.replace("        uitleg: VERZONNEN-UITLEG-groen-is-fout\n", "")
    text = text.replace("  - id: verzonnen-vraag-twee", "  - id: verzonnen-vraag-een")
    quiz.write_text(text.replace("uitleg: VERZONNEN-UITLEG-onwaar-is-goed", "kleur: rood"), "utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--content", "content", "--mkdocs-config", str(MKDOCS_YML)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    for words in ("'uitleg' ontbreekt", "vraag-id 'verzonnen-vraag-een' staat er twee keer in"):
        assert any(words in line for line in lines), (words, lines)
    assert any("onbekend veld 'kleur'" in line for line in lines), lines
