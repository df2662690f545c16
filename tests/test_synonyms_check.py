"""`site-builder check` on the editors' synonym list: each kind of mistake, with its line."""

from __future__ import annotations

import pytest

from site_builder.problems import Problems
from site_builder.synonyms_check import SYNONYMS_FILE, check_synonyms


def problems_for(tmp_path, text: str) -> list[str]:
    path = tmp_path / SYNONYMS_FILE
    path.parent.mkdir(parents=True)
    path.write_text(text, "utf-8")
    found = Problems()
    check_synonyms(tmp_path, found)
    return [problem.format().split(f"{SYNONYMS_FILE}:", 1)[1] for problem in found]


def test_the_real_list_passes():
    from tests.academie import ROOT

    found = Problems()
    check_synonyms(ROOT / "content", found)
    assert [p.format() for p in found] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("groepen: [\n", "is niet te lezen"),
        ("woorden:\n  - [a, b]\n", "1:1: het bestand moet precies één lijst 'groepen:' hebben"),
        ("groepen: respijtzorg\n", "'groepen' is geen lijst"),
        ("groepen:\n  - [dementie]\n", "2:5: groep 1 heeft minder dan twee woorden"),
        ("groepen:\n  - [dementie, Alzheimer]\n", "2:16: 'Alzheimer' heeft hoofdletters"),
        ("groepen:\n  - [pgb, 3]\n", "2:11: in groep 1 staat iets dat geen woord is: 3"),
        ("groepen:\n  - [op, moe, op]\n", "2:15: 'op' staat twee keer in groep 1"),
    ],
)
def test_each_mistake_is_named_with_its_place_and_a_fix(tmp_path, text, expected):
    found = problems_for(tmp_path, text)
    assert len(found) == 1, found
    assert expected in found[0] and " — " in found[0]
