"""Conditions use known parameters, of the right scope and type, with allowed values."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from ane_kb.conditions import OPERATORS, fits_type

from ..kb import Entry
from ..problems import Problem
from .context import Context

NAME = "conditions"
_ORDERING = ("lt", "le", "gt", "ge")


def check(ctx: Context) -> Iterator[Problem]:
    for entry in ctx.valid_records():
        condition = entry.data.get("condition")
        if condition is not None:
            yield from _walk(ctx, entry, condition, ("condition",))


def _walk(ctx: Context, entry: Entry, node: dict[str, Any], at: tuple[Any, ...]) -> Iterator[Problem]:
    for key in ("all", "any"):
        if key in node:
            for i, child in enumerate(node[key]):
                yield from _walk(ctx, entry, child, at + (key, i))
            return
    if "not" in node:
        yield from _walk(ctx, entry, node["not"], at + ("not",))
        return
    yield from _leaf(ctx, entry, node, at)


def _leaf(ctx: Context, entry: Entry, leaf: dict[str, Any], at: tuple[Any, ...]) -> Iterator[Problem]:
    name = leaf["param"]
    param = ctx.parameters.get(name)
    if param is None:
        close = difflib.get_close_matches(name, list(ctx.parameters), n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "add it to kb/_vocab/parameters/ first"
        yield entry.problem(NAME, f"unknown parameter '{name}'; {hint}", at + ("param",))
        return
    scope = entry.data.get("scope", "op")
    if param.get("scope", "op") != scope:
        yield entry.problem(NAME, f"parameter '{name}' is {param.get('scope', 'op')}-level, but this rule has scope '{scope}'",
                            at + ("param",))
    op = next(k for k in leaf if k in OPERATORS)
    yield from _value(entry, name, param, op, leaf[op], at + (op,))
    if scope == "op":
        yield from _extractable(entry, name, param, at)


def _value(entry: Entry, name: str, param: dict[str, Any], op: str, value: Any, at: tuple[Any, ...]) -> Iterator[Problem]:
    ptype = param["type"]
    if op in _ORDERING and ptype in ("string", "string_list", "bool"):
        yield entry.problem(NAME, f"'{op}' compares numbers, but '{name}' is a {ptype}; use eq, ne or in", at)
        return
    for item in value if op == "in" else [value]:
        if not fits_type(ptype, item, element=True):
            yield entry.problem(NAME, f"{item!r} does not fit '{name}', which takes {_describe(ptype)}", at)
        elif ptype in ("string", "string_list") and param.get("values") and item not in param["values"]:
            yield entry.problem(NAME, f"{item!r} is not a value of '{name}'; allowed: {', '.join(param['values'])}", at)


def _describe(ptype: str) -> str:
    return {"int": "a whole number", "number": "a number", "int_list": "whole numbers (a list, compared element by element)",
            "number_list": "numbers (a list, compared element by element)", "string": "a string",
            "string_list": "strings (a list, compared element by element)",
            "bool": "true or false"}[ptype]


def _extractable(entry: Entry, name: str, param: dict[str, Any], at: tuple[Any, ...]) -> Iterator[Problem]:
    """Warn when the checker has no way to read the parameter for any of the rule's ops."""
    extract = param.get("extract") or {}
    for fmt, ops in (entry.data.get("identifiers") or {}).items():
        mapped = extract.get(fmt) or {}
        if "*" in mapped:
            continue
        missing = [op for op in ops if op not in mapped]
        if missing and len(missing) == len(ops):
            yield entry.problem(NAME, f"no {fmt} extractor reads '{name}' for {', '.join(missing)}; "
                                      f"the checker will report it unknown there", at + ("param",), warning=True)
