"""Every layer rule (and a precision record that has one) names an op family from kb/_vocab/op-families.yaml,
and its ops belong to that family.

A family with identifiers holds only rules about those layer and op types, and each identifier
belongs to one family per format. A rule that applies to every op (no identifiers) belongs to a
family without identifiers, one about a property any op can have.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from ..kb import Entry
from ..problems import Problem
from .context import Context

NAME = "families"


def check(ctx: Context) -> Iterator[Problem]:
    families = _families(ctx)
    yield from _vocabulary(ctx, families)
    open_families = sorted(name for name, fam in families.items() if not _identifiers(fam))
    for entry in ctx.valid_records():
        if entry.kind in ("layer-rule", "precision"):
            yield from _rule(ctx, entry, families, open_families)


def _families(ctx: Context) -> dict[str, Any]:
    found = ctx.kb.vocab_data("op-families").get("families")
    return found if isinstance(found, dict) else {}


def _identifiers(family: Any) -> dict[str, list[str]]:
    ids = family.get("identifiers") if isinstance(family, dict) else None
    return ids if isinstance(ids, dict) else {}


def _vocabulary(ctx: Context, families: dict[str, Any]) -> Iterator[Problem]:
    entry = ctx.kb.vocab.get("op-families")
    if entry is None:
        return
    owner: dict[tuple[str, str], str] = {}
    for name, family in families.items():
        for fmt, ops in _identifiers(family).items():
            for i, op in enumerate(ops if isinstance(ops, list) else []):
                at = ("families", name, "identifiers", fmt, i)
                if fmt in ctx.identifiers and op not in ctx.identifiers[fmt]:
                    yield entry.problem(NAME, f"'{op}' is not a known {fmt} identifier", at)
                elif (fmt, op) in owner:
                    yield entry.problem(NAME, f"'{op}' already belongs to family '{owner[(fmt, op)]}'; "
                                              f"an identifier belongs to one family per format", at)
                else:
                    owner[(fmt, op)] = name


def _rule(ctx: Context, entry: Entry, families: dict[str, Any], open_families: list[str]) -> Iterator[Problem]:
    name = entry.data.get("family")
    if not isinstance(name, str):
        return
    if name not in families:
        close = difflib.get_close_matches(name, list(families), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; add it to kb/_vocab/op-families.yaml first"
        yield entry.problem(NAME, f"unknown op family '{name}'{hint}", ("family",))
        return
    members = _identifiers(families[name])
    if not members:
        return
    rule_ids = entry.data.get("identifiers") or {}
    if not rule_ids:
        what = "applies to every op" if entry.data.get("scope", "op") == "op" else "names no identifiers"
        yield entry.problem(NAME, f"this rule {what}, but family '{name}' is limited to its identifiers; "
                                  f"use a family without identifiers ({', '.join(open_families)})", ("family",))
        return
    for fmt, ops in rule_ids.items():
        for i, op in enumerate(ops):
            if op in ctx.identifiers.get(fmt, ()) and op not in members.get(fmt, []):
                yield entry.problem(NAME, f"'{op}' is not a {fmt} identifier of family '{name}'; move the rule to the "
                                          f"family of its ops, or to a family without identifiers if it spans several",
                                    ("identifiers", fmt, i))
