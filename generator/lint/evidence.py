"""Inferred values are marked and explained, and a `confirmed` record holds none of them.

A value no cited source states (a TOPS figure's basis read from indirect evidence, say) carries
`evidence: inferred` and a `note` beside it saying what it is inferred from.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..problems import Problem
from .context import Context

NAME = "evidence"


def check(ctx: Context) -> Iterator[Problem]:
    for entry in ctx.valid_records():
        inferred = [(path, value) for path, value in ctx.flat(entry)
                    if isinstance(value, dict) and value.get("evidence") == "inferred"]
        for path, value in inferred:
            if not value.get("note"):
                yield entry.problem(NAME, "an inferred value needs a 'note' beside it that says what it is inferred from",
                                    path + ("evidence",))
        if inferred and entry.data.get("confidence") == "confirmed":
            where = ", ".join(shown(path) for path, _ in inferred)
            yield entry.problem(NAME, f"a 'confirmed' record cannot rest on inferred values ({where}): lower its "
                                      "confidence, or keep only what the sources state (e.g. basis: unknown) and put "
                                      "the inference in the note", ("confidence",))


def shown(path: tuple[object, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path))
