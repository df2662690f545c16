"""Search stays fast without changing what it finds: a warmed index answers common words from
memory, the early-stopping ranking gives the same top as scoring every document, and the
service warms its index in the background from its first request on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder import search
from tests.test_zoeken import fictional_docs

COMMON = ["verzonnen", "verzonnen test", "een test pagina", "verzonnen ziekte", "lesstof cursus"]


def results(reader: search.Search, text: str) -> list[tuple[str, str]]:
    found = reader.search(text)
    return [(hit.id, hit.snippet) for hit in found.hits] + [("totaal", str(found.total))]


def test_a_warmed_index_answers_common_words_without_reading_postings(tmp_path, monkeypatch):
    directory = tmp_path / "portaal"
    search.build(directory, fictional_docs(tmp_path), {})
    cold = search.Search(directory)
    expected = {text: results(cold, text) for text in COMMON}
    cold.close()

    warm = search.Search(directory, warm=True)
    warm.open()
    engine = warm.indexes[0].engine

    def no_postings(*_args, **_kwargs):
        raise AssertionError("de index is niet opgewarmd: postings gelezen")

    monkeypatch.setattr(engine.reader, "postings", no_postings)
    assert {text: results(warm, text) for text in COMMON} == expected
    warm.close()


def test_a_rebuilt_index_is_warmed_before_it_is_swapped_in(tmp_path):
    directory = tmp_path / "portaal"
    docs = fictional_docs(tmp_path)
    search.build(directory, docs, {})
    reader = search.Search(directory, warm=True)
    reader.open()
    first = reader.indexes[0].engine
    search.build(directory, docs[:5], {})
    reader.search("iets anders")
    second = reader.indexes[0].engine
    assert second is not first
    assert second.terms.size and second.concepts.size  # warmed, not only opened
    reader.close()


# The ranking that stops early (`_top`) against scoring every document (`_rank_all`), on random
# concepts: overlapping documents, equal scores, filters and deep pages included.
_scores = st.dictionaries(
    st.integers(0, 300), st.sampled_from([0.5, 1.0, 1.5]) | st.floats(0.01, 5.0), max_size=120
)


def _concept(values: dict[int, float], weight: float) -> search._Matches:
    return search._Matches(values, search._mask(values, 301), weight, search._ranked(values))


@settings(max_examples=300, deadline=None)
@given(
    concepts=st.lists(st.tuples(_scores, st.floats(0.05, 4.0)), min_size=1, max_size=10),
    wanted=st.sampled_from([1, 10, 20, 250]),
    allowed=st.none() | st.frozensets(st.integers(0, 300), max_size=300),
)
def test_stopping_early_gives_the_same_top_as_scoring_every_document(concepts, wanted, allowed):
    scored = [_concept(values, weight) for values, weight in concepts if values]
    if not scored:
        return
    assert search._top(scored, wanted, allowed) == search._rank_all(scored, wanted, allowed)


def test_a_document_with_every_concept_is_found_below_the_tops_of_all_lists():
    # 4 concepts, each with 25 documents of its own that score high; document 500 has all four
    # with a low score, so it is at depth 25 in every list, yet covers the whole query.
    concepts = [{n * 100 + i: 5.0 for i in range(25)} | {500: 1.0} for n in range(4)]
    scored = [search._Matches(v, search._mask(v, 501), 1.0, search._ranked(v)) for v in concepts]
    top = search._top(scored, 1, None)
    assert top == search._rank_all(scored, 1, None) == [(4.0, 500)]


def test_a_typo_is_corrected_the_same_the_second_time_without_searching_again(tmp_path):
    directory = tmp_path / "portaal"
    search.build(directory, fictional_docs(tmp_path), {})
    reader = search.Search(directory)
    first = reader.search("verzonnenn")
    engine = reader.indexes[0].engine
    engine._nearest = lambda word: pytest.fail(f"opnieuw gezocht naar {word}")
    assert reader.search("verzonnenn").corrected == first.corrected == "verzonnen"
    reader.close()


# --- In the service ---


def test_the_service_warms_its_index_from_the_first_request_on(academie_app, tmp_path):
    index_dir = tmp_path / "zoekindex"
    search.build(index_dir / "portaal", fictional_docs(tmp_path), {})
    app = academie_app(ZOEKINDEX_DIR=str(index_dir), ZOEKINDEX_WARM=True)
    assert "zoeken" not in app.extensions  # nothing at create_app: CLI jobs make apps too
    app.test_client().get("/")
    app.extensions["zoeken-opwarmen"].join(timeout=60)
    engine = app.extensions["zoeken"].indexes[0].engine
    assert engine is not None and engine.terms.size
    assert app.test_client().get("/zoeken?q=verzonnen").status_code == 200


def test_test_apps_do_not_start_a_warming_thread(academie_app):
    app = academie_app()
    app.test_client().get("/")
    assert "zoeken-opwarmen" not in app.extensions
