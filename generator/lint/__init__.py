"""The linter: one module per check, each yielding every problem it finds.

A check is a function `check(ctx) -> Iterable[Problem]`. Checks never stop at the first
problem, and the runner collects them all, so one run reports everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..kb import KB
from ..problems import Problem
from . import (applicability, canonical_form, confidence, conditions, dates, examples, generations, identifiers,
               identity, languages, markup, observations, placeholders, references, schema, schema_line,
               source_hosts, tags, tombstones, urls, vocabulary)
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
    dates.check,
    confidence.check,
    tags.check,
    identifiers.check,
    conditions.check,
    applicability.check,
    generations.check,
    observations.check,
    examples.check,
    placeholders.check,
    schema_line.check,
    canonical_form.check,
    tombstones.check,
)


def lint(kb: KB, checks: Iterable[Check] = CHECKS) -> list[Problem]:
    """Every problem in the KB: those found while loading, then each check's, sorted by place."""
    ctx = Context(kb)
    problems = list(kb.problems)
    for run in checks:
        problems.extend(run(ctx))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.check, p.message))
