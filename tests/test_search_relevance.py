"""Relevance of the portal's search: realistic Dutch queries on a fictional corpus.

The corpus (tests/fixtures/zoeken) has about fifty pages and twenty-six organisations, all made
up, with decoys: pages that share a word with a query but mean something else. The synonyms
are the editors' real list, content/zoeken/synoniemen.yml, so a change there is tested too.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml

from site_builder import search
from site_builder.pages import load_pages
from site_builder.problems import Problems
from site_builder.search_docs import SYNONYMS_FILE, organisation_docs, page_doc
from sociale_kaart.loader import load_kaart
from tests.conftest import CONTENT, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "zoeken"
# After every laatst_gecontroleerd in the fixtures, so the loaders never call one 'future'.
TODAY = dt.date(2026, 12, 1)
TOP = 3


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The fictional pages and organisations, indexed once, and a search over them."""
    tmp = tmp_path_factory.mktemp("zoeken")
    problems = Problems()
    pages = load_pages(FIXTURES / "content", problems, TODAY)
    kaart_dir = tmp / "kaart"
    shutil.copytree(FIXTURES / "kaart" / "organisaties", kaart_dir / "organisaties")
    shutil.copytree(ROOT / "sociale_kaart" / "taxonomie", kaart_dir / "taxonomie")
    kaart = load_kaart(kaart_dir, problems, TODAY)
    assert not problems, "\n".join(p.format() for p in problems)
    groups = yaml.safe_load((CONTENT / SYNONYMS_FILE).read_text("utf-8"))["groepen"]
    docs = [page_doc(page) for page in pages] + organisation_docs(kaart)
    search.build(tmp / "index", docs, search.parse_synonyms(groups))
    searcher = search.Search(tmp / "index")
    yield searcher, {doc.id: doc for doc in docs}
    searcher.close()


def top_ids(searcher: search.Search, text: str, **filters) -> list[str]:
    return [hit.id for hit in searcher.search(text, filters).hits]


def test_the_fixtures_are_a_corpus_of_the_intended_size(corpus):
    _searcher, docs = corpus
    pages = [d for d in docs.values() if d.soort != "organisatie"]
    organisations = [d for d in docs.values() if d.soort == "organisatie"]
    assert len(pages) >= 40 and len(organisations) >= 25
    assert {d.soort for d in pages} == {"artikel", "ziektebeeld", "les"}
    assert all(d.title.startswith("Verzonnen ") for d in organisations)
    codes = {code for d in organisations for code in d.gemeente}
    assert {"GM0034", "GM0050", "GM0171", "GM0184", "GM0303", "GM0995"} <= codes


# (query, the document that must be among the first three). Grouped by what they test.
RELEVANT = [
    # The word itself.
    ("respijtzorg", "pagina:respijtzorg/wat-is-respijtzorg.md"),
    ("logeeropvang", "pagina:respijtzorg/logeeropvang.md"),
    ("dagbesteding", "pagina:respijtzorg/dagbesteding.md"),
    ("keukentafelgesprek", "pagina:regelingen/keukentafelgesprek.md"),
    ("pgb", "pagina:regelingen/pgb.md"),
    ("zorgverlof", "pagina:regelingen/zorgverlof.md"),
    ("incontinentie", "pagina:verzorging/incontinentie.md"),
    ("parkinson", "pagina:ziektebeelden/parkinson.md"),
    ("rouw", "pagina:rouw/rouw-en-verlies.md"),
    ("dementie", "pagina:ziektebeelden/dementie.md"),
    ("mantelzorgwaardering", "pagina:mantelzorg/mantelzorgwaardering.md"),
    # Synonyms, in both directions: the page does not use the word that was typed.
    ("vergeetachtig", "pagina:ziektebeelden/dementie.md"),
    ("geheugenproblemen", "pagina:ziektebeelden/dementie.md"),
    ("alzheimer", "pagina:ziektebeelden/dementie.md"),
    ("schoonmaken", "pagina:regelingen/huishoudelijke-hulp.md"),
    ("hulp in huis", "pagina:regelingen/huishoudelijke-hulp.md"),
    ("herseninfarct", "pagina:ziektebeelden/beroerte.md"),
    ("cva", "pagina:ziektebeelden/beroerte.md"),
    ("hersenletsel", "pagina:ziektebeelden/niet-aangeboren-hersenletsel.md"),
    ("uitgeput", "pagina:overbelasting/signalen-van-overbelasting.md"),
    ("burn-out", "pagina:overbelasting/signalen-van-overbelasting.md"),
    ("persoonsgebonden budget", "pagina:regelingen/pgb.md"),
    ("wet maatschappelijke ondersteuning", "pagina:regelingen/wmo-aanvragen.md"),
    ("praatgroep", "pagina:lotgenoten/lotgenotencontact.md"),
    ("dagopvang", "pagina:respijtzorg/dagbesteding.md"),
    ("mantelzorgcompliment", "pagina:mantelzorg/mantelzorgwaardering.md"),
    ("mijn vader is overleden", "pagina:rouw/rouw-en-verlies.md"),
    # Singular and plural, and other forms of a word.
    ("jonge mantelzorger", "pagina:mantelzorg/jonge-mantelzorgers.md"),
    ("lotgenoot", "pagina:lotgenoten/lotgenotencontact.md"),
    ("hulpmiddel", "pagina:regelingen/hulpmiddelen.md"),
    ("logeerhuizen", "pagina:respijtzorg/logeeropvang.md"),
    ("medicijn", "pagina:verzorging/medicijnen.md"),
    ("ziektes", "pagina:ziektebeelden/index.md"),
    # Typos.
    ("dementei", "pagina:ziektebeelden/dementie.md"),
    ("respijtzrog", "pagina:respijtzorg/wat-is-respijtzorg.md"),
    ("mantelzroger", "pagina:mantelzorg/wat-is-mantelzorg.md"),
    ("jonge mantelzroger", "pagina:mantelzorg/jonge-mantelzorgers.md"),
    ("keukentafelgesprak", "pagina:regelingen/keukentafelgesprek.md"),
    ("parkison", "pagina:ziektebeelden/parkinson.md"),
    # Compounds, both ways.
    ("mantelzorg ondersteuning", "pagina:mantelzorg/mantelzorgondersteuning.md"),
    ("ondersteuning voor mantelzorgers", "pagina:mantelzorg/mantelzorgondersteuning.md"),
    ("lotgenoten", "pagina:lotgenoten/lotgenotencontact.md"),
    ("logeer opvang", "pagina:respijtzorg/logeeropvang.md"),
    ("keukentafel gesprek", "pagina:regelingen/keukentafelgesprek.md"),
    ("mantelzorgcursus", "pagina:cursussen/index.md"),
    ("alzheimercafé", "pagina:lotgenoten/alzheimer-cafe.md"),
    # The sociale kaart: a need and a place.
    ("respijtzorg dronten", "organisatie:verzonnen-logeerhuis-dronten"),
    ("logeeropvang Dronten", "organisatie:verzonnen-logeerhuis-dronten"),
    ("dagbesteding almere", "organisatie:verzonnen-dagbesteding-almere"),
    ("dagbesteding biddinghuizen", "organisatie:verzonnen-dagbesteding-biddinghuizen"),
    ("noordoostpolder dagbesteding", "organisatie:verzonnen-dagbesteding-emmeloord"),
    ("hulp bij dementie in lelystad", "organisatie:verzonnen-casemanager-dementie-lelystad"),
    ("lotgenoten lelystad", "organisatie:verzonnen-lotgenotengroep-lelystad"),
    ("steunpunt mantelzorg urk", "organisatie:verzonnen-steunpunt-urk"),
    ("mantelzorgconsulent emmeloord", "organisatie:verzonnen-steunpunt-noordoostpolder"),
    ("oppas zeewolde", "organisatie:verzonnen-oppasdienst-zeewolde"),
    ("jonge mantelzorgers almere", "organisatie:verzonnen-jongerenclub-almere"),
    ("wmo loket dronten", "organisatie:verzonnen-wmo-loket-dronten"),
    ("thuiszorg urk", "organisatie:verzonnen-thuiszorg-urk"),
    ("rouwgroep", "organisatie:verzonnen-rouwgroep-almere"),
    ("praatgroep nah", "organisatie:verzonnen-praatgroep-nah-emmeloord"),
    # What worries people, in their own words.
    ("mijn moeder vergeet alles", "pagina:ziektebeelden/dementie.md"),
    ("even vrij van de zorg", "pagina:respijtzorg/wat-is-respijtzorg.md"),
    ("ik kan niet meer", "pagina:overbelasting/signalen-van-overbelasting.md"),
    ("ik kan het niet meer aan", "pagina:overbelasting/signalen-van-overbelasting.md"),
    ("ik ben zo moe", "pagina:overbelasting/signalen-van-overbelasting.md"),
    ("werk en mantelzorg combineren", "pagina:mantelzorg/werk-en-mantelzorg.md"),
    ("wmo aanvragen", "pagina:regelingen/wmo-aanvragen.md"),
    ("wat kost logeeropvang", "pagina:respijtzorg/logeeropvang.md"),
    ("mijn vader heeft parkinson", "pagina:ziektebeelden/parkinson.md"),
    ("hoe vraag ik een pgb aan", "pagina:regelingen/pgb.md"),
    ("mijn baan en de zorg", "pagina:mantelzorg/werk-en-mantelzorg.md"),
    # Accents, with and without.
    ("alzheimer café", "pagina:lotgenoten/alzheimer-cafe.md"),
    ("financiële hulp", "pagina:regelingen/financiele-hulp.md"),
    ("financiele hulp", "pagina:regelingen/financiele-hulp.md"),
    ("cliëntondersteuning", "pagina:regelingen/clientondersteuning.md"),
    ("clientondersteuning", "pagina:regelingen/clientondersteuning.md"),
    # Capitals.
    ("DEMENTIE", "pagina:ziektebeelden/dementie.md"),
    ("PGB", "pagina:regelingen/pgb.md"),
    ("Respijtzorg Dronten", "organisatie:verzonnen-logeerhuis-dronten"),
]


@pytest.mark.parametrize(("text", "expected"), RELEVANT, ids=[q for q, _ in RELEVANT])
def test_the_page_that_answers_the_query_is_in_the_top_three(corpus, text, expected):
    searcher, docs = corpus
    assert expected in docs, f"{expected} is not in the fixtures"
    found = top_ids(searcher, text)
    assert expected in found[:TOP], f"{text!r}: expected {expected} in the top {TOP}, got {found}"


# (query, a decoy: a document with a word of the query that means something else).
DECOYS = [
    # 'ontlasting' is also stool: respite care is not about incontinence.
    ("respijtzorg", "pagina:verzorging/incontinentie.md"),
    # Forgetting oneself is not dementia.
    ("mijn moeder vergeet alles", "pagina:overbelasting/vergeet-uzelf-niet.md"),
    # Cooking at the kitchen table is not the Wmo conversation.
    ("keukentafelgesprek", "pagina:verzorging/samen-koken.md"),
    # A repair café is not an Alzheimer Café.
    ("alzheimer café", "organisatie:verzonnen-repair-cafe-zeewolde"),
    # Day care for children is not day care for the person you look after.
    ("dagopvang", "pagina:mantelzorg/kinderopvang.md"),
    # Volunteering is not combining a job with care.
    ("werk en mantelzorg combineren", "pagina:mantelzorg/vrijwilligerswerk.md"),
    # A place alone is not a reason to show what is elsewhere.
    ("respijtzorg dronten", "organisatie:verzonnen-oppasdienst-zeewolde"),
]


@pytest.mark.parametrize(("text", "decoy"), DECOYS, ids=[q for q, _ in DECOYS])
def test_a_decoy_is_not_in_the_top_three(corpus, text, decoy):
    searcher, docs = corpus
    assert decoy in docs, f"{decoy} is not in the fixtures"
    found = top_ids(searcher, text)
    assert decoy not in found[:TOP], f"{text!r}: decoy {decoy} in the top {TOP}: {found}"


def test_the_table_is_large_enough():
    assert len(RELEVANT) >= 35 and len(DECOYS) >= 3


def every_hit(searcher: search.Search, text: str, filters=None) -> list[search.Hit]:
    """All hits of a search, page after page."""
    first = searcher.search(text, filters)
    hits = list(first.hits)
    for page in range(2, first.pages + 1):
        hits += searcher.search(text, filters, page).hits
    assert len(hits) == first.total
    return hits


def test_a_compound_is_found_by_its_first_word(corpus):
    searcher, _docs = corpus
    ids = [hit.id for hit in every_hit(searcher, "mantelzorg")]
    assert "pagina:mantelzorg/mantelzorgondersteuning.md" in ids


def test_a_typo_says_what_was_searched_for_instead(corpus):
    searcher, _docs = corpus
    found = searcher.search("dementei")
    assert "dementie" in (found.corrected, found.suggestion)
    assert found.query == "dementei"
    assert searcher.search("mantelzroger").corrected == "mantelzorger"
    # Only the unknown word is replaced; the others stay as typed.
    mixed = searcher.search("Respijtzrog Dronten")
    assert mixed.corrected == "respijtzorg Dronten"
    assert mixed.hits[0].id == "organisatie:verzonnen-logeerhuis-dronten"


def test_a_known_word_is_not_corrected(corpus):
    searcher, _docs = corpus
    for text in ("dementie", "pgb", "respijtzorg dronten", "ik kan niet meer"):
        found = searcher.search(text)
        assert found.corrected is None and found.suggestion is None, text


def test_nonsense_finds_nothing_and_fails_nothing(corpus):
    searcher, _docs = corpus
    for text in ("xylofoonreparatie kwantumfysica", "", "de het een", '"even vrij" OR *'):
        found = searcher.search(text)
        assert found.total >= len(found.hits) and found.pages >= 1
    assert searcher.search("xylofoonreparatie kwantumfysica").total == 0


def test_the_gemeente_filter_keeps_only_that_gemeente(corpus):
    searcher, docs = corpus
    hits = every_hit(searcher, "mantelzorg", {"gemeente": "GM0303"})
    assert hits
    assert all("GM0303" in docs[hit.id].gemeente for hit in hits)
    found = searcher.search("mantelzorg", {"gemeente": "GM0303"})
    assert found.facets["gemeente"]["GM0303"] == found.total == len(hits)
    # Help for all of Flevoland counts for Dronten too.
    ids = [hit.id for hit in every_hit(searcher, "werkende mantelzorgers", {"gemeente": "GM0303"})]
    assert "organisatie:verzonnen-werk-en-zorg-flevoland" in ids
    assert "organisatie:verzonnen-dagbesteding-almere" not in ids


def test_the_kind_filter_keeps_only_organisations(corpus):
    searcher, _docs = corpus
    hits = every_hit(searcher, "dementie", {"soort": "organisatie"})
    assert hits and {hit.soort for hit in hits} == {"organisatie"}
    found = searcher.search("dementie", {"soort": "organisatie"})
    assert found.facets["soort"] == {"organisatie": found.total}
    unfiltered = searcher.search("dementie")
    assert unfiltered.total > found.total
    assert unfiltered.facets["soort"]["organisatie"] == found.total


def test_two_filters_together(corpus):
    searcher, docs = corpus
    hits = every_hit(searcher, "dagbesteding", {"soort": "organisatie", "gemeente": "GM0303"})
    assert {hit.id for hit in hits} >= {"organisatie:verzonnen-dagbesteding-biddinghuizen"}
    assert all(h.soort == "organisatie" and "GM0303" in docs[h.id].gemeente for h in hits)


def test_snippets_mark_the_words_found(corpus):
    searcher, _docs = corpus
    found = searcher.search("logeeropvang")
    assert all("<mark" in hit.snippet for hit in found.hits[:3])
    # The page's text is escaped around the marks.
    assert all(
        "<" not in hit.snippet.replace("<mark", "").replace("</mark", "") for hit in found.hits
    )
