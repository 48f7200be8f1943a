"""Text is restricted Markdown: no raw HTML, no event handlers, no script or data links."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..problems import Problem
from .context import Context

NAME = "markup"
_FENCE = re.compile(r"```.*?(```|$)", re.S)
_CODE = re.compile(r"`[^`\n]*`")
_HTML = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>|<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(\s|/|$)")
_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.I)
_ENTITY = re.compile(r"&#?[A-Za-z0-9]+;")
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]*)")
_REF_DEF = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)", re.M)
_BAD_SCHEME = re.compile(r"(java|vb)\s*script\s*:|data\s*:", re.I)
_MARKS = ("<", "&", "[", "=", ":")
_ALLOWED_TARGET = re.compile(r"^(https?://|/|\.{0,2}/|#|[A-Za-z0-9_.-]+(/|\.md|$))")


def prose(text: str) -> str:
    """The text with code spans and fenced blocks removed: what Markdown renders as markup."""
    return _CODE.sub("", _FENCE.sub("", text))


def problems_in(text: str) -> list[str]:
    """Why `text` is not safe restricted Markdown, one reason per problem; empty when it is."""
    found: list[str] = []
    if not any(mark in text for mark in _MARKS):  # every pattern below needs one of these characters
        return found
    if ":" in text and _BAD_SCHEME.search(text):
        found.append("'javascript:', 'vbscript:' and 'data:' are not allowed in text")
    body = prose(text)
    if "<" in body and _HTML.search(body):
        found.append("raw HTML is not allowed; use Markdown, and put code in `backticks`")
    if "=" in body and _HANDLER.search(body):
        found.append("event-handler attributes (onerror=, onclick=, ...) are not allowed")
    if "&" in body and _ENTITY.search(body):
        found.append("HTML entities (&#...;) are not allowed; write the character itself")
    if "[" not in body:
        return found
    for target in _LINK.findall(body) + [m.group(1) for m in _REF_DEF.finditer(body)]:
        if not _ALLOWED_TARGET.match(target) and not _BAD_SCHEME.search(target):
            found.append(f"link target '{target}' must be an https:// URL or a site-relative path")
    return found


def check(ctx: Context) -> Iterator[Problem]:
    for entry in ctx.kb.records:
        for path, value in ctx.flat(entry):
            if isinstance(value, str) and path and path[-1] not in ("url", "source"):
                for reason in problems_in(value):
                    yield entry.problem(NAME, reason, path)
