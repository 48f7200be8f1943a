"""The canonical form of a record, and `python -m generator fix` that writes it.

Canonical means: the editor schema line first; keys in the order the kind's JSON Schema lists them,
at every level the schema describes; dates and version numbers in double quotes; and English texts
longer than the line limit folded (`>-`) at word boundaries. Comments are kept (ruamel.yaml round-trip).
Chinese text is never folded, because a folded line break reads as a space between two characters.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from . import schemas

SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/{kind}.schema.json"
SCHEMA_LINE_PREFIX = "# yaml-language-server:"
LINE_LIMIT = 100
WRAP_AT = 92
LOOKS_TYPED = re.compile(r"^([0-9]+(\.[0-9]+)+|[0-9]{4}-[0-9]{2}(-[0-9]{2})?)$")


def schema_line(kind: str) -> str:
    return SCHEMA_LINE.format(kind=kind)


def _resolve(node: Any) -> Any:
    """Follow $ref (within schema/) until a schema with content."""
    while isinstance(node, dict) and "$ref" in node:
        target = node["$ref"]
        name, _, pointer = target.partition("#")
        name = name.rsplit("/", 1)[-1] if name else "common.schema.json"
        node = schemas.schema(name)
        for part in filter(None, pointer.split("/")):
            node = node[part]
    return node


def key_order(schema: Any) -> list[str]:
    schema = _resolve(schema)
    return list(schema.get("properties", {})) if isinstance(schema, dict) else []


def child_schema(schema: Any, key: Any) -> Any:
    schema = _resolve(schema)
    if not isinstance(schema, dict):
        return None
    if isinstance(key, int):
        return schema.get("items")
    if key in schema.get("properties", {}):
        return schema["properties"][key]
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def record_schema(kind: str) -> dict[str, Any]:
    return schemas.schema(f"{kind}.schema.json")


def wrap(text: str, width: int = WRAP_AT) -> list[str]:
    """Greedy word wrap of one paragraph into lines of at most `width` characters (longer words stay whole)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if len(candidate) > width and current:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


def needs_fold(key: Any, value: Any) -> bool:
    return (key == "en" and isinstance(value, str) and len(value) > LINE_LIMIT - 10 and "\n" not in value
            and "  " not in value and not value.startswith(" ") and not value.endswith(" "))


class Formatter:
    """ruamel.yaml round-trip in the project's style."""

    def __init__(self) -> None:
        from ruamel.yaml import YAML

        self.yaml = YAML()
        self.yaml.preserve_quotes = True
        self.yaml.width = 4096
        self.yaml.indent(mapping=2, sequence=4, offset=2)
        self.yaml.representer.add_representer(float, _represent_float)
        from ruamel.yaml.scalarfloat import ScalarFloat

        self.yaml.representer.add_representer(ScalarFloat, _represent_float)

    def load(self, text: str) -> Any:
        return self.yaml.load(text)  # noqa: round-trip loader; fix_paths runs the strict loader first

    def dump(self, data: Any) -> str:
        stream = io.StringIO()
        self.yaml.dump(data, stream)
        return stream.getvalue()


def float_text(value: float) -> str:
    """A float as YAML that every loader reads back exactly: Python's shortest repr, with a dot in the
    mantissa (YAML 1.1 reads 1e-08 as a string) and a sign on the exponent."""
    text = repr(float(value))
    if text in ("inf", "-inf", "nan"):
        return {"inf": ".inf", "-inf": "-.inf", "nan": ".nan"}[text]
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    if e and not exponent.startswith(("-", "+")):
        exponent = "+" + exponent
    return mantissa + (f"e{exponent}" if e else "")


def _represent_float(representer: Any, value: float) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:float", float_text(value))


def canonical_text(text: str, kind: str, formatter: Formatter | None = None) -> str:
    """The canonical form of a record's text. Raises ruamel's errors for YAML it cannot load."""
    formatter = formatter or Formatter()
    body = "\n".join(line for i, line in enumerate(text.splitlines())
                     if not (i == 0 and line.startswith(SCHEMA_LINE_PREFIX)))
    data = formatter.load(body)
    data = _canonical(data, record_schema(kind), None)
    return schema_line(kind) + "\n" + formatter.dump(data)


def _canonical(value: Any, schema: Any, key: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString

    if isinstance(value, CommentedMap):
        order = key_order(schema)
        keys = [k for k in order if k in value] + [k for k in value if k not in order]
        if keys != list(value):
            reordered = CommentedMap()
            for k in keys:
                reordered[k] = value[k]
                if k in value.ca.items:
                    reordered.ca.items[k] = value.ca.items[k]
            reordered.ca.comment = value.ca.comment
            reordered.fa.set_flow_style() if value.fa.flow_style() else reordered.fa.set_block_style()
            value = reordered
        for k in list(value):
            value[k] = _canonical(value[k], child_schema(schema, k), k)
        return value
    if isinstance(value, CommentedSeq):
        for i in range(len(value)):
            value[i] = _canonical(value[i], child_schema(schema, i), i)
        return value
    wanted = _resolve(schema).get("type") if isinstance(_resolve(schema), dict) else None
    if wanted == "string" and not isinstance(value, str):
        return DoubleQuotedScalarString(_as_written(value))
    if wanted == "boolean" and type(value) is str and value.lower() in _BOOLEAN_WORDS:
        return _BOOLEAN_WORDS[value.lower()]
    if isinstance(value, str):
        if (LOOKS_TYPED.match(value) or (type(value) is str and _typed_by_yaml11(value))) \
                and not isinstance(value, DoubleQuotedScalarString):
            return DoubleQuotedScalarString(str(value))
        if needs_fold(key, value) and (not isinstance(value, FoldedScalarString)
                                       or _longest_folded_line(value) > LINE_LIMIT):
            folded = FoldedScalarString(str(value))
            lines = wrap(str(value))
            positions, offset = [], 0
            for line in lines[:-1]:
                offset += len(line)
                positions.append(offset)
                offset += 1
            folded.fold_pos = positions  # type: ignore[attr-defined]
            return folded
    return value


_BOOLEAN_WORDS = {"yes": True, "on": True, "true": True, "no": False, "off": False, "false": False}


def _typed_by_yaml11(text: str) -> bool:
    """Whether a plain scalar would be read by YAML 1.1 loaders (PyYAML) as something other than a string."""
    import yaml

    return bool(yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False)) != "tag:yaml.org,2002:str")


def _as_written(value: Any) -> str:
    """A scalar ruamel read as a number or date, as the text its author meant (17.10, not 17.1)."""
    import datetime as dt

    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        prec = getattr(value, "_prec", None)
        return f"{value:.{prec}f}" if isinstance(prec, int) and prec > 0 else repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        width = getattr(value, "_width", None)
        return f"{value:0{width}d}" if isinstance(width, int) and width > len(str(value)) else str(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _longest_folded_line(value: Any) -> int:
    """The longest line of a folded scalar as written: ruamel remembers where it was folded."""
    folds = list(getattr(value, "fold_pos", None) or [])
    bounds = [0, *[p + 1 for p in folds], len(value) + 1]
    return max(b - a - 1 for a, b in zip(bounds, bounds[1:]))


def fix_file(path: Path, kind: str, formatter: Formatter | None = None) -> bool:
    """Rewrite `path` in canonical form. True when it changed. Raises for YAML that cannot be loaded."""
    text = path.read_text(encoding="utf-8")
    new = canonical_text(text, kind, formatter)
    if new == text:
        return False
    from .atomic import write_text

    write_text(path, new)
    return True
