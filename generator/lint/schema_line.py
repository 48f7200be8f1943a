"""Every record starts with the editor's schema line, so editors validate it as you type."""

from __future__ import annotations

from collections.abc import Iterator

from ..canonical import schema_line
from ..problems import Problem
from .context import Context

NAME = "schema-line"


def check(ctx: Context) -> Iterator[Problem]:
    for entry in ctx.kb.records:
        expected = schema_line(entry.kind)
        first = entry.file.first_line
        if first != expected:
            what = "is missing" if not first.startswith("# yaml-language-server:") else f"is {first!r}"
            yield Problem(entry.file.shown, 1, 1, NAME, f"the first line must be '{expected}' but it {what} "
                                                         f"(python -m generator fix adds it)")
