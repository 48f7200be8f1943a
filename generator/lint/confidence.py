"""Each confidence level is backed by the kinds of sources it requires (kb/_vocab/confidence.yaml)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..problems import Problem
from .context import Context

NAME = "confidence"


def check(ctx: Context) -> Iterator[Problem]:
    levels = ctx.kb.vocab_data("confidence").get("levels") or {}
    for entry in ctx.valid_records():
        level = entry.data["confidence"]
        rule = (levels.get(level) or {}).get("requires") or {}
        reason = unmet(rule, entry.data["sources"], entry.kind)
        if reason:
            yield entry.problem(NAME, f"'{level}' needs {reason}", ("confidence",))
        disputes = entry.data.get("disputes")
        if rule.get("disputes") and not disputes:
            yield entry.problem(NAME, "'disputed' needs a 'disputes' list with each claim and its own sources", ("confidence",))
        if disputes and level != "disputed":
            yield entry.problem(NAME, f"the record lists disputes, so its confidence should be 'disputed', not '{level}'",
                                ("confidence",), warning=True)


def unmet(rule: dict[str, Any], sources: list[dict[str, Any]], record_kind: str = "") -> str | None:
    """What the sources lack to satisfy `rule` in a record of `record_kind`, or None when they satisfy it."""
    kinds = rule.get("any_kind")
    minimum = rule.get("min_sources")
    if not kinds and not minimum:
        return None
    limited = rule.get("figures_only") or {}
    excluded = set() if record_kind in limited.get("records", ()) else set(limited.get("kinds", ()))
    counted = [k for k in kinds or () if k not in excluded]
    if counted and any(s.get("kind") in counted for s in sources):
        return None
    if minimum and len(sources) >= minimum:
        return None
    parts = []
    if kinds:
        parts.append(f"a source of kind {', '.join(counted)}")
    if minimum:
        parts.append(f"at least {minimum} sources")
    have = ", ".join(sorted({str(s.get('kind')) for s in sources})) or "none"
    why = ""
    if excluded & {s.get("kind") for s in sources}:
        records = " and ".join(limited["records"])
        why = (f"; a {', '.join(sorted(excluded))} source confirms only the figures it states in {records} records, "
               "not a behaviour")
    return " or ".join(parts) + f" (has: {have}{why})"
