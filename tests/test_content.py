"""The portal's real content: what the kennisbank, the ziektebeelden and the courses must hold.

`test_check.test_the_repository_content_passes` shows that all of it passes `site-builder
check` (schema with bronnen and laatst_gecontroleerd, links, quizzes, our own words); these
tests hold the amounts and the readability bar.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.check import check
from site_builder.courses import load_courses, load_ziektebeeld_quizzes
from site_builder.problems import Problems

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
ZIEKTEBEELDEN = (
    "dementie",
    "beroerte",
    "parkinson",
    "hartfalen",
    "copd",
    "kanker",
    "niet-aangeboren-hersenletsel",
    "depressie",
    "kind-met-een-beperking",
)


@pytest.fixture(scope="module")
def site():
    site, problems = check(CONTENT, ROOT / "mkdocs.yml", kaart_dir=ROOT / "sociale_kaart")
    assert not problems, "\n".join(p.format() for p in problems)
    return site


@pytest.fixture(scope="module")
def courses():
    problems = Problems()
    found = {course.slug: course for course in load_courses(CONTENT, problems)}
    assert not problems
    return found


def pages_in(site, folder: str) -> list:
    return [p for p in site.pages if p.rel.startswith(f"{folder}/") and p.rel.count("/") == 1]


def test_the_kennisbank_has_at_least_20_articles(site):
    articles = [p for p in pages_in(site, "mantelzorg") if not p.rel.endswith("index.md")]
    assert len(articles) >= 20, [p.rel for p in articles]


def test_every_article_links_to_the_sociale_kaart_and_to_meetings(site):
    for page in pages_in(site, "mantelzorg"):
        if page.rel.endswith("index.md"):
            continue
        targets = site.links[page.rel]
        assert any(t.startswith("sociale-kaart/") for t in targets), page.rel
        assert "/bijeenkomsten/agenda" in page.body, page.rel


def test_the_kennisbank_index_lists_every_article(site):
    index = next(p for p in site.pages if p.rel == "mantelzorg/index.md")
    for page in pages_in(site, "mantelzorg"):
        if page is not index:
            assert page.rel in site.links[index.rel], page.rel


def test_each_ziektebeeld_has_a_page_and_a_quiz_of_at_least_8_questions(site):
    quizzes = load_ziektebeeld_quizzes(CONTENT, Problems())
    rels = {p.rel for p in site.pages}
    for slug in ZIEKTEBEELDEN:
        assert f"ziektebeelden/{slug}.md" in rels, slug
        quiz = quizzes[slug]
        assert len(quiz.vragen) >= 8, slug
        assert quiz.trek is None, f"{slug}: a ziektebeeld quiz asks every question"
        assert {q.type for q in quiz.vragen} >= {"een-antwoord", "waar-onwaar"}, slug
        assert all(len(o.uitleg) >= 20 for q in quiz.vragen for o in q.opties), slug


def test_each_ziektebeeld_page_covers_the_five_questions_and_links_its_quiz(site):
    wanted = ("Wat is het", "Wat merkt u", "Wat betekent het voor u", "Omgaan met", "Waar vindt u")
    for slug in ZIEKTEBEELDEN:
        page = next(p for p in site.pages if p.rel == f"ziektebeelden/{slug}.md")
        headings = [line for line in page.body.splitlines() if line.startswith("## ")]
        for start in wanted:
            assert any(h[3:].startswith(start) for h in headings), (slug, start)
        assert f"(/academie/ziektebeelden/{slug}/toets)" in page.body, slug
        # The meetings on its thema are linked by the build (generate._lotgenoten_markdown).
        assert any(t.startswith("sociale-kaart/categorie/") for t in site.links[page.rel]), slug
        assert "huisarts" in page.body, slug


def test_ken_je_mantelzorger_draws_15_from_a_pool_of_at_least_25(courses):
    course = courses["ken-je-mantelzorger"]
    assert course.doelgroep == "professional"
    assert len(course.lessen) >= 6
    assert course.toets.trek == 15
    assert len(course.toets.vragen) >= 25
    # Situations from the ward, not definitions: every question sets a scene first.
    assert all(q.vraag.count(".") + q.vraag.count("?") >= 2 for q in course.toets.vragen)


@pytest.mark.parametrize(
    ("slug", "lessons"), [("goed-voor-jezelf-zorgen", 4), ("omgaan-met-dementie", 5)]
)
def test_the_courses_for_mantelzorgers_are_practice_without_pressure(courses, slug, lessons):
    course = courses[slug]
    assert course.doelgroep == "mantelzorger"
    assert len(course.lessen) >= lessons
    assert course.oefenen  # no exam, no certificate, as often as you like
    assert len(course.toets.vragen) >= 8


def test_the_signalen_check_gives_no_score_and_says_where_to_go(site):
    page = next(p for p in site.pages if p.rel == "mantelzorg/signalen-check.md")
    text = page.body.lower()
    assert "geen test" in text and "score" in text
    for place in ("steunpunt", "huisarts", "sociale-kaart"):
        assert place in text, place
    assert "<form" not in text


def test_every_page_and_quiz_is_plain_enough_to_read(site):
    hard = [
        f"{m.path.relative_to(ROOT)}: {m.readability.describe()}"
        for m in site.readability
        if not m.readability.plain
    ]
    assert hard == []
    assert not site.warnings


# What a caregiver types, and the page of ours that must be among the first three results.
REAL_QUERIES = [
    ("mijn moeder vergeet alles", "/ziektebeelden/dementie/"),
    ("even vrij van de zorg", "/mantelzorg/respijtzorg/"),
    ("keukentafelgesprek voorbereiden", "/mantelzorg/keukentafelgesprek/"),
    ("hartzwakte", "/ziektebeelden/hartfalen/"),
    ("ik kan niet meer", "/mantelzorg/overbelasting-herkennen/"),
    ("zorgverlof", "/mantelzorg/werk-en-mantelzorg/"),
    ("gehandicapt kind", "/ziektebeelden/kind-met-een-beperking/"),
    ("verhuizen naar het verpleeghuis", "/mantelzorg/als-thuis-niet-meer-gaat/"),
    ("ken je mantelzorger sofa", "/cursussen/ken-je-mantelzorger/les-2-het-sofa-model/"),
]


@pytest.mark.parametrize(("query", "url"), REAL_QUERIES)
def test_the_real_pages_are_found_by_what_people_type(built_site, query, url):
    from site_builder.search import Search

    hits = Search(built_site.parent / "zoekindex" / "portaal").search(query).hits
    assert url in [hit.url for hit in hits[:3]], [hit.url for hit in hits[:5]]
