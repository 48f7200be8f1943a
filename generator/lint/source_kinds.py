"""Sources whose kind is fixed by where they live (kb/_vocab/source-hosts.yaml `kinds`) carry that kind:
an Apple newsroom page is a `press-release`, never an `apple-doc`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..problems import Problem
from .context import Context
from .source_hosts import refusal

NAME = "source-kinds"


def check(ctx: Context) -> Iterator[Problem]:
    fixed = [r for r in ctx.kb.vocab_data("source-hosts").get("kinds") or [] if isinstance(r, dict)]
    if not fixed:
        return
    for entry in ctx.valid_records():
        for path, value in ctx.flat(entry):
            if not _is_source(value):
                continue
            rule = refusal(value["url"], fixed)
            if rule is not None and value["kind"] != rule["kind"]:
                yield entry.problem(NAME, f"a source at {value['url']} is a '{rule['kind']}', not '{value['kind']}': "
                                          f"{rule['reason']}", path + ("kind",))


def _is_source(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("url"), str) and isinstance(value.get("kind"), str) \
        and "accessed" in value
