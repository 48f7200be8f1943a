"""applies_to and observed_on name known chips and generations, and every range has min <= max."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ane_kb.platforms import version_key

from ..kb import Entry
from ..problems import Problem
from .context import Context

NAME = "applicability"


def check(ctx: Context) -> Iterator[Problem]:
    for entry in ctx.valid_records():
        applies = entry.data.get("applies_to")
        if isinstance(applies, dict):
            yield from _applies_to(ctx, entry, applies)
        if entry.kind == "chip" and "ane" in entry.data:
            generation = entry.data["ane"]["generation"]
            if ctx.generations and generation not in ctx.generations:
                yield entry.problem(NAME, f"ANE generation {generation} is not defined in kb/_vocab/ane-generations.yaml "
                                          f"(known: {', '.join(map(str, sorted(ctx.generations)))})", ("ane", "generation"))


def _applies_to(ctx: Context, entry: Entry, applies: dict[str, Any]) -> Iterator[Problem]:
    at = ("applies_to",)
    gens = applies.get("ane_generation") or {}
    low, high = gens.get("min"), gens.get("max")
    if low is not None and high is not None and low > high:
        yield entry.problem(NAME, f"ane_generation min {low} is greater than max {high}", at + ("ane_generation",))
    for bound in (low, high):
        if bound is not None and ctx.generations and bound not in ctx.generations:
            yield entry.problem(NAME, f"ANE generation {bound} is not defined in kb/_vocab/ane-generations.yaml",
                                at + ("ane_generation",))
    for platform, span in (applies.get("os") or {}).items():
        if "min" in span and "max" in span and version_key(span["min"]) > version_key(span["max"]):
            yield entry.problem(NAME, f"{platform} min {span['min']} is greater than max {span['max']}", at + ("os", platform))
    formats = applies.get("formats")
    identifiers = entry.data.get("identifiers") or {}
    if formats and identifiers:
        for fmt in identifiers:
            if fmt not in formats:
                yield entry.problem(NAME, f"identifiers name {fmt} ops, but applies_to.formats leaves {fmt} out",
                                    at + ("formats",), warning=True)
