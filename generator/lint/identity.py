"""Each record's id matches its file name, its kind matches its folder, and ids are unique."""

from __future__ import annotations

from collections.abc import Iterator

from ..problems import Problem
from .context import Context

NAME = "identity"


def check(ctx: Context) -> Iterator[Problem]:
    seen: dict[tuple[str, str], str] = {}
    for entry in ctx.kb.records:
        record_id, kind = entry.data.get("id"), entry.data.get("kind")
        if isinstance(kind, str) and kind != entry.kind:
            yield entry.problem(NAME, f"kind '{kind}' does not match the folder kb/{entry.kind}/", ("kind",))
        if not isinstance(record_id, str):
            continue
        if record_id != entry.stem:
            yield entry.problem(NAME, f"id '{record_id}' does not match the file name {entry.stem}.yaml", ("id",))
        first = seen.setdefault((entry.kind, record_id), entry.file.shown)
        if first != entry.file.shown:
            yield entry.problem(NAME, f"duplicate id '{entry.kind}/{record_id}': also used by {first}", ("id",))
