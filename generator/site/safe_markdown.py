"""Record text made safe to put in a Markdown page: the page renderer's own line of defence.

The linter already refuses HTML and script links in records. Here every text is escaped again
before it reaches Markdown: outside code, `&`, `<` and `>` become entities, attribute-list and
HTML-comment openers are defused, and links keep only https://, http:// or site-relative targets
(anything else is reduced to its label).
"""

from __future__ import annotations

import html
import re

_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_FENCE = re.compile(r"^```.*?^```[ \t]*$", re.S | re.M)
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_SAFE_TARGET = re.compile(r"^(https?://[^\s<>\"']+|/[^\s<>\"':]*|\.{1,2}/[^\s<>\"':]*|#[\w-]*|[\w./-]+\.md(#[\w-]*)?)$")
_REF_DEF = re.compile(r"^\s*\[[^\]]+\]:.*$", re.M)


def escape_prose(text: str) -> str:
    """Escape raw-HTML characters in Markdown prose (code spans and fences are kept as written)."""
    parts: list[str] = []
    last = 0
    for match in _code_spans(text):
        parts.append(_escape_plain(text[last:match[0]]))
        parts.append(text[match[0]:match[1]])
        last = match[1]
    parts.append(_escape_plain(text[last:]))
    return "".join(parts)


def _code_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _FENCE.finditer(text)]
    for m in _CODE.finditer(text):
        if not any(a <= m.start() < b for a, b in spans):
            spans.append((m.start(), m.end()))
    return sorted(spans)


def _escape_plain(text: str) -> str:
    text = _REF_DEF.sub(lambda m: html.escape(m.group(0)).replace("[", "\\[").replace("]", "\\]"), text)
    text = _LINK.sub(_safe_link, text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("{:", "{\\:").replace("{#", "{\\#")


def _safe_link(match: re.Match[str]) -> str:
    bang, label, target = match.groups()
    if _SAFE_TARGET.match(target):
        return f"{bang}[{label}]({target})"
    return label


def escape_inline(text: str) -> str:
    """A short single-line text (a title, a cell): escaped, with Markdown emphasis characters kept literal."""
    return escape_prose(" ".join(text.split()))


def escape_html(text: str) -> str:
    """Text for raw HTML (tables, badges): every character that means something in HTML escaped."""
    return html.escape(text, quote=True)


_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.S)


def inline_html(text: str) -> str:
    """A short contributor text (a summary) as inline HTML for a raw-HTML table cell: the text is first escaped by
    escape_inline (so any HTML in it stays text and unsafe link targets lose their links), then its Markdown (code
    spans, emphasis, safe links) is rendered. Block syntax is not wanted in a cell, so a leading `#`, `>`, `-` or
    number-dot is kept literal."""
    import markdown

    safe = escape_inline(text)
    safe = re.sub(r"^(\s*)([#>+*-]|\d+\.)", lambda m: m.group(1) + "\\" + m.group(2), safe)
    rendered = markdown.markdown(safe, output_format="html").strip()
    match = _PARAGRAPH.match(rendered)
    return match.group(1) if match else rendered
