"""Every how-to that kb/_vocab/howto-order.yaml lists as a basic exists."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..problems import Problem
from .context import Context

NAME = "howto-order"


def check(ctx: Context) -> Iterator[Problem]:
    entry = ctx.kb.vocab.get("howto-order")
    basics = entry.data.get("basics") if entry is not None and isinstance(entry.data, dict) else None
    if entry is None or not isinstance(basics, list):
        return
    howtos = [ref for ref in ctx.refs if ref.startswith("howto/")]
    for i, ref in enumerate(basics):
        if isinstance(ref, str) and ref not in ctx.refs:
            close = difflib.get_close_matches(ref, howtos, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            yield entry.problem(NAME, f"no how-to {ref}{hint}", ("basics", i))
