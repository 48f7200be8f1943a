"""`python -m generator changelog --since REF`: added, changed, moved and removed ids, in English and Chinese."""

from __future__ import annotations

from typing import Any

from .history import Changes

HEADINGS = {
    "en": {"title": "What's new", "since": "Changes since {ref} (data version {old} → {new}).",
           "added": "Added", "changed": "Changed", "moved": "Moved", "removed": "Removed", "vanished": "Gone without a tombstone",
           "renumbered": "Chips in another ANE generation (old → new ordinal)",
           "none": "No changes.", "to": "now", "first": "Everything in data version {new} is new: there is no earlier export."},
    "zh": {"title": "更新内容", "since": "自 {ref} 以来的变化（数据版本 {old} → {new}）。",
           "added": "新增", "changed": "修改", "moved": "改名", "removed": "删除", "vanished": "未留墓碑而消失",
           "renumbered": "神经引擎代际有变的芯片（旧编号 → 新编号）",
           "none": "没有变化。", "to": "现为", "first": "数据版本 {new} 中的全部内容都是新的：此前没有导出文件。"},
}


def render(changes: Changes, ref: str, lang: str, titles: dict[str, str], link: Any = None) -> str:
    """Markdown for one language. `titles` maps kind/id to a title; `link(ref)` may return a page path."""
    words = HEADINGS[lang]
    lines = [f"# {words['title']}", ""]
    if changes.old_version is None:
        lines += [words["first"].format(new=changes.new_version), ""]
    else:
        lines += [words["since"].format(ref=f"`{ref}`", old=changes.old_version, new=changes.new_version), ""]

    def name(item: str) -> str:
        title = titles.get(item, "")
        shown = f"[`{item}`]({link(item)})" if link and item in titles else f"`{item}`"
        return f"{shown} {title}".strip()

    sections = [("added", [name(r) for r in changes.added]), ("changed", [name(r) for r in changes.changed]),
                ("moved", [f"`{old}` → {words['to']} {name(new)}" for old, new in changes.moved]),
                ("removed", [f"`{r}`: {reason.get(lang, '')}" for r, reason in changes.removed]),
                ("vanished", [f"`{r}`" for r in changes.vanished]),
                ("renumbered", [f"{name(r)}: {old} → {new}" for r, old, new in changes.renumbered])]
    written = False
    for key, items in sections:
        if items:
            lines += [f"## {words[key]} ({len(items)})", ""] + [f"- {item}" for item in items] + [""]
            written = True
    if not written:
        lines += [words["none"], ""]
    return "\n".join(lines)
