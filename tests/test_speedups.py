"""The faster ways the builder works out things give exactly what the plain ways gave.

Each speed-up of the build (issue 9) replaced a library call by a cached or leaner version; these
tests compare them with the original call on the real content and on awkward input.
"""

from __future__ import annotations

import html
import posixpath
import random
import uuid

import markdown
import textstat

from site_builder.markdown_render import extensions_from, render
from site_builder.pages import split_front_matter
from site_builder.readability import _dutch, html_text, syllables_in
from site_builder.search_docs import _ATTR_LIST, _SPACE, _TAG, plain_text
from sociale_kaart.ids import NAMESPACE, make_id
from sociale_kaart.pages import link
from tests.conftest import CONTENT, MKDOCS_YML

AWKWARD = (
    "Dat is 'n test van o'neill's 'quote' en re-integratie; ΣΑΣ ΟΔΟΣ! \"x\" — y… 12,5% €3. "
    "Zo'n   dubbele  spatie,\tee tab en\neen nieuwe regel."
)


def _bodies() -> list[str]:
    bodies = []
    for path in sorted(CONTENT.rglob("*.md")):
        split = split_front_matter(path.read_text("utf-8"))
        if split:
            bodies.append(split[1])
    return bodies


def test_syllables_counted_per_word_are_textstats_count():
    _dutch()
    texts = [html_text(render(body, MKDOCS_YML).html) for body in _bodies()] + [AWKWARD]
    assert [syllables_in(t) for t in texts] == [textstat.syllable_count(t) for t in texts]


def test_one_reused_markdown_converter_renders_as_a_fresh_one():
    names, configs = extensions_from(MKDOCS_YML)
    for body in _bodies() * 2:  # twice: what one page leaves behind must not reach the next
        fresh = markdown.Markdown(extensions=names, extension_configs=configs).convert(body)
        assert render(body, MKDOCS_YML).html == fresh


def test_the_search_text_of_a_page_is_as_before():
    for body in _bodies():
        rendered = markdown.markdown(_ATTR_LIST.sub(" ", body))
        expected = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", rendered))).strip()
        assert plain_text(body) == expected


def test_links_between_generated_pages_are_posixpath_relpath():
    rng = random.Random(9)
    parts = ["sociale-kaart", "organisatie", "gemeente", "a", "x.md", "index.md"]
    for _ in range(5000):
        origin = "/".join(rng.choices(parts, k=rng.randint(1, 4)))
        target = "/".join(rng.choices(parts, k=rng.randint(1, 4)))
        expected = posixpath.relpath(target, posixpath.dirname(origin) or ".")
        assert link(origin, target) == expected, (origin, target)


def test_ids_are_uuid5_of_the_slug_path():
    rng = random.Random(9)
    for _ in range(2000):
        kind = rng.choice(["org", "svc", "term", "schedule", "ë"])
        parts = tuple(rng.choice(["a", "b-c", "0", "ü", ""]) for _ in range(rng.randint(0, 4)))
        expected = str(uuid.uuid5(NAMESPACE, f"{kind}:{'/'.join(parts)}"))
        assert make_id(kind, *parts) == expected
