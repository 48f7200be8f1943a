"""Tags come from the vocabulary in kb/_vocab/tags.yaml."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..problems import Problem
from .context import Context

NAME = "tags"


def check(ctx: Context) -> Iterator[Problem]:
    known = ctx.tags
    for entry in ctx.kb.records:
        tags = entry.data.get("tags")
        if not isinstance(tags, list):
            continue
        for i, tag in enumerate(tags):
            if isinstance(tag, str) and tag not in known:
                close = difflib.get_close_matches(tag, list(known), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else "; add it to kb/_vocab/tags.yaml first"
                yield entry.problem(NAME, f"unknown tag '{tag}'{hint}", ("tags", i))
