"""Reading editors' YAML with line numbers, strictly.

PyYAML alone is too lenient for editors: a duplicate key silently wins, and a date such as
2026-02-30 raises a plain ValueError instead of a YAML error. This loader keeps dates as text
(the schema checks them), reports duplicate keys, and remembers where every key stands so that
schema errors can point at a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problems

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


# libyaml's parser is about ten times faster than the pure-Python one (5,000 sociale-kaart
# files); both give the same nodes and marks.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_Base):
    """SafeLoader without implicit timestamps: dates stay strings, checked by the schema."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# PyYAML's own wording, turned into advice an editor can act on.
_YAML_PROBLEMS = [
    (
        "could not find expected ':'",
        "er mist een dubbele punt (:) na een veldnaam",
        "schrijf elk veld als 'naam: waarde'",
    ),
    (
        "mapping values are not allowed",
        "er staat een dubbele punt op een plek waar dat niet kan",
        'zet de waarde tussen aanhalingstekens, bijvoorbeeld title: "Vraag: wat nu?"',
    ),
    (
        "cannot start any token",
        "er staat een teken waarmee een waarde niet mag beginnen (zoals een tab of @)",
        "gebruik spaties in plaats van tabs, of zet de waarde tussen aanhalingstekens",
    ),
    (
        "expected ',' or ']'",
        "een lijst tussen [ en ] is niet goed afgesloten",
        "sluit de lijst af met ] en zet komma's tussen de onderdelen",
    ),
    (
        "expected ',' or '}'",
        "een blok tussen { en } is niet goed afgesloten",
        "sluit het blok af met }",
    ),
    (
        "found unexpected end of stream",
        "een tekst tussen aanhalingstekens is niet afgesloten",
        "zet aan het eind van de tekst hetzelfde aanhalingsteken als aan het begin",
    ),
    (
        "did not find expected key",
        "de inspringing klopt niet",
        "laat velden op hetzelfde niveau precies even ver inspringen, met spaties",
    ),
    (
        "did not find expected '-' indicator",
        "de inspringing van een lijst klopt niet",
        "zet elk onderdeel van de lijst op een eigen regel die begint met '- '",
    ),
    (
        "found undefined alias",
        "er staat een * aan het begin van een waarde",
        "zet de waarde tussen aanhalingstekens",
    ),
]


class YamlError(Exception):
    """A YAML problem with its 1-based line and column, described in Dutch."""

    def __init__(self, line: int, col: int, message: str, fix: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message, self.fix = line, col, message, fix


@dataclass
class YamlDoc:
    """Parsed YAML plus the position (1-based line, column) of every key and item."""

    data: Any
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    start_line: int = 1

    def where(self, path: tuple | list = ()) -> tuple[int, int]:
        """Position of the deepest known part of `path`; the document start if none is known."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (self.start_line, 1))


def _translate(exc: yaml.YAMLError) -> tuple[str, str]:
    problem = str(getattr(exc, "problem", "") or exc)
    for needle, message, fix in _YAML_PROBLEMS:
        if needle in problem:
            return message, fix
    return (
        f"de YAML is niet te lezen (technisch: {problem})",
        "vergelijk met een pagina die wel werkt, of vraag hulp in het pull request",
    )


# Nodes one document may have, counting every use of an alias (*naam) anew: ten nested
# aliases of ten items each would otherwise make a small file cost billions of steps.
MAX_NODES = 100_000


def _walk(
    node: yaml.Node, path: tuple, positions: dict, offset: int, active: set[int] | None = None
) -> None:
    active = set() if active is None else active
    line, col = node.start_mark.line + 1 + offset, node.start_mark.column + 1
    if id(node) in active:
        raise YamlError(
            line,
            col,
            "een verwijzing (*) wijst naar het blok waar ze zelf in staat",
            "schrijf de waarde zelf uit in plaats van & en * te gebruiken",
        )
    if len(positions) >= MAX_NODES:
        raise YamlError(
            line,
            col,
            "het bestand is te groot of gebruikt te veel verwijzingen (*)",
            "schrijf de waarden zelf uit in plaats van & en * te gebruiken",
        )
    positions[path] = (line, col)
    active.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1 + offset
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(
                    line,
                    key_node.start_mark.column + 1,
                    "een veldnaam is een lijst of een blok",
                    "schrijf als veldnaam één woord, bijvoorbeeld 'titel: ...'; begint een "
                    "waarde met [ of {, zet haar dan tussen aanhalingstekens",
                )
            key = key_node.value
            if key in seen:
                raise YamlError(
                    line,
                    key_node.start_mark.column + 1,
                    f"het veld '{key}' staat er twee keer in (ook op regel {seen[key]})",
                    "haal een van de twee weg",
                )
            seen[key] = line
            _walk(value_node, (*path, key), positions, offset, active)
            positions[(*path, key)] = (line, key_node.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), positions, offset, active)
    active.discard(id(node))


def load_yaml(text: str, first_line: int = 1) -> YamlDoc:
    """Parse one YAML document; `first_line` is the file line on which `text` starts."""
    offset = first_line - 1
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(None, {}, first_line)
        positions: dict[tuple, tuple[int, int]] = {}
        _walk(node, (), positions, offset)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message, fix = _translate(exc)
        line = (mark.line + 1 + offset) if mark else first_line
        col = (mark.column + 1) if mark else 1
        raise YamlError(line, col, message, fix) from None
    except yaml.YAMLError as exc:
        message, fix = _translate(exc)
        raise YamlError(first_line, 1, message, fix) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # An explicit type that does not fit its value, such as "!!int tien" or "!!float x".
        raise YamlError(
            first_line,
            1,
            f"een waarde past niet bij het type dat ervoor staat (technisch: {exc})",
            "haal het type met !! weg, of zet de waarde tussen aanhalingstekens",
        ) from None
    finally:
        loader.dispose()
    return YamlDoc(data, positions, first_line)


def read_text(path: Path, problems: Problems) -> str | None:
    """The file's text, or None with a Dutch problem when it is not UTF-8."""
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(
            path,
            1,
            1,
            f"het bestand is geen UTF-8-tekst (byte {exc.start})",
            "sla het bestand op als UTF-8",
        )
        return None


def read_yaml_file(path: Path, problems: Problems, prefix: str = "") -> YamlDoc | None:
    """An editor's YAML file, or None with a Dutch problem (`prefix` + what is wrong)."""
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        return load_yaml(text)
    except YamlError as exc:
        problems.add(path, exc.line, exc.col, f"{prefix}{exc.message}", exc.fix)
        return None


# libyaml's emitter writes the same YAML as PyYAML's, about eight times faster (11,000 generated
# pages each get front matter). It only differs in writing characters outside the Basic
# Multilingual Plane (emoji) as "\U0001F600" escapes, which read back as the same text.
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_yaml(data: Any) -> str:
    """YAML for generated files (front matter): keys in the given order, text as written."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
