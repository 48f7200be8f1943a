"""Generations group chips by the engine they share: chips said to share an engine share a generation,
each generation has one compiler target family, and the families rise with the ordinal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..problems import Problem
from .context import Context

NAME = "generations"
FAMILY = re.compile(r"^(h[0-9]+)")


def family(target: str) -> str | None:
    """`h16g` -> `h16`: the variant letter names a configuration of the same design."""
    match = FAMILY.match(target)
    return match.group(1) if match else None


def check(ctx: Context) -> Iterator[Problem]:
    gens = ctx.kb.vocab_data("ane-generations").get("generations") or {}
    targets = {int(n): g.get("compile_target") for n, g in gens.items()
               if str(n).isdigit() and isinstance(g, dict) and g.get("compile_target")}
    yield from _ordered(ctx, targets)
    chips = {e.ref: e for e in ctx.valid_records() if e.kind == "chip" and "ane" in e.data}
    for ref, entry in chips.items():
        ane: dict[str, Any] = entry.data["ane"]
        generation = ane["generation"]
        for i, peer in enumerate(entry.data.get("same_engine_as") or []):
            other = chips.get(peer["chip"])
            if other is not None and other.data["ane"]["generation"] != generation:
                yield entry.problem(NAME, f"same_engine_as names {peer['chip']} (generation "
                                          f"{other.data['ane']['generation']}), but this chip is in generation {generation}",
                                    ("same_engine_as", i, "chip"))
        target = ane.get("compile_target")
        expected = targets.get(generation)
        if target and expected and family(target) != expected:
            yield entry.problem(NAME, f"compile_target {target} is not of generation {generation}'s family {expected}",
                                ("ane", "compile_target"))


def _ordered(ctx: Context, targets: dict[int, str]) -> Iterator[Problem]:
    """Generations follow the engine designs: a later ordinal never has an older or equal family."""
    numbered = sorted(targets.items())
    for (low, low_target), (high, high_target) in zip(numbered, numbered[1:]):
        if int(low_target[1:]) >= int(high_target[1:]):
            vocab = ctx.kb.vocab["ane-generations"]
            yield vocab.problem(NAME, f"generation {high} has compiler target {high_target}, not newer than "
                                      f"generation {low}'s {low_target}: generations follow the engine design",
                                ("generations", high, "compile_target"))
