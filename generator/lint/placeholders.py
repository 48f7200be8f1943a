"""Placeholders from `generator new` that are still there: one problem each, naming what to write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..problems import Problem
from .context import Context

NAME = "placeholder"


def _where(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def check(ctx: Context) -> Iterator[Problem]:
    for entry in ctx.kb.records:
        for path, value in ctx.flat(entry):
            if isinstance(value, str) and ("TODO:" in value or "TODO.invalid" in value) and path:
                hint = value.split("TODO:", 1)[1].strip() if "TODO:" in value else "the address of the page you read"
                yield entry.problem(NAME, f"{_where(path)} still holds a placeholder: write {hint}", path)
