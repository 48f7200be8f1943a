"""The JSON Schemas in schema/, loaded once, with cross-file references resolved."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from collections.abc import Callable
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
BASE_URI = "https://ane-kb.invalid/schema/"


@cache
def _registry() -> tuple[Registry, dict[str, dict[str, Any]]]:
    schemas = {}
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        schemas[path.name] = json.loads(path.read_text(encoding="utf-8"))
    registry = Registry().with_resources(
        (BASE_URI + name, Resource.from_contents(schema)) for name, schema in schemas.items())
    return registry, schemas


def schema(name: str) -> dict[str, Any]:
    return _registry()[1][name]


@cache
def validator(name: str, pointer: str = "") -> Draft202012Validator:
    """A validator for schema file `name`, or for one of its $defs when `pointer` names it."""
    registry, _ = _registry()
    target: dict[str, Any] = {"$ref": BASE_URI + name + (f"#/$defs/{pointer}" if pointer else "")}
    return Draft202012Validator(target, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def record_validator(kind: str) -> Draft202012Validator:
    return validator(f"{kind}.schema.json")


def vocab_validator(name: str) -> Draft202012Validator:
    return validator("vocab.schema.json", name)


@cache
def fast_check(name: str, pointer: str = "") -> Callable[[Any], Any]:
    """A compiled validator that only says yes or no (it raises on the first error).

    The schemas use only keywords that mean the same in draft 7, which fastjsonschema
    compiles; jsonschema stays the reference and reports every error when this one fails.
    """
    _, schemas = _registry()

    def resolve(uri: str) -> dict[str, Any]:
        return schemas[uri.removeprefix(BASE_URI)]

    target: dict[str, Any] = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$ref": BASE_URI + name + (f"#/$defs/{pointer}" if pointer else ""),
    }
    return fastjsonschema.compile(target, handlers={"https": resolve}, formats={"date": _DATE_FORMAT})


_DATE_FORMAT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
