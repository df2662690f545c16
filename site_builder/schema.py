"""Validating editors' YAML against a JSON Schema, with every error in Dutch.

The schemas carry `description` and `examples` per field; those become the 'how to fix it' half
of each message, so the advice lives beside the rule it explains.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError

_TYPES_NL = {
    "string": "tekst",
    "array": "een lijst",
    "object": "een blok met velden",
    "integer": "een heel getal",
    "number": "een getal",
    "boolean": "ja of nee (true of false)",
}


@cache
def load_schema(name: str, package: str = "site_builder.schemas") -> dict:
    text = resources.files(package).joinpath(f"{name}.json").read_text("utf-8")
    return json.loads(text)


@cache
def validator(name: str, package: str = "site_builder.schemas") -> Draft202012Validator:
    schema = load_schema(name, package)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


# What Python's re means by \s in a str pattern (str.isspace). The Rust validator's \s leaves out
# a few control characters (such as \x1c and \x85), so it would accept a URL that jsonschema
# refuses; spelled out (as the characters themselves), both read the pattern the same way.
_PYTHON_SPACE = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def _python_patterns(schema: Any) -> Any:
    """The schema with \\s in each pattern written out (inside [...] as well as alone)."""
    if isinstance(schema, dict):
        found = {key: _python_patterns(value) for key, value in schema.items()}
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            found["pattern"] = _spell_out_space(pattern)
        return found
    if isinstance(schema, list):
        return [_python_patterns(item) for item in schema]
    return schema


def _spell_out_space(pattern: str) -> str:
    out, in_class, index = [], False, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            pair = pattern[index : index + 2]
            if pair == "\\s":
                out.append(_PYTHON_SPACE if in_class else f"[{_PYTHON_SPACE}]")
            else:
                out.append(pair)
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        index += 1
    return "".join(out)


def _date(value: object) -> bool:
    return Draft202012Validator.FORMAT_CHECKER.conforms(value, "date")


@cache
def fast_validator(name: str, package: str = "site_builder.schemas") -> jsonschema_rs.Validator:
    """The same schema for jsonschema-rs, which only answers valid or not, a hundred times faster.

    Dates are checked by jsonschema's own function, so both agree on what a date is.
    """
    schema = _python_patterns(load_schema(name, package))
    return jsonschema_rs.validator_for(schema, validate_formats=True, formats={"date": _date})


def field_name(path: tuple | list) -> str:
    """How a field is named to an editor: 'bronnen, bron 2, url'."""
    parts: list[str] = []
    for part in path:
        parts.append(f"onderdeel {part + 1}" if isinstance(part, int) else str(part))
    return ", ".join(parts) if parts else "de kop"


def _example(schema: dict) -> str:
    examples = schema.get("examples")
    return str(examples[0]) if examples else ""


def _describe(error: ValidationError) -> tuple[tuple, str, str]:
    """(path of the offending part, Dutch problem, Dutch fix) for one schema error."""
    path = tuple(error.absolute_path)
    name = field_name(path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    hint = schema.get("description", "")
    kind = error.validator

    if kind == "required":
        missing = next(f for f in error.validator_value if f not in error.instance)
        prop = schema.get("properties", {}).get(missing, {})
        example = _example(prop)
        fix = f"voeg een regel toe: {missing}: {example}" if example else f"voeg {missing} toe"
        if prop.get("description"):
            fix += f" ({prop['description']})"
        where = f" in {name}" if path else ""
        return path, f"het veld '{missing}' ontbreekt{where}", fix
    if kind == "type":
        wanted = error.validator_value
        wanted = wanted if isinstance(wanted, list) else [wanted]
        wanted_nl = " of ".join(_TYPES_NL.get(w, w) for w in wanted)
        if not path:
            return (
                path,
                f"de kop moet {wanted_nl} zijn",
                "zet tussen de twee regels '---' velden als 'title: ...'",
            )
        return path, f"'{name}' moet {wanted_nl} zijn", hint or f"maak er {wanted_nl} van"
    if kind == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        return (
            path,
            f"'{error.instance}' is geen geldige waarde voor '{name}'",
            f"kies uit: {options}",
        )
    if kind == "format" and error.validator_value == "date":
        return (
            path,
            f"'{error.instance}' is geen geldige datum bij '{name}'",
            ("schrijf de datum als JJJJ-MM-DD, bijvoorbeeld 2026-11-22"),
        )
    if kind == "maxLength":
        return (
            path,
            (
                f"'{name}' is {len(error.instance)} tekens lang; "
                f"het maximum is {error.validator_value}"
            ),
            hint or "maak de tekst korter",
        )
    if kind == "minLength":
        if not error.instance:
            return path, f"'{name}' is leeg", hint or "vul het in"
        return (
            path,
            (
                f"'{name}' is te kort ({len(error.instance)} tekens; "
                f"minimaal {error.validator_value})"
            ),
            hint or "maak de tekst langer",
        )
    if kind == "minItems":
        return path, f"'{name}' is een lege lijst", hint or "zet er minstens één onderdeel in"
    if kind == "uniqueItems":
        return path, f"in '{name}' staat iets twee keer", "haal het dubbele onderdeel weg"
    if kind in ("minimum", "maximum"):
        return path, f"'{name}' is {error.instance}; dat kan niet", hint
    if kind == "pattern":
        return path, f"'{error.instance}' is geen geldige waarde voor '{name}'", hint
    if kind == "anyOf" and path and isinstance(path[-1], int):
        return (
            path,
            f"bron {path[-1] + 1} heeft geen url en geen document",
            (
                "geef een url (webadres) of, als er geen webadres is, een document (naam van het stuk)"
            ),
        )
    return path, f"'{name}' klopt niet ({error.message})", hint


def _unknown_fields(error: ValidationError) -> list[tuple[tuple, str, str]]:
    """One message per unknown field, with the nearest allowed name as a suggestion."""
    allowed = sorted(error.schema.get("properties", {}))
    found = []
    for extra in sorted(set(error.instance) - set(allowed), key=str):
        close = difflib.get_close_matches(str(extra), allowed, n=1)
        fix = f"bedoelt u '{close[0]}'?" if close else "haal het weg."
        found.append(
            (
                (*error.absolute_path, extra),
                f"onbekend veld '{extra}'",
                f"{fix} Toegestane velden: {', '.join(allowed)}",
            )
        )
    return found


def validate(
    name: str, data: Any, package: str = "site_builder.schemas"
) -> list[tuple[tuple, str, str]]:
    """Every error of `data` against schema `name` (a JSON file in `package`)."""
    # Nearly every file is valid: the fast validator says so, and only a file it refuses goes
    # through jsonschema for the Dutch messages. 10,000 sociale-kaart files took 14 s of
    # processor time with jsonschema alone, 0.1 s like this.
    try:
        if fast_validator(name, package).is_valid(data):
            return []
    # bandit B110: the fallback below decides.
    except Exception:  # nosec B110
        # Data the Rust side cannot take (a number as a key, a float that is not finite, very
        # deep nesting): jsonschema decides.
        pass
    return schema_errors(name, data, package)


def schema_errors(
    name: str, data: Any, package: str = "site_builder.schemas"
) -> list[tuple[tuple, str, str]]:
    """What `validate` returns, found by jsonschema alone (the slow path, with the messages)."""
    found = []
    for error in validator(name, package).iter_errors(data):
        if error.validator == "additionalProperties":
            found.extend(_unknown_fields(error))
        else:
            found.append(_describe(error))
    return found
