"""Worked examples: every rule with a condition has them, and each agrees with the condition."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from ane_kb.conditions import evaluate, fits_type

from ..kb import Entry
from ..problems import Problem
from .context import Context

NAME = "examples"
_EXPECTED = {"match": True, "no-match": False, "unknown": None}


def check(ctx: Context) -> Iterator[Problem]:
    for entry in ctx.valid_records():
        examples = entry.data.get("examples") or []
        condition = entry.data.get("condition")
        if condition is not None:
            expects = {e["expect"] for e in examples}
            for needed in ("match", "no-match"):
                if needed not in expects:
                    yield entry.problem(NAME, f"a rule with a condition needs a worked example with expect: {needed}",
                                        ("condition",))
        for i, example in enumerate(examples):
            yield from _example(ctx, entry, condition, example, ("examples", i))


def _example(ctx: Context, entry: Entry, condition: Any, example: dict[str, Any], at: tuple[Any, ...]) -> Iterator[Problem]:
    fmt, op = example["format"], example.get("op")
    ops = (entry.data.get("identifiers") or {}).get(fmt)
    if op is not None and ops is not None and op not in ops:
        yield entry.problem(NAME, f"op '{op}' is not among this rule's {fmt} identifiers ({', '.join(ops)})", at + ("op",))
    bad = False
    for name, value in example["params"].items():
        param = ctx.parameters.get(name)
        if param is None:
            close = difflib.get_close_matches(name, list(ctx.parameters), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            yield entry.problem(NAME, f"unknown parameter '{name}'{hint}", at + ("params", name), key=True)
            bad = True
        elif not fits_type(param["type"], value):
            yield entry.problem(NAME, f"{value!r} does not fit '{name}' ({param['type']})", at + ("params", name))
            bad = True
    if bad:
        return
    outcome = evaluate(condition, example["params"])
    wanted = _EXPECTED[example["expect"]]
    if outcome.value is not wanted:
        got = {True: "match", False: "no-match", None: "unknown"}[outcome.value]
        why = "; ".join(outcome.fired + outcome.unknown)
        given = ", ".join(f"{k}={v}" for k, v in example["params"].items()) or "no parameters"
        yield entry.problem(NAME, f"example expects {example['expect']} but the condition gives {got} for {given}"
                                  + (f" ({why})" if why else ""), at + ("expect",))
