"""The linter: one module per check, each yielding every problem it finds.

A check is a function `check(ctx) -> Iterable[Problem]`. Checks never stop at the first
problem, and the runner collects them all, so one run reports everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..kb import KB
from ..problems import Problem
from . import (applicability, canonical_form, confidence, conditions, dates, device_fields, evidence, examples,
               families, generations, identifiers, identity, languages, markup, observations, placeholders, references,
               schema, schema_line, source_hosts, source_kinds, tags, tombstones, topics, urls, vocabulary, zh_terms)
from .context import Context

Check = Callable[[Context], Iterable[Problem]]

CHECKS: tuple[Check, ...] = (
    vocabulary.check,
    schema.check,
    identity.check,
    references.check,
    languages.check,
    markup.check,
    urls.check,
    source_hosts.check,
    source_kinds.check,
    dates.check,
    confidence.check,
    evidence.check,
    tags.check,
    identifiers.check,
    device_fields.check,
    families.check,
    conditions.check,
    applicability.check,
    generations.check,
    observations.check,
    examples.check,
    placeholders.check,
    schema_line.check,
    canonical_form.check,
    tombstones.check,
    topics.check,
    zh_terms.check,
)


def lint(kb: KB, checks: Iterable[Check] = CHECKS) -> list[Problem]:
    """Every problem in the KB: those found while loading, then each check's, sorted by place."""
    ctx = Context(kb)
    problems = list(kb.problems)
    for run in checks:
        try:
            problems.extend(run(ctx))
        except Exception as exc:  # a check that meets data of a type it does not expect must not end the run
            problems.append(_stopped(run, exc, problems))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.check, p.message))


def _stopped(run: Check, exc: Exception, found: list[Problem]) -> Problem:
    """One line for a check that stopped: at the first problem found so far (most likely its cause)."""
    name = run.__module__.rsplit(".", 1)[-1].replace("_", "-")
    first = min((p for p in found if not p.warning), default=None)
    where = (first.path, first.line, first.col) if first else ("kb", 1, 1)
    return Problem(*where, name, f"this check stopped on a value of an unexpected type ({type(exc).__name__}); "
                                 "fix the other problems and run it again")
