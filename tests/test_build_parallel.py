"""The build on two cores gives the same result as on one.

With a large sociale kaart, `check` loads it in a second process while it checks the pages, and
`build_site` writes the kaart's lists in a forked copy while it writes the organisation pages.
Here the thresholds are lowered so the small fixtures take those paths too.
"""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from site_builder import build, kaart_worker
from site_builder.build import build_site
from site_builder.check import check
from tests.conftest import CONTENT, EDIT_URL, KAART, MKDOCS_YML, SITE_URL
from tests.test_sociale_kaart_check import CASES, TODAY, make_kaart


def _summary(site, problems) -> dict:
    return {
        "problems": [p.format() for p in problems],
        "warnings": [p.format() for p in site.warnings],
        "organisations": [org.slug for org in site.kaart.organisations],
        "pages": [page.rel for page in site.pages],
        "links": site.links,
        "nav": site.nav,
    }


@pytest.mark.parametrize("cases", [(), tuple(CASES)])
def test_the_kaart_checked_in_a_second_process_gives_the_same_answer(cases, tmp_path, monkeypatch):
    make_kaart(tmp_path, *cases)
    monkeypatch.chdir(tmp_path)
    alone = _summary(*check(CONTENT, MKDOCS_YML, TODAY, kaart_dir=Path("sociale_kaart")))
    monkeypatch.setattr(kaart_worker, "PARALLEL_FROM", 1)
    started = []
    real_popen = kaart_worker.subprocess.Popen

    def counting_popen(command, **kwargs):
        started.append(command)
        return real_popen(command, **kwargs)

    monkeypatch.setattr(kaart_worker.subprocess, "Popen", counting_popen)
    assert _summary(*check(CONTENT, MKDOCS_YML, TODAY, kaart_dir=Path("sociale_kaart"))) == alone
    assert len(started) == 1  # the second process really ran
    if cases:
        assert alone["problems"], "the bad entries must be reported"


def test_a_second_process_that_fails_is_replaced_by_loading_here(tmp_path, monkeypatch):
    monkeypatch.setattr(kaart_worker, "PARALLEL_FROM", 1)
    monkeypatch.setattr(kaart_worker.sys, "executable", "/bin/false")
    site, problems = check(CONTENT, MKDOCS_YML, kaart_dir=KAART)
    assert not problems
    assert len(site.kaart.organisations) == len(list((KAART / "organisaties").glob("*.yaml")))


def _docs_after_build(tmp_path: Path, name: str) -> Path:
    site, problems = check(CONTENT, MKDOCS_YML, kaart_dir=KAART)
    assert not problems
    work = tmp_path / name
    build_site(
        site,
        base_config=MKDOCS_YML,
        build_dir=work / "build",
        site_dir=work / "site",
        site_url=SITE_URL,
        edit_url=EDIT_URL,
    )
    return work


def _same_trees(left: Path, right: Path) -> bool:
    cmp = filecmp.dircmp(left, right)
    pending = [cmp]
    while pending:
        current = pending.pop()
        if current.left_only or current.right_only:
            return False
        _same, differ, errors = filecmp.cmpfiles(
            current.left, current.right, current.common_files, shallow=False
        )
        if differ or errors:
            return False
        pending += current.subdirs.values()
    return True


def test_the_kaart_pages_written_by_two_processes_are_the_same(tmp_path, monkeypatch):
    if not build._can_fork():
        pytest.skip("no fork here (other threads are running, or one core)")
    alone = _docs_after_build(tmp_path, "alleen")
    forks = []
    real_fork = build.os.fork

    def counting_fork():
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(build, "PARALLEL_PAGES_FROM", 1)
    monkeypatch.setattr(build.os, "fork", counting_fork)
    together = _docs_after_build(tmp_path, "samen")
    assert forks == [1]
    assert _same_trees(alone / "build" / "docs", together / "build" / "docs")
    assert _same_trees(alone / "site", together / "site")
