"""Small HTML and Markdown pieces every page uses: a confidence badge and a link to a record's page."""

from __future__ import annotations

from .safe_markdown import escape_html, escape_inline


def badge(level: str, label: str) -> str:
    return f'<span class="ane-badge ane-badge--{escape_html(level)}">{escape_html(label)}</span>'


def link(ref: str, title: str) -> str:
    kind, _, record_id = ref.partition("/")
    return f"[{escape_inline(title)}](../{kind}/{record_id}.md)"
