"""Observations as evidence for the persistence policy (contract §2): a lift names its chips and speaks against a
restriction; a generation cap on a restriction is kept only where a lift supports it; a lift that contradicts a
restriction seen on the same or a newer engine is recorded as a dispute."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..kb import Entry
from ..problems import Problem
from .context import Context

NAME = "observations"


def check(ctx: Context) -> Iterator[Problem]:
    generations = {e.ref: e.data["ane"]["generation"] for e in ctx.valid_records() if e.kind == "chip" and "ane" in e.data}
    for entry in ctx.valid_records():
        observed = entry.data.get("observed_on")
        if isinstance(observed, list):
            yield from _record(ctx, entry, observed, generations)


def _record(ctx: Context, entry: Entry, observed: list[dict[str, Any]], generations: dict[str, int]) -> Iterator[Problem]:
    positive = (entry.data.get("effect") or {}).get("kind") == "runs-on-ane"
    restricted: list[int] = []
    lifts: list[int] = []
    for i, obs in enumerate(observed):
        at = ("observed_on", i)
        span = obs.get("ane_generation") or {}
        for bound in (span.get("min"), span.get("max")):
            if bound is not None and ctx.generations and bound not in ctx.generations:
                yield entry.problem(NAME, f"ANE generation {bound} is not defined in kb/_vocab/ane-generations.yaml",
                                    at + ("ane_generation",))
        if span.get("min") is not None and span["min"] > span["max"]:
            yield entry.problem(NAME, f"ane_generation min {span['min']} is greater than max {span['max']}",
                                at + ("ane_generation",))
        gens = [generations[c] for c in obs.get("chips") or [] if c in generations]
        if obs.get("outcome") == "runs-on-ane":
            if positive:
                yield entry.problem(NAME, "outcome runs-on-ane is a lift of a restriction, but this rule says the op "
                                          "runs on the ANE; leave the outcome out", at + ("outcome",))
            lifts += gens
        else:
            restricted += gens or ([span["max"]] if "max" in span else [])
    if positive:
        return
    first_lift = min(lifts, default=None)
    if first_lift is not None and restricted and max(restricted) >= first_lift and entry.data.get("confidence") != "disputed":
        yield entry.problem(NAME, f"the op was seen on the ANE on generation {first_lift} but restricted on generation "
                                  f"{max(restricted)}: record the disagreement (confidence: disputed)", ("observed_on",))
    cap = ((entry.data.get("applies_to") or {}).get("ane_generation") or {}).get("max")
    if cap is not None and first_lift != cap + 1 and not _unresolved(observed, generations):
        yield entry.problem(NAME, f"ane_generation max {cap} is not supported by an observation with outcome "
                                  f"runs-on-ane on generation {cap + 1}: record where the sources looked as observed_on "
                                  f"(outcome: restricted) and drop the bound", ("applies_to", "ane_generation"))


def _unresolved(observed: list[dict[str, Any]], generations: dict[str, int]) -> bool:
    """A chip whose own record is invalid has no generation here; its record's problem is reported already."""
    return any(c not in generations for obs in observed for c in obs.get("chips") or [])
