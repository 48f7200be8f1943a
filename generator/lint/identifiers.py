"""Layer and op names are real identifiers of their format (kb/_vocab/identifiers.yaml), and a rule that names
both ML Program and Core AI ops names counterparts (the vocabulary's coreai_mil table)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from ..kb import Entry
from ..problems import Problem
from .context import Context

NAME = "identifiers"


def check(ctx: Context) -> Iterator[Problem]:
    for entry in ctx.kb.records:
        ids = entry.data.get("identifiers")
        if isinstance(ids, dict):
            for fmt, names in ids.items():
                if fmt in ctx.identifiers and isinstance(names, list):
                    for i, name in enumerate(names):
                        yield from _known(ctx, entry, fmt, name, ("identifiers", fmt, i))
        if isinstance(ids, dict):
            yield from _counterparts(ctx, entry, ids)
        for i, example in enumerate(entry.data.get("examples") or []):
            if isinstance(example, dict) and example.get("format") in ctx.identifiers and "op" in example:
                yield from _known(ctx, entry, example["format"], example["op"], ("examples", i, "op"))
    for name, param in ctx.kb.parameters.items():
        extract = param.data.get("extract")
        for fmt in ("neuralnetwork", "mlprogram", "coreai"):
            ops = extract.get(fmt) if isinstance(extract, dict) else None
            for op in ops if isinstance(ops, dict) else {}:
                if op != "*":
                    yield from _known(ctx, param, fmt, op, ("extract", fmt, op), key=True)


def _known(ctx: Context, entry: Entry, fmt: str, name: Any, at: tuple[Any, ...], key: bool = False) -> Iterator[Problem]:
    if isinstance(name, str) and name not in ctx.identifiers[fmt]:
        close = difflib.get_close_matches(name, sorted(ctx.identifiers[fmt]), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        label = {"neuralnetwork": "NeuralNetwork layer type", "coreai": "Core AI op type"}.get(fmt, "ML Program op type")
        yield entry.problem(NAME, f"'{name}' is not a known {label}{hint}", at, key=key)


def _counterparts(ctx: Context, entry: Entry, ids: dict[str, Any]) -> Iterator[Problem]:
    """Each Core AI op of a rule that also names ML Program ops is one of their Core AI counterparts."""
    mil, coreai = ids.get("mlprogram"), ids.get("coreai")
    if not isinstance(mil, list) or not isinstance(coreai, list):
        return
    table = ctx.kb.vocab_data("identifiers").get("coreai_mil") or {}
    for i, op in enumerate(coreai):
        counterparts = table.get(op, [op]) if isinstance(table, dict) else [op]
        if isinstance(op, str) and not set(counterparts) & set(mil):
            named = ", ".join(counterparts)
            yield entry.problem(NAME, f"Core AI op '{op}' stands for {named} in ML Programs, which this rule does not "
                                      "name (kb/_vocab/identifiers.yaml, coreai_mil)", ("identifiers", "coreai", i),
                                warning=True)
