"""How content is written: sentences from a seed report are an error, hard text a warning."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from site_builder import originality
from site_builder.markdown_render import render
from site_builder.readability import html_text, measure, quiz_text
from tests.test_check import LINE, MKDOCS_YML, make_content, run_check

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

# 15 words from seed report 002 ("Oog voor samenwerken"), section 2.2, word for word.
SEED_SENTENCE = (
    "In de toekomst wordt samenwerking in de zorg steeds belangrijker. "
    "Professionals en mantelzorgers zorgen samen"
)
HARD = (
    "De implementatie van geïntegreerde ondersteuningsarrangementen binnen de "
    "gemeentelijke beleidscontext vereist een interdisciplinaire coördinatie tussen "
    "verschillende maatschappelijke organisaties, die gezamenlijk verantwoordelijkheid "
    "dragen voor de continuïteit van zorgverlening aan kwetsbare burgers."
)


def page(body: str, bronnen: str = "  - title: Testbron\n    document: Verzonnen testdocument\n"):
    return (
        "---\ntitle: Verzonnen pagina\ndescription: Een verzonnen pagina om de schrijfcontrole "
        "te testen.\ndoelgroep: beide\nonderwerpen: [test]\nlaatst_gecontroleerd: 2026-01-15\n"
        f"bronnen:\n{bronnen}---\n\n# Verzonnen pagina\n\n{body}\n"
    )


def layer(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "laag"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return root


def check_with(tmp_path, monkeypatch, capsys, files: dict[str, str]):
    return run_check(tmp_path, monkeypatch, capsys, layer(tmp_path, files))


# --- in our own words ---


def test_a_sentence_from_a_seed_report_is_an_error_with_its_place(tmp_path, monkeypatch, capsys):
    body = f"Een eigen zin.\n\n{SEED_SENTENCE} met de professional.\n"
    code, lines = check_with(tmp_path, monkeypatch, capsys, {"mantelzorg/kopie.md": page(body)})
    assert code == 1
    found = [LINE.match(line) for line in lines if "bronrapport" in line]
    assert len(found) == 1, lines
    assert found[0]["path"] == "content/mantelzorg/kopie.md"
    # 10 lines of front matter, a blank line, the heading, a blank line, one sentence and a
    # blank line: the copy starts on line 16.
    assert (found[0]["line"], found[0]["col"]) == ("16", "1")
    assert (
        "'in de toekomst wordt samenwerking in de zorg steeds belangrijker" in found[0]["problem"]
    )
    assert "eigen woorden" in found[0]["fix"]


def test_a_copy_is_found_through_line_breaks_capitals_and_markup(tmp_path, monkeypatch, capsys):
    body = (
        "In de TOEKOMST wordt **samenwerking** in de\nzorg steeds belangrijker: "
        "professionals en mantelzorgers zorgen samen.\n"
    )
    code, lines = check_with(tmp_path, monkeypatch, capsys, {"mantelzorg/kopie.md": page(body)})
    assert code == 1
    assert sum("bronrapport" in line for line in lines) == 1


def test_nine_shared_words_in_a_row_are_allowed(tmp_path, monkeypatch, capsys):
    nine = "in de toekomst wordt samenwerking in de zorg steeds"
    body = f"Wij denken: {nine} anders ingericht.\n"
    code, lines = check_with(tmp_path, monkeypatch, capsys, {"mantelzorg/eigen.md": page(body)})
    assert code == 0, lines


def test_the_title_of_a_source_may_be_quoted_word_for_word(tmp_path, monkeypatch, capsys):
    title = "Samen werken we aan een zorgzame samenleving in een gezond Flevoland"
    bronnen = f"  - title: Regioplan IZA Flevoland\n    document: {title}\n"
    body = f'Het regioplan heet "{title}". Het gaat over zorg in de buurt.\n'
    code, lines = check_with(
        tmp_path, monkeypatch, capsys, {"mantelzorg/titel.md": page(body, bronnen)}
    )
    assert code == 0, lines


def ziektebeeld_with_quiz(vraag: str, right: str, wrong: str) -> dict[str, str]:
    """A ziektebeeld page and its quiz of one waar-onwaar question, as layer files."""
    quiz = (
        "titel: Verzonnen toets\nvragen:\n  - id: een\n    type: waar-onwaar\n"
        f"    vraag: {vraag}\n    opties:\n"
        f"      - id: waar\n        tekst: Waar\n        juist: true\n        uitleg: {right}\n"
        f"      - id: onwaar\n        tekst: Onwaar\n        juist: false\n        uitleg: {wrong}\n"
    )
    return {
        "ziektebeelden/index.md": page("De ziektebeelden.\n\n- [Verzonnen](verzonnen.md)\n"),
        "ziektebeelden/verzonnen.md": page("Een verzonnen ziekte.\n"),
        "ziektebeelden/verzonnen.toets.yml": quiz,
    }


def test_a_copy_in_a_quiz_explanation_is_an_error(tmp_path, monkeypatch, capsys):
    files = ziektebeeld_with_quiz(
        "Samenwerken wordt belangrijker.",
        f"{SEED_SENTENCE}.",
        "Dat klopt niet. Samenwerken wordt juist belangrijker.",
    )
    code, lines = check_with(tmp_path, monkeypatch, capsys, files)
    assert code == 1
    (found,) = [LINE.match(line) for line in lines if "bronrapport" in line]
    assert (found["path"], found["line"]) == ("content/ziektebeelden/verzonnen.toets.yml", "10")


def test_the_fingerprint_holds_no_text_and_is_the_same_each_time(tmp_path):
    seed = tmp_path / "rapport.txt"
    seed.write_text(f"{SEED_SENTENCE}.\n", "utf-8")
    first, second = tmp_path / "een.bin.gz", tmp_path / "twee.bin.gz"
    assert originality.write_fingerprint([seed], first) == 15 - 10 + 1
    originality.write_fingerprint([seed], second)
    assert first.read_bytes() == second.read_bytes()
    assert b"toekomst" not in gzip.decompress(first.read_bytes())


def test_a_word_broken_at_a_line_end_in_a_report_is_one_word():
    report = "Veel mantelzor-\ngers vinden het moeilijk om hulp te vragen aan hun buren."
    seeds = frozenset(originality.fingerprint([report]))
    ours = "Veel mantelzorgers vinden het moeilijk om hulp te vragen aan hun buren."
    assert originality.shared_runs(ours, seeds=seeds)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed reports are beside the checkout only")
def test_the_committed_fingerprint_matches_the_seed_reports():
    expected = originality.fingerprint(p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt")))
    assert originality.seed_fingerprint() == frozenset(expected)


# --- readable ---


def test_plain_short_sentences_give_no_warning(tmp_path, monkeypatch, capsys):
    body = "Zorg is soms zwaar. Praat erover met iemand. Vraag om hulp als het te veel wordt.\n"
    code, lines = check_with(tmp_path, monkeypatch, capsys, {"mantelzorg/plat.md": page(body)})
    assert code == 0
    assert not any("waarschuwing" in line for line in lines), lines


def test_hard_text_is_a_warning_that_does_not_stop_the_build(tmp_path, monkeypatch, capsys):
    code, lines = check_with(
        tmp_path, monkeypatch, capsys, {"mantelzorg/moeilijk.md": page(HARD + "\n")}
    )
    assert code == 0
    (warning,) = [LINE.match(line) for line in lines if ": waarschuwing: " in line]
    assert warning["path"] == "content/mantelzorg/moeilijk.md"
    assert warning["problem"].startswith("waarschuwing: moeilijk te lezen (Flesch-Douma ")
    assert "woorden per zin" in warning["problem"]
    assert "kortere zinnen" in warning["fix"]
    assert lines[-1] == "Wel 1 waarschuwing: kijk ernaar, de site kan wel gebouwd worden."


def test_a_hard_quiz_is_a_warning_too(tmp_path, monkeypatch, capsys):
    files = ziektebeeld_with_quiz(HARD, HARD, HARD)
    code, lines = check_with(tmp_path, monkeypatch, capsys, files)
    assert code == 0
    warned = [LINE.match(line)["path"] for line in lines if ": waarschuwing: " in line]
    assert warned == ["content/ziektebeelden/verzonnen.toets.yml"]


def test_list_items_and_headings_are_units_of_their_own():
    body = "## Wat u kunt doen\n\n- vraag hulp\n- neem rust\n- praat met de huisarts\n"
    text = html_text(render(body, MKDOCS_YML).html)
    assert text.splitlines() == [
        "Wat u kunt doen.",
        "vraag hulp.",
        "neem rust.",
        "praat met de huisarts.",
    ]
    assert measure(text).words_per_sentence < 5


def test_quiz_text_is_what_the_learner_reads():
    data = {
        "vragen": [
            {"vraag": "Is dit een vraag?", "opties": [{"tekst": "Ja", "uitleg": "Goed zo."}]}
        ]
    }
    assert quiz_text(data).splitlines() == ["Is dit een vraag?", "Ja.", "Goed zo."]


def test_the_leesbaarheid_command_lists_every_page_hardest_first(tmp_path, monkeypatch, capsys):
    from site_builder.cli import main

    make_content(tmp_path, layer(tmp_path, {"mantelzorg/moeilijk.md": page(HARD + "\n")}))
    monkeypatch.chdir(tmp_path)
    code = main(["leesbaarheid", "--content", "content", "--mkdocs-config", str(MKDOCS_YML)])
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert code == 0
    assert lines[0].startswith("content/mantelzorg/moeilijk.md: Flesch-Douma ")
    assert lines[0].endswith("← moeilijk")
    assert len(lines) == 5  # the four pages of the test site and the hard one
    assert "5 pagina's en toetsen gemeten; 1 onder de grens" in captured.err
