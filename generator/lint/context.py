"""What the checks share: the KB, which records passed the schema, and vocabulary look-ups."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..kb import KB, Entry


@dataclass
class Context:
    kb: KB
    schema_failed: set[str] = field(default_factory=set)
    _flat: dict[int, list[tuple[tuple[Any, ...], Any]]] = field(default_factory=dict)

    def flat(self, entry: Entry) -> list[tuple[tuple[Any, ...], Any]]:
        """Every (path, value) pair of a record or vocabulary, computed once and shared by the checks."""
        key = id(entry)
        if key not in self._flat:
            self._flat[key] = list(walk(entry.data))
        return self._flat[key]

    def valid_records(self) -> Iterator[Entry]:
        """Records whose shape the schema accepted: safe for checks that read typed fields."""
        return (r for r in self.kb.records if r.ref not in self.schema_failed)

    @cached_property
    def parameters(self) -> dict[str, dict[str, Any]]:
        return {name: entry.data for name, entry in self.kb.parameters.items()}

    @cached_property
    def tags(self) -> dict[str, Any]:
        tags = self.kb.vocab_data("tags").get("tags")
        return tags if isinstance(tags, dict) else {}

    @cached_property
    def identifiers(self) -> dict[str, set[str]]:
        data = self.kb.vocab_data("identifiers")
        known = {fmt: set(data.get(fmt) or []) for fmt in ("neuralnetwork", "mlprogram", "coreai")}
        for extra in data.get("extra") or []:
            if isinstance(extra, dict) and extra.get("format") in known:
                known[extra["format"]].add(str(extra.get("name")))
        return known

    @cached_property
    def generations(self) -> set[int]:
        gens = self.kb.vocab_data("ane-generations").get("generations") or {}
        return {int(k) for k in gens if str(k).isdigit()}

    @cached_property
    def refs(self) -> dict[str, Entry]:
        return self.kb.by_ref()


def walk(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) pair below `value`, depth first, the value itself included. Iterative: nested generators
    would pass each pair up through every level above it."""
    stack = [(path, value)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend(reversed([(path + (key,), item) for key, item in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(path + (i,), item) for i, item in enumerate(value)]))
