"""Sources on refused hosts (content farms, AI-written pages, mirrors) are rejected."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from ..problems import Problem
from .context import Context

NAME = "source-hosts"


def check(ctx: Context) -> Iterator[Problem]:
    refused = [r for r in ctx.kb.vocab_data("source-hosts").get("refused") or [] if isinstance(r, dict)]
    if not refused:
        return
    for entry in ctx.kb.records:
        for path, value in ctx.flat(entry):
            if path and path[-1] in ("url", "source") and isinstance(value, str):
                rule = refusal(value, refused)
                if rule is not None:
                    yield entry.problem(NAME, f"{urlsplit(value).hostname} is refused as a source: {rule['reason']}", path)


def refusal(url: str, refused: list[dict[str, str]]) -> dict[str, str] | None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for rule in refused:
        on_host = host == rule["host"] or host.endswith("." + rule["host"])
        if on_host and parts.path.startswith(rule.get("path_prefix", "")):
            return rule
    return None
