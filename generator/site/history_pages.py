"""Pages for ids that moved or were removed, and the "What's new" page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ane_kb import KnowledgeBase

from .. import history
from ..changelog import render
from .safe_markdown import escape_html, escape_inline

REMOVED = {"en": ("# {id} was removed", "This record was removed from the knowledge base: {reason}"),
           "zh": ("# {id} 已删除", "这条记录已从知识库中删除：{reason}")}
MOVED = {"en": "This record moved to", "zh": "这条记录已移至"}


def removed_page(ref: str, stone: Any, lang: str) -> str:
    title, text = REMOVED[lang]
    return f"{title.format(id=ref)}\n\n{text.format(reason=escape_inline(stone.get('reason', {}).get(lang, '')))}\n"


def redirect_html(target: str, title: str, lang: str) -> str:
    kind, _, record_id = target.partition("/")
    url = f"../../{kind}/{record_id}/"
    return (f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{escape_html(title)}</title>'
            f'<link rel="canonical" href="{url}"><meta http-equiv="refresh" content="0; url={url}"></head>'
            f'<body><p>{MOVED[lang]} <a href="{url}">{escape_html(title)}</a>.</p></body></html>\n')


def write_redirects(kb: KnowledgeBase, site: Path) -> None:
    """After MkDocs: a small page at each moved id's old address that sends the reader on."""
    for ref, stone in kb.tombstones.items():
        if stone["status"] != "moved":
            continue
        target = kb.record(stone["redirect_to"]) if stone["redirect_to"] in {r.ref for r in kb} else None
        for lang, root in (("en", site), ("zh", site / "zh")):
            title = target.title.text(lang) if target else stone["redirect_to"]
            page = root / ref / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(redirect_html(stone["redirect_to"], title, lang), encoding="utf-8")


def whats_new(kb: KnowledgeBase, root: Path, lang: str) -> str:
    base = history.release_base(root)
    try:
        old = history.export_at(root, base) if base else None
    except history.HistoryError:
        old = None
    changes = history.compare(old, dict(kb.document))
    titles = {r.ref: escape_inline(r.title.text(lang)) for r in kb}
    return render(changes, base or "", lang, titles, link=lambda ref: f"{ref}.md")
