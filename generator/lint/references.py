"""Every reference names an existing record of the right kind."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from ..kb import Entry
from ..problems import Problem
from .context import Context

NAME = "references"
_REF_KEYS = {"related": None, "chips": "chip", "chip": "chip", "reference_chip": "chip"}


def check(ctx: Context) -> Iterator[Problem]:
    for entry in ctx.kb.records:
        for path, value in ctx.flat(entry):
            expected = _expected_kind(path)
            if expected is not False and isinstance(value, str) and "/" in value:
                yield from resolve_reference(ctx, entry, path, value, expected)
        yield from _observation_sources(ctx, entry)
    generations = ctx.kb.vocab.get("ane-generations")
    if generations is not None:
        for number, gen in (generations.data.get("generations") or {}).items():
            ref = gen.get("reference_chip") if isinstance(gen, dict) else None
            if isinstance(ref, str):
                yield from resolve_reference(ctx, generations, ("generations", number, "reference_chip"), ref, "chip")


def _expected_kind(path: tuple[Any, ...]) -> str | None | bool:
    """The kind a reference at `path` must have (None: any), or False when it is no reference."""
    keys = [p for p in path if isinstance(p, str)]
    if not keys:
        return False
    last = keys[-1]
    if last in _REF_KEYS and (isinstance(path[-1], int) or last in ("chip", "reference_chip")):
        return _REF_KEYS[last]
    return False


def resolve_reference(ctx: Context, entry: Entry, path: tuple[Any, ...], ref: str, kind: str | None) -> Iterator[Problem]:
    if kind is not None and not ref.startswith(kind + "/"):
        yield entry.problem(NAME, f"'{ref}' must name a {kind} record ({kind}/<id>)", path)
    elif ref not in ctx.refs:
        close = difflib.get_close_matches(ref, list(ctx.refs), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        yield entry.problem(NAME, f"'{ref}' does not exist{hint}", path)
    elif ref == entry.ref:
        yield entry.problem(NAME, f"'{ref}' refers to the record itself", path)


def _observation_sources(ctx: Context, entry: Entry) -> Iterator[Problem]:
    """An observation's `source` must be one of the URLs the record cites."""
    urls = _urls(entry.data.get("sources"))
    for path, value in ctx.flat(entry):
        if len(path) >= 2 and path[-1] == "source" and isinstance(value, str) and "observed_on" in path:
            cited = urls | _dispute_urls(entry, path)
            if value not in cited:
                yield entry.problem(NAME, f"observation source {value} is not among the record's sources", path)


def _dispute_urls(entry: Entry, path: tuple[Any, ...]) -> set[str]:
    if len(path) > 2 and path[0] == "disputes" and isinstance(path[1], int):
        disputes = entry.data.get("disputes") or []
        if isinstance(disputes, list) and path[1] < len(disputes) and isinstance(disputes[path[1]], dict):
            return _urls(disputes[path[1]].get("sources"))
    return set()


def _urls(sources: Any) -> set[str]:
    """The URLs of a `sources` list; anything else (a wrong type, reported by the schema check) has none."""
    return {s.get("url") for s in sources if isinstance(s, dict)} if isinstance(sources, list) else set()
