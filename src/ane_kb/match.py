"""One rule that matched a layer, op or model (what `RuleCollection.matching` returns)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .conditions import Outcome

if TYPE_CHECKING:
    from .persistence import Persistence
    from .records import Rule


class Match(NamedTuple):
    """A rule whose condition held (`certain`) or could not be decided (`unknown` clauses).

    `persistence` is the persistence policy's answer for the target chip (None without a chip, or when the
    record observed nothing by generation): see `ane_kb.persistence`."""

    rule: Rule
    outcome: Outcome
    os_note: str | None = None
    persistence: Persistence | None = None

    @property
    def certain(self) -> bool:
        return self.outcome.value is True

    @property
    def lifted(self) -> bool:
        return self.persistence is not None and self.persistence.lifted

    @property
    def fired(self) -> tuple[str, ...]:
        return self.outcome.fired

    @property
    def unknown(self) -> tuple[str, ...]:
        return self.outcome.unknown
