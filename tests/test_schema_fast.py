"""The fast schema check (jsonschema-rs) lets nothing through that jsonschema refuses.

`validate` asks jsonschema-rs first and only goes to jsonschema, for the Dutch messages, when a
file is not valid. That is only right if both agree on what is valid: these tests change valid
files of every kind at random places and compare `validate` with jsonschema alone.
"""

from __future__ import annotations

import copy

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.pages import split_front_matter
from site_builder.schema import schema_errors, validate
from tests.academie import ROOT

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _organisations() -> list[dict]:
    folder = ROOT / "sociale_kaart" / "organisaties"
    return [yaml.safe_load(p.read_text("utf-8")) for p in sorted(folder.glob("*.yaml"))[:10]]


def _pages() -> list[dict]:
    found = []
    for path in sorted((ROOT / "content").rglob("*.md"))[:10]:
        front, _body, _line = split_front_matter(path.read_text("utf-8"))
        found.append(yaml.safe_load(front))
    return found


def _as_text_dates(data):
    # The editors' loader keeps dates as text; yaml.safe_load makes date objects of them.
    if isinstance(data, dict):
        return {key: _as_text_dates(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_as_text_dates(item) for item in data]
    return data.isoformat() if hasattr(data, "isoformat") else data


VALID = [("organisatie", "sociale_kaart.schemas", _as_text_dates(d)) for d in _organisations()]
VALID += [("page", "site_builder.schemas", _as_text_dates(d)) for d in _pages()]

# Values near the edges of what the schemas allow, and what the two engines might read apart.
TRICKY = [
    "0000-01-01", "2024-02-29", "2026-02-29", "2026-13-01", "2026-1-01", "2026-01-01\n",
    "09:00", "09:00\n", "9:00", "24:00", "https://verzonnen.example", "https://a\x1cb",
    "https://a\x85b", "https://a b", "https://verzonnen.example\n", "http://", "x", "xy",
    "", " ", "ë" * 161, "a" * 700, "a" * 701, "kantoor-centrum", "Kantoor", "GM0995", "PV24",
    "fysiek", "online", "actief", "ma", "mantelzorger", "beide", "😀", "e\u0301",
    0, 1, -1, 1.0, 1.5, True, False, None, 2**70, float("inf"),
    [], [""], ["ma", "ma"], {}, {"x": 1}, {1: "x"},
]  # fmt: skip
values = st.recursive(
    st.sampled_from(TRICKY) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


def _mutated(data, path, action, value):
    data = copy.deepcopy(data)
    if not path:
        return value if action == "replace" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        parent[f"{last}-extra"] = value
    else:
        parent.insert(last, value)
    return data


@st.composite
def mutations(draw):
    name, package, data = draw(st.sampled_from(VALID))
    path = draw(st.sampled_from(list(_paths(data))))
    action = draw(st.sampled_from(["replace", "delete", "add"]))
    return name, package, _mutated(data, path, action, draw(values))


def test_the_examples_are_valid_to_start_with():
    for name, package, data in VALID:
        assert schema_errors(name, data, package) == [], (name, data)
        assert validate(name, data, package) == []


@FAST
@given(mutations())
def test_a_changed_file_gets_the_same_verdict_as_from_jsonschema_alone(case):
    name, package, data = case
    assert validate(name, data, package) == schema_errors(name, data, package)


@pytest.mark.parametrize(
    "url", ["https://a\x1cb", "https://a\x85b", "https://a\u2028b", "https://verzonnen.example\n"]
)
def test_control_characters_in_a_url_are_judged_alike(url):
    name, package, data = VALID[0]
    data = {**data, "website": url}
    assert validate(name, data, package) == schema_errors(name, data, package)


def test_impossible_dates_are_refused():
    name, package, data = VALID[0]
    for day in ("0000-01-01", "2026-02-29", "2026-13-01"):
        errors = validate(name, {**data, "laatst_gecontroleerd": day}, package)
        assert errors and "geen geldige datum" in errors[0][1], day
