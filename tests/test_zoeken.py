"""Search in the service: the /zoeken page and /api/zoeken over an index of fictional pages,
the fictional sociale kaart and the meetings; odd input; the index swapped in whole."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder import search
from site_builder.pages import load_pages
from site_builder.problems import Problems
from site_builder.search_docs import organisation_docs, page_doc
from sociale_kaart.loader import load_kaart
from tests.academie import FICTIONAL_CONTENT, csrf_token, log_in, new_account, new_organisation
from tests.bijeenkomsten import app_config, kaart_dir, meeting_form
from tests.test_api import matches


def fictional_docs(tmp_path) -> list[search.Doc]:
    problems = Problems()
    pages = load_pages(FICTIONAL_CONTENT, problems)
    kaart = load_kaart(kaart_dir(tmp_path), problems)
    assert not list(problems)
    return [page_doc(page) for page in pages] + organisation_docs(kaart)


@pytest.fixture
def app(academie_app, tmp_path):
    config = app_config(tmp_path)
    index_dir = tmp_path / "zoekindex"
    search.build(index_dir / "portaal", fictional_docs(tmp_path), {})
    return academie_app(**config, ZOEKINDEX_DIR=str(index_dir))


@pytest.fixture
def client(app):
    return app.test_client()


def titles(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', page)]


def test_a_search_finds_pages_and_the_sociale_kaart_with_the_words_marked(client):
    response = client.get("/zoeken?q=verzonnen")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Verzonnen ziekte" in titles(page)
    assert "<mark" in page
    assert "Hulp in de buurt" in page  # the sociale kaart's organisation, by its kind


def test_facets_are_links_that_narrow_the_search(client):
    page = client.get("/zoeken?q=verzonnen").get_data(as_text=True)
    link = re.search(r'href="(/zoeken\?[^"]*soort=organisatie[^"]*)"', page)
    assert link, "geen facetlink voor de sociale kaart"
    narrowed = client.get(html.unescape(link.group(1))).get_data(as_text=True)
    assert "Verzonnen ziekte" not in titles(narrowed)
    assert titles(narrowed) and all(t != "Verzonnen ziekte" for t in titles(narrowed))
    assert "weghalen" in narrowed


def test_a_typo_is_searched_as_the_word_it_nearly_is(client):
    page = client.get("/zoeken?q=verzonnenn").get_data(as_text=True)
    assert "Wij zochten naar <strong>verzonnen</strong>" in page
    assert titles(page)


def test_nothing_found_gives_tips_and_the_way_to_help_nearby(client):
    page = client.get("/zoeken?q=xqzwv").get_data(as_text=True)
    assert "0 resultaten" in page
    assert 'href="/sociale-kaart/"' in page
    assert "Tips" in page


def test_the_api_gives_the_same_results_as_the_page(client):
    spec = client.get("/api/openapi.json").get_json()
    body = matches(spec, "/api/zoeken", client.get("/api/zoeken?q=verzonnen"))
    page = client.get("/zoeken?q=verzonnen").get_data(as_text=True)
    assert [r["titel"] for r in body["resultaten"]] == titles(page)
    assert body["aantal"] > 0


def test_a_new_meeting_can_be_found_at_once_and_is_gone_when_cancelled(app, client, db):
    organiser = new_account(db, "organisator", organisatie_id=new_organisation(db).id)
    own = app.test_client()
    log_in(own, organiser)
    data = {**meeting_form(titel="Verzonnen zoekbare koffieochtend"), "csrf_token": ""}
    data["csrf_token"] = csrf_token(own, "/bijeenkomsten/nieuw")
    response = own.post("/bijeenkomsten/nieuw", data=data)
    assert response.status_code == 303
    meeting = response.headers["Location"]
    found = client.get("/zoeken?q=zoekbare+koffieochtend").get_data(as_text=True)
    assert "Verzonnen zoekbare koffieochtend" in titles(found)
    cancel = {"zeker": "y", "csrf_token": csrf_token(own, f"{meeting}/annuleren")}
    assert own.post(f"{meeting}/annuleren", data=cancel).status_code == 303
    gone = client.get("/zoeken?q=zoekbare+koffieochtend").get_data(as_text=True)
    assert "Verzonnen zoekbare koffieochtend" not in titles(gone)


ODD = [
    '"mantelzorg',
    "mantel*",
    "AND OR NOT",
    "NOT mantelzorg",
    "title:verzonnen",
    "(((",
    "~2 ^3 [a TO z]",
    "<script>alert('zoek')</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE gebruiker; --",
    "1 OR 1=1",
    "\x00\x07\x1b[31mrood",
    "\u202eomgekeerd",
    "x" * 2000,
    "verzonnen " * 300,
    "",
    "   ",
    "😀 mantelzorg",
]


@pytest.mark.parametrize("text", ODD, ids=range(len(ODD)))
def test_odd_input_gives_a_normal_page_and_is_escaped(client, text):
    for path in ("/zoeken", "/api/zoeken"):
        response = client.get(path, query_string={"q": text, "pagina": "9999999"})
        assert response.status_code == 200, path
    page = client.get("/zoeken", query_string={"q": text}).get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "\x00" not in page and "\x1b" not in page


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=300),
    facet=st.sampled_from(search.FACETS),
    value=st.text(max_size=30),
    page=st.text(max_size=6),
)
def test_any_text_in_any_parameter_gives_a_page_with_it_escaped(client, text, facet, value, page):
    response = client.get("/zoeken", query_string={"q": text, facet: value, "pagina": page})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for raw in (text, value):
        if "<" in raw and len(raw) > 3:
            assert raw not in body


# --- The index itself ---


def test_a_rebuild_is_swapped_in_whole_and_an_open_search_follows_it(tmp_path):
    directory = tmp_path / "portaal"
    first = search.build(directory, [search.Doc("a", "artikel", "Verzonnen eerste", "/a/")], {})
    reader = search.Search(directory)
    assert [h.title for h in reader.search("verzonnen").hits] == ["Verzonnen eerste"]
    second = search.build(directory, [search.Doc("b", "artikel", "Verzonnen tweede", "/b/")], {})
    assert search.current(directory) == second != first
    assert [h.title for h in reader.search("verzonnen").hits] == ["Verzonnen tweede"]
    third = search.build(directory, [search.Doc("c", "artikel", "Verzonnen derde", "/c/")], {})
    # The newest and the one before stay (a reader may still have it open); older ones go.
    assert sorted(p.name for p in directory.glob("index-*")) == sorted([second.name, third.name])
    assert not list(directory.glob("*.tmp"))
    reader.close()


def test_quiz_answers_are_never_indexed(tmp_path):
    ids = {doc.id for doc in fictional_docs(tmp_path)}
    assert not any(i.endswith((".yml", ".yaml")) for i in ids)
    texts = " ".join(doc.body for doc in fictional_docs(tmp_path))
    assert "juist" not in texts.lower()


def test_a_click_on_a_result_does_not_pass_the_search_words_on(client):
    assert client.get("/zoeken?q=verzonnen").headers["Referrer-Policy"] == "no-referrer"


def test_a_synonym_phrase_nobody_wrote_still_finds_its_words(tmp_path):
    synonyms = search.parse_synonyms([["hulp bij het huishouden", "huishoudelijke hulp"]])
    docs = [search.Doc("a", "artikel", "Verzonnen hulp", "/a/", body="Hulp van een buurman.")]
    search.build(tmp_path / "ix", docs, synonyms)
    reader = search.Search(tmp_path / "ix")
    assert [h.id for h in reader.search("hulp bij het huishouden").hits] == ["a"]
    reader.close()
