"""The README's table of record counts by kind and confidence, written by export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .atomic import write_text

START = "<!-- counts:start (written by python -m generator export; do not edit) -->"
END = "<!-- counts:end -->"
LEVELS = ("confirmed", "likely", "disputed", "speculative", "anecdotal")
KINDS = ("chip", "device", "layer-rule", "precision", "howto", "anecdote")


def table(document: dict[str, Any]) -> str:
    counts: dict[str, dict[str, int]] = document["meta"]["counts"]
    rows = ["| kind | " + " | ".join(LEVELS) + " | total |", "|---" * (len(LEVELS) + 2) + "|"]
    totals = dict.fromkeys(LEVELS, 0)
    for kind in KINDS:
        levels = counts.get(kind, {})
        for level in LEVELS:
            totals[level] += levels.get(level, 0)
        rows.append(f"| {kind} | " + " | ".join(str(levels.get(lv, 0)) for lv in LEVELS) + f" | {sum(levels.values())} |")
    rows.append("| **all** | " + " | ".join(str(totals[lv]) for lv in LEVELS) + f" | {sum(totals.values())} |")
    return "\n".join(rows)


def render(text: str, document: dict[str, Any]) -> str:
    """`text` with the block between the markers replaced by the current table."""
    if START not in text or END not in text:
        return text
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table(document)}\n{END}{tail}"


def refresh(readme: Path, document: dict[str, Any]) -> None:
    text = readme.read_text(encoding="utf-8")
    new = render(text, document)
    if new != text:
        write_text(readme, new)
