"""The content loaders never raise, whatever an editor's file holds (hypothesis).

Random bytes, random text and random YAML as a page's front matter, a quiz, a sociale-kaart
organisation and the synonym list: each loader answers with Problems only, every one a Dutch
line `pad:regel:kolom: wat er mis is — hoe u het oplost`, and never with a traceback.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.courses import load_quiz
from site_builder.pages import load_page
from site_builder.problems import Problems
from site_builder.synonyms_check import SYNONYMS_FILE, check_synonyms
from sociale_kaart.loader import load_organisation
from sociale_kaart.taxonomy import load_taxonomies
from tests.academie import FICTIONAL_CONTENT, ROOT

FAST = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TODAY = dt.date(2026, 12, 2)
# pad:regel:kolom: wat er mis is — hoe u het oplost
LINE = re.compile(r"^[^\n:]+:[1-9][0-9]*:[1-9][0-9]*: \S.* — \S.*$", re.DOTALL)

# Field names the schemas know, so random YAML reaches the checks behind the schema too.
FIELDS = [
    # page
    "title", "description", "doelgroep", "onderwerpen", "ziektebeeld", "laatst_gecontroleerd",
    "bronnen", "volgorde", "url", "document",
    # quiz
    "titel", "trek", "vragen", "id", "type", "vraag", "opties", "tekst", "juist", "uitleg",
    # organisation
    "naam", "beschrijving", "gecontroleerd_door", "website", "email", "telefoon", "nummer",
    "locaties", "soort", "adres", "postcode", "plaats", "gemeente", "coordinaten", "breedte",
    "lengte", "diensten", "categorieen", "werkgebied", "status", "openingstijden", "week",
    "dagen", "van", "tot", "uitzonderingen", "datum", "gesloten", "gegevens",
    # synonyms
    "groepen",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(
        ["2026-02-30", "2026-12-02", "09:00", "24:00", "een-antwoord", "waar", "GM0995",
         "fysiek", "8232 AB", "0320 123 456", "x@verzonnen.example", "https://verzonnen.example",
         "beide", "ma", "onvolledig", "respijtzorg", ""]
    ),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)
documents = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8) | values
# Pieces of YAML syntax, for text that is almost YAML: broken quotes, indents, flows, tabs.
TOKENS = [
    "titel", "vragen", ":", ": ", "- ", "\n", "\n  ", "\n    ", "\t", "'", '"', "[", "]", "{",
    "}", ",", "#", "---", "...", "|", ">", "*", "@", "%", "`", "?", "=", "0", "1.5", "ja",
    "2026-13-01", "\\", "\x00", "\x85", "\ufeff", "ü", "😀",
]  # fmt: skip
almost_yaml = st.lists(st.sampled_from(TOKENS) | st.text(max_size=3), max_size=40).map("".join)


def yaml_text(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


contents = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8")),
    almost_yaml.map(lambda t: t.encode("utf-8")),
    documents.map(lambda d: yaml_text(d).encode("utf-8")),
)


def only_dutch_lines(problems: Problems, path: Path) -> list[str]:
    lines = [p.format() for p in problems]
    for line in lines:
        assert LINE.match(line), line
        assert line.startswith(str(path)) or Path(line.split(":")[0]).name == path.name, line
    return lines


# --- Pages: front matter ---


def page_bytes(front: bytes) -> bytes:
    return b"---\n" + front + b"\n---\n# Verzonnen pagina\n\nTekst.\n"


@FAST
@given(contents, st.booleans())
def test_any_front_matter_gives_problems_never_an_exception(tmp_path, content, fenced):
    path = tmp_path / "verzonnen-pagina.md"
    path.write_bytes(page_bytes(content) if fenced else content)
    problems = Problems()
    page = load_page(path, tmp_path, problems, TODAY)
    only_dutch_lines(problems, path)
    if page is None:
        assert problems  # a page that cannot be read always says why


# --- Quizzes ---


@FAST
@given(contents)
def test_any_quiz_file_gives_problems_never_an_exception(tmp_path, content):
    path = tmp_path / "verzonnen.toets.yml"
    path.write_bytes(content)
    problems = Problems()
    quiz = load_quiz(path, tmp_path, problems)
    only_dutch_lines(problems, path)
    assert (quiz is None) == bool(problems)


@FAST
@given(st.data())
def test_a_real_quiz_with_one_value_replaced_gives_problems_never_an_exception(tmp_path, data):
    """Random values in the right places reach the checks behind the schema."""
    real = yaml.safe_load((FICTIONAL_CONTENT / "cursussen/verzonnen-cursus/toets.yml").read_text())
    changed = _replace_somewhere(real, data)
    path = tmp_path / "verzonnen.toets.yml"
    path.write_text(yaml_text(changed), "utf-8")
    problems = Problems()
    quiz = load_quiz(path, tmp_path, problems)
    only_dutch_lines(problems, path)
    assert (quiz is None) == bool(problems)


def _replace_somewhere(document, data):
    """The document with one value, somewhere in it, replaced by a random one."""
    if isinstance(document, dict) and document and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(document)))
        return {**document, key: _replace_somewhere(document[key], data)}
    if isinstance(document, list) and document and data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(document) - 1))
        return [
            *document[:index],
            _replace_somewhere(document[index], data),
            *document[index + 1 :],
        ]
    return data.draw(values)


# --- Sociale kaart ---


@pytest.fixture(scope="module")
def taxonomies():
    problems = Problems()
    found = load_taxonomies(ROOT / "sociale_kaart" / "taxonomie", problems)
    assert not problems
    return found


FICTIONAL_ORGANISATION = ROOT / "tests/fixtures/kaart/basis/organisaties"


@FAST
@given(contents)
def test_any_organisation_file_gives_problems_never_an_exception(tmp_path, taxonomies, content):
    path = tmp_path / "verzonnen-organisatie.yaml"
    path.write_bytes(content)
    problems = Problems()
    organisation = load_organisation(path, taxonomies, problems, TODAY)
    only_dutch_lines(problems, path)
    if organisation is None:
        assert problems


@FAST
@given(st.data())
def test_a_real_organisation_with_one_value_replaced_gives_problems_never_an_exception(
    tmp_path, taxonomies, data
):
    source = next(FICTIONAL_ORGANISATION.glob("*.yaml"))
    changed = _replace_somewhere(yaml.safe_load(source.read_text("utf-8")), data)
    path = tmp_path / source.name
    path.write_text(yaml_text(changed), "utf-8")
    problems = Problems()
    organisation = load_organisation(path, taxonomies, problems, TODAY)
    only_dutch_lines(problems, path)
    if organisation is None:
        assert problems


# --- The synonym list ---


def _utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Other bytes are the regression test below (marked until the synonym check reads them right).
@FAST
@given(contents.filter(_utf8))
def test_any_synonym_file_gives_problems_never_an_exception(tmp_path, content):
    path = tmp_path / SYNONYMS_FILE
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    problems = Problems()
    check_synonyms(tmp_path, problems)
    only_dutch_lines(problems, path)


def test_the_fuzzed_real_files_are_sound_to_begin_with(tmp_path, taxonomies):
    """The properties above start from files that pass, so a problem comes from the change."""
    problems = Problems()
    assert load_quiz(
        FICTIONAL_CONTENT / "cursussen/verzonnen-cursus/toets.yml", FICTIONAL_CONTENT, problems
    )
    copy = tmp_path / "org.yaml"
    shutil.copy(next(FICTIONAL_ORGANISATION.glob("*.yaml")), copy)
    assert load_organisation(copy, taxonomies, problems, TODAY)
    assert not problems


# --- What the fuzzing found (regressions), for every loader ---

# These crashed site_builder/yamlfile.py (TypeError, RecursionError, ValueError) before it
# turned them into problems.
CRASHERS = {
    "a list as a field name": "[titel]: Verzonnen\n",
    "a block as a field name": "? {titel: 1}\n: 2\n",
    "an alias inside itself": "titel: &a [*a]\n",
    "an alias inside its own block": "titel: &a {b: *a}\n",
    "a value that does not fit its tag": "titel: !!int tien\n",
}


def _lines(kind: str, tmp_path: Path, content: bytes, taxonomies) -> list[str]:
    problems = Problems()
    if kind == "pagina":
        path = tmp_path / "verzonnen-pagina.md"
        path.write_bytes(page_bytes(content))
        load_page(path, tmp_path, problems, TODAY)
    elif kind == "toets":
        path = tmp_path / "verzonnen.toets.yml"
        path.write_bytes(content)
        load_quiz(path, tmp_path, problems)
    elif kind == "organisatie":
        path = tmp_path / "verzonnen-organisatie.yaml"
        path.write_bytes(content)
        load_organisation(path, taxonomies, problems, TODAY)
    else:
        path = tmp_path / SYNONYMS_FILE
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(content)
        check_synonyms(tmp_path, problems)
    return only_dutch_lines(problems, path)


KINDS = ["pagina", "toets", "organisatie", "synoniemen"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", list(CRASHERS.values()), ids=list(CRASHERS))
def test_yaml_that_crashed_the_reader_gives_one_dutch_problem(tmp_path, taxonomies, kind, text):
    assert _lines(kind, tmp_path, text.encode("utf-8"), taxonomies)


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_that_is_not_utf8_gives_one_dutch_problem(tmp_path, taxonomies, kind):
    (line,) = _lines(kind, tmp_path, "titel: Ca\xeff\n".encode("latin-1"), taxonomies)
    assert "geen UTF-8" in line
