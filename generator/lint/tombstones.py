"""Tombstones: their own small schema, an id that matches the file, and a redirect that resolves."""

from __future__ import annotations

from collections.abc import Iterator

from ..problems import Problem
from .context import Context
from .references import resolve_reference
from .schema import validate_against

NAME = "tombstone"


def check(ctx: Context) -> Iterator[Problem]:
    for entry in ctx.kb.tombstones:
        found = list(validate_against(entry, "tombstone.schema.json"))
        yield from found
        data = entry.data
        if data.get("id") != entry.stem:
            yield entry.problem(NAME, f"id {data.get('id')!r} does not match the file name {entry.stem}.yaml", ("id",))
        if data.get("kind") != entry.kind:
            yield entry.problem(NAME, f"kind {data.get('kind')!r} does not match the folder kb/{entry.kind}/", ("kind",))
        target = data.get("redirect_to")
        if isinstance(target, str) and not found:
            if target in ctx.kb.tombstone_refs():
                yield entry.problem(NAME, f"'{target}' is itself a tombstone; redirect to the record it points at",
                                    ("redirect_to",))
            else:
                yield from resolve_reference(ctx, entry, ("redirect_to",), target, None)
