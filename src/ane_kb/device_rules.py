"""The layer rules that apply to one device or chip, grouped by effect: what a device page and
`ane-kb device` list.

A rule applies to a chip when its `applies_to` admits the chip and the persistence policy has not seen it
lifted at or below the chip's generation (`ane_kb.persistence`); to a device when it applies to any of the
device's chips and its OS range meets the device's supported range, if the record gives one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from .matching import applies_to_chip
from .persistence import Persistence, assess
from .platforms import ranges_meet

if TYPE_CHECKING:
    from .knowledge import KnowledgeBase
    from .records import Chip, Device, Rule

EFFECT_ORDER = ("falls-back", "fails-to-compile", "may-fall-back", "loses-precision", "prefers-cpu", "runs-on-ane",
                "none")


class Applicable(NamedTuple):
    """A rule that applies, the chips it applies to (refs), and the policy's answer on the newest of them."""

    rule: Rule
    chips: tuple[str, ...]
    persistence: Persistence | None

    @property
    def effect(self) -> str:
        return self.rule.effect.kind if self.rule.effect else "none"


def for_chips(kb: KnowledgeBase, chips: tuple[Chip, ...],
              os: Mapping[str, tuple[str | None, str | None]] | None = None) -> list[Applicable]:
    """Layer rules that apply to any of `chips` (chips without an ANE Core ML can use are left out)."""
    usable = [c for c in chips if c.coreml_can_use_ane]
    found = []
    for rule in kb.rules:
        hits: list[tuple[Chip, Persistence | None]] = []
        for chip in usable:
            if not applies_to_chip(rule, chip):
                continue
            policy = assess(rule, chip.ane.generation, kb.chips) if chip.ane else None
            if policy is None or not policy.lifted:
                hits.append((chip, policy))
        if hits and (not os or ranges_meet(rule.applies_to.os, os)):
            newest = max(hits, key=lambda hit: hit[0].ane.generation if hit[0].ane else 0)
            found.append(Applicable(rule, tuple(chip.ref for chip, _ in hits), newest[1]))
    return sorted(found, key=lambda a: (EFFECT_ORDER.index(a.effect) if a.effect in EFFECT_ORDER else 99,
                                        a.rule.title.text("en").lower()))


def for_device(kb: KnowledgeBase, device: Device) -> list[Applicable]:
    """Layer rules that apply to a device: to any of its chips, within its OS range (none when Core ML
    cannot use its ANE)."""
    if not kb.coreml_can_use_ane(device):
        return []
    return for_chips(kb, device.chips, device.os)


def by_effect(found: list[Applicable]) -> dict[str, list[Applicable]]:
    """The same list grouped by effect kind, most harmful first (`none`: rules that state no effect)."""
    groups: dict[str, list[Applicable]] = {}
    for item in found:
        groups.setdefault(item.effect, []).append(item)
    return groups
