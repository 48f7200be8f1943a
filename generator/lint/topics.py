"""Every topic of kb/_vocab/topics.yaml is covered: it names at least one record, and each one exists."""

from __future__ import annotations

from collections.abc import Iterator

from ..problems import Problem
from .context import Context

NAME = "topics"


def check(ctx: Context) -> Iterator[Problem]:
    entry = ctx.kb.vocab.get("topics")
    topics = entry.data.get("topics") if entry is not None else None
    if entry is None or not isinstance(topics, dict):
        return
    for name, topic in topics.items():
        records = topic.get("records") if isinstance(topic, dict) else None
        if not records:
            yield entry.problem(NAME, f"topic '{name}' has no record: write one, or list the records that cover it",
                                ("topics", name))
            continue
        stones = ctx.kb.tombstone_refs()
        for i, ref in enumerate(records):
            if ref in ctx.refs:
                continue
            stone = stones.get(ref)
            moved = stone.data.get("redirect_to") if stone is not None else None
            why = (f"moved to {moved}: name the new record" if moved
                   else "was removed" if stone is not None else "is not a record")
            yield entry.problem(NAME, f"topic '{name}' names {ref}, which {why}", ("topics", name, "records", i))
