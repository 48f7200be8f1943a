"""Source URLs use https, and links inside text use https or stay on the site."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from ..problems import Problem
from .context import Context
from .markup import prose

NAME = "urls"
_TEXT_LINK = re.compile(r"\]\(\s*<?(http://[^)\s>]*)")


def check(ctx: Context) -> Iterator[Problem]:
    for entry in ctx.kb.records:
        for path, value in ctx.flat(entry):
            if not isinstance(value, str) or not path:
                continue
            if path[-1] in ("url", "source"):
                reason = url_problem(value)
                if reason:
                    yield entry.problem(NAME, reason, path)
            elif path[-1] in ("en", "zh"):
                for link in _TEXT_LINK.findall(prose(value)):
                    yield entry.problem(NAME, f"link {link} must use https://", path)


def url_problem(url: str) -> str | None:
    """Why `url` is not an acceptable source address, or None."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https":
        return f"source URL {url!r} must start with https://"
    if not parts.hostname or "." not in parts.hostname:
        return f"source URL {url!r} has no valid host"
    if any(ch.isspace() for ch in url):
        return f"source URL {url!r} contains white space"
    return None
