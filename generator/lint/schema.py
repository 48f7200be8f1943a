"""The JSON Schema check: shape, required fields, types and allowed values."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import fastjsonschema
from jsonschema import ValidationError
from jsonschema.exceptions import best_match

from .. import schemas
from ..kb import Entry
from ..problems import Problem
from .context import Context

NAME = "schema"
_SHAPE = {"type", "required", "additionalProperties", "const", "enum", "minProperties", "maxProperties"}
_TYPE_WORDS = {"string": "a string", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "array": "a list", "object": "a mapping", "null": "nothing"}


def check(ctx: Context) -> Iterator[Problem]:
    for entry in ctx.kb.records:
        found = list(validate_against(entry, f"{entry.kind}.schema.json"))
        if found:
            ctx.schema_failed.add(entry.ref)
        yield from found
    for name, entry in ctx.kb.vocab.items():
        yield from validate_against(entry, "vocab.schema.json", name)
    for entry in ctx.kb.parameters.values():
        yield from validate_against(entry, "vocab.schema.json", "parameter")


def validate_against(entry: Entry, schema_file: str, pointer: str = "") -> Iterator[Problem]:
    """Problems with `entry`: a fast yes/no first; the full report only when it says no."""
    try:
        schemas.fast_check(schema_file, pointer)(entry.data)
        return
    except fastjsonschema.JsonSchemaException:
        pass
    for error in schemas.validator(schema_file, pointer).iter_errors(entry.data):
        yield from _explain(entry, _deepest(error))


def _deepest(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf failures, the alternative that came closest, not the whole list.

    The closest branch is the one whose shape the value has: it fails only below the
    value itself, not on its type, its required keys or unknown keys.
    """
    while error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[object, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        depth = len(error.absolute_path)

        def shape_mismatch(errs: list[ValidationError]) -> int:
            return sum(1 for e in errs if len(e.absolute_path) == depth and e.validator in _SHAPE)

        best = min(branches.values(), key=lambda errs: (shape_mismatch(errs), -max(len(e.absolute_path) for e in errs)))
        error = best_match(best)
    return error


def _explain(entry: Entry, error: ValidationError) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        for key in error.instance:
            if key not in allowed and not _pattern_allows(error.schema, key):
                hint = f"; allowed here: {', '.join(sorted(allowed))}" if allowed else ""
                yield entry.problem(NAME, f"unknown key '{key}'{hint}", path + (key,), key=True)
        return
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        where = "" if not path else f" in {_dotted(path)}"
        yield entry.problem(NAME, f"missing required field '{missing}'{where}", path)
        return
    yield entry.problem(NAME, f"{_dotted(path) or 'record'}: {_message(entry, error, path)}", path)


def _pattern_allows(schema: dict[str, Any], key: str) -> bool:
    import re
    return any(re.search(p, key) for p in schema.get("patternProperties", {}))


def _message(entry: Entry, error: ValidationError, path: tuple[Any, ...]) -> str:
    kind, value = error.validator, error.instance
    if kind == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
        return f"expected {words}, got {_shown(entry, path, value)}{_quote_hint(entry, path, wanted)}"
    if kind == "enum":
        return f"{value!r} is not one of: {', '.join(map(str, error.validator_value))}"
    if kind == "const":
        return f"must be {error.validator_value!r}, not {value!r}"
    if kind == "pattern":
        return f"{value!r} does not have the expected form ({_pattern_hint(error)})"
    if kind == "minItems" and isinstance(value, list) and not value:
        return "must not be an empty list"
    if kind == "minLength":
        return "must not be empty"
    if kind == "format":
        return f"{value!r} is not a valid {error.validator_value}"
    return str(error.message)


def _shown(entry: Entry, path: tuple[Any, ...], value: Any) -> str:
    assert entry.file.doc is not None
    raw = entry.file.doc.raw(path)
    if raw is not None and str(value) != raw:
        return f"{raw} (read as {value!r})"
    return repr(value)


def _quote_hint(entry: Entry, path: tuple[Any, ...], wanted: list[str]) -> str:
    assert entry.file.doc is not None
    raw = entry.file.doc.raw(path)
    if "string" in wanted and raw is not None:
        return f"; quote it: \"{raw}\""
    return ""


def _pattern_hint(error: ValidationError) -> str:
    description = error.schema.get("description")
    return str(description) if description else f"pattern {error.validator_value}"


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
