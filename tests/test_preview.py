"""`site-builder voorbeeld`: after changing a page, only that page is built again — and the
site is then exactly what a full build would have made. Anything a preview cannot do safely
makes a full build, with the reason."""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import shutil
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.preview import STATE_FILE, FullBuildNeeded, preview
from tests.conftest import CONTENT, EDIT_URL, KAART, MKDOCS_YML, SITE_URL

ARTICLE = "mantelzorg/wat-is-mantelzorg.md"
HTML = "mantelzorg/wat-is-mantelzorg/index.html"
SENTENCE = "Deze verzonnen zin is net toegevoegd om het voorbeeld te testen."


def _args(work: Path, verb: str) -> list[str]:
    return [
        verb,
        "--content",
        str(work / "content"),
        "--sociale-kaart",
        str(work / "sociale_kaart"),
        "--mkdocs-config",
        str(MKDOCS_YML),
        "--build-dir",
        str(work / "build"),
        "--site-dir",
        str(work / "site"),
        "--site-url",
        SITE_URL,
        "--edit-url",
        EDIT_URL,
        "--zoekindex",
        str(work / "zoekindex"),
    ]


def _fresh_work(folder: Path) -> Path:
    shutil.copytree(CONTENT, folder / "content")
    (folder / "sociale_kaart").mkdir()
    for part in ("organisaties", "taxonomie"):
        shutil.copytree(KAART / part, folder / "sociale_kaart" / part)
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The repository's content and sociale kaart, fully built once: the start of each preview."""
    work = _fresh_work(tmp_path_factory.mktemp("voorbeeld"))
    assert main(_args(work, "build")) == 0
    return work


@pytest.fixture
def work(built, tmp_path) -> Path:
    """A copy of the built work folder (content, kaart, build/, site/) for one test to change."""
    copy = tmp_path / "werk"
    shutil.copytree(built, copy)
    return copy


def _add_sentence(content: Path, rel: str = ARTICLE) -> None:
    path = content / rel
    text = path.read_text("utf-8")
    heading = next(line for line in text.splitlines() if line.startswith("## "))
    path.write_text(text.replace(heading, f"{SENTENCE}\n\n{heading}", 1), "utf-8")


def _preview(work: Path):
    state_file = work / "build" / STATE_FILE
    day = json.loads(state_file.read_text("utf-8"))["datum"] if state_file.exists() else None
    return preview(
        content_dir=work / "content",
        kaart_dir=work / "sociale_kaart",
        base_config=MKDOCS_YML,
        build_dir=work / "build",
        site_dir=work / "site",
        site_url=SITE_URL,
        edit_url=EDIT_URL,
        # The day of the build, so a test run around midnight gives the same answer.
        today=dt.date.fromisoformat(day) if day else None,
    )


def _differences(left: Path, right: Path) -> list[str]:
    found = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        found.extend(prefix + name for name in cmp.left_only + cmp.right_only + cmp.funny_files)
        _same, differ, errors = filecmp.cmpfiles(
            cmp.left, cmp.right, cmp.common_files, shallow=False
        )
        found.extend(prefix + name for name in differ + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return found


def test_a_changed_page_is_rebuilt_alone_and_the_site_equals_a_full_build(work, tmp_path, capsys):
    before = {p: p.stat().st_mtime_ns for p in (work / "site").rglob("index.html")}
    _add_sentence(work / "content")
    capsys.readouterr()

    assert main(_args(work, "voorbeeld")) == 0

    out = capsys.readouterr().out
    assert "1 pagina in" in out and ARTICLE in out
    assert SENTENCE in (work / "site" / HTML).read_text("utf-8")
    rewritten = [p for p, mtime in before.items() if p.stat().st_mtime_ns != mtime]
    assert rewritten == [work / "site" / HTML]
    # The same content, built in full elsewhere: every file of site/ is the same.
    full = _fresh_work(tmp_path / "vol")
    _add_sentence(full / "content")
    assert main(_args(full, "build")) == 0
    assert _differences(work / "site", full / "site") == []


def test_without_changes_nothing_is_built(work, capsys):
    assert main(_args(work, "voorbeeld")) == 0
    assert "Geen pagina veranderd" in capsys.readouterr().out


def test_a_second_preview_starts_from_the_first(work):
    _add_sentence(work / "content")
    result, problems, _warnings = _preview(work)
    assert result.pages == [ARTICLE] and not problems
    result, problems, _warnings = _preview(work)
    assert result.pages == [] and not problems


def test_a_problem_in_the_changed_page_is_reported_and_nothing_is_written(work, capsys):
    page = work / "content" / ARTICLE
    page.write_text(page.read_text("utf-8") + "\n[Kapot](bestaat-niet.md)\n", "utf-8")
    html_before = (work / "site" / HTML).read_bytes()
    docs_before = (work / "build" / "docs" / ARTICLE).read_bytes()

    assert main(_args(work, "voorbeeld")) == 1

    captured = capsys.readouterr()
    assert "bestaat-niet.md" in captured.out
    assert "niet bijgewerkt" in captured.err
    assert (work / "site" / HTML).read_bytes() == html_before
    assert (work / "build" / "docs" / ARTICLE).read_bytes() == docs_before


def test_a_link_to_a_sociale_kaart_page_is_known_without_loading_the_kaart(work):
    page = work / "content" / ARTICLE
    page.write_text(
        page.read_text("utf-8") + "\nZie [het overzicht](../sociale-kaart/overzicht.md).\n",
        "utf-8",
    )
    result, problems, _warnings = _preview(work)
    assert not problems, [p.format() for p in problems]
    assert result.pages == [ARTICLE]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda w: _touch_kaart(w), "sociale kaart"),
        (lambda w: (w / "content" / ARTICLE).unlink(), "weggehaald"),
        (lambda w: _retitle(w, ARTICLE), "menu"),
        (lambda w: (w / "content" / "plaatje.png").write_bytes(b"\x89PNG"), "alleen pagina's"),
        (lambda w: shutil.rmtree(w / "build"), "nog geen volledige bouw"),
        (lambda w: shutil.rmtree(w / "site"), "komt niet van de vorige bouw"),
    ],
)
def test_more_than_pages_changed_needs_a_full_build(work, change, reason):
    change(work)
    with pytest.raises(FullBuildNeeded, match=reason):
        _preview(work)


def test_the_command_falls_back_to_a_full_build_and_says_why(work, capsys):
    _touch_kaart(work)
    _add_sentence(work / "content")
    assert main(_args(work, "voorbeeld")) == 0
    captured = capsys.readouterr()
    assert "De hele site wordt opnieuw gebouwd, want de sociale kaart is veranderd" in captured.err
    assert "Site gebouwd" in captured.out
    assert SENTENCE in (work / "site" / HTML).read_text("utf-8")


def _touch_kaart(work: Path) -> None:
    path = next((work / "sociale_kaart" / "organisaties").glob("*.yaml"))
    path.write_text(path.read_text("utf-8") + "\n# nagekeken\n", "utf-8")


def _retitle(work: Path, rel: str) -> None:
    path = work / "content" / rel
    text = path.read_text("utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    path.write_text(text.replace(title, "title: Een verzonnen nieuwe menutitel", 1), "utf-8")
