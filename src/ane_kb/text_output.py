"""Readable text for the consumer CLI: tables and record summaries in English or Chinese."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import labels
from .records import Chip, Device, Record, Rule
from .wrapping import columns as width

if TYPE_CHECKING:
    from .knowledge import KnowledgeBase

_WORDS = {
    "en": {"rule": "rule", "confidence": "confidence", "effect": "effect", "when": "when", "none": "No rules match.",
           "sources": "Sources", "workaround": "Workaround", "chips": "chips", "usable": "Core ML can use its ANE",
           "unusable": "Core ML cannot use an ANE here", "docs": "More", "applies": "Condition",
           "ane": "ANE: {cores} cores, generation {generation}"},
    "zh": {"rule": "规则", "confidence": "可信度", "effect": "影响", "when": "条件", "none": "没有匹配的规则。",
           "sources": "来源", "workaround": "解决办法", "chips": "芯片", "usable": "Core ML 可以使用其神经引擎",
           "unusable": "Core ML 在此无法使用神经引擎", "docs": "详见", "applies": "条件",
           "ane": "神经引擎：{cores} 核，第 {generation} 代"},
}


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(pad(h, w) for h, w in zip(headers, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def rules_table(rows: Sequence[Mapping[str, Any]], lang: str) -> str:
    words = _WORDS[lang]
    if not rows:
        return words["none"]
    body = [[r["rule"], labels.confidence(r["confidence"], lang), labels.label("effect_short", r["effect"] or "", lang),
             r["condition"]] for r in rows]
    return table([words["rule"], words["confidence"], words["effect"], words["when"]], body)


def record_text(kb: KnowledgeBase, record: Record, lang: str) -> str:
    words = _WORDS[lang]
    lines = [f"{record.title.text(lang)}  [{record.ref}, {words['confidence']}: {labels.confidence(record.confidence, lang)}]", "",
             record.summary.text(lang)]
    if record.body:
        lines += ["", record.body.text(lang)]
    if isinstance(record, Rule):
        lines += ["", f"{words['applies']}: {kb.describe(record, lang)}"]
        if record.workaround:
            lines += ["", f"{words['workaround']}: {record.workaround.text(lang)}"]
    if isinstance(record, Chip) and record.ane is not None:
        lines += ["", words["ane"].format(cores=record.ane.cores, generation=record.ane.generation)]
    lines += ["", f"{words['sources']}:"] + [f"  - {s.title} ({s.kind}, {s.accessed}): {s.url}" for s in record.sources]
    lines += ["", f"{words['docs']}: {record.url(lang)}"]
    return "\n".join(lines)


def device_text(device: Device, usable: bool, lang: str) -> str:
    words = _WORDS[lang]
    chips = ", ".join(c.title.text(lang) for c in device.chips)
    verdict = words["usable"] if usable else words["unusable"]
    return "\n".join([f"{device.name} ({device.year})  [{device.ref}]", f"{words['chips']}: {chips}",
                      verdict + ("." if lang == "en" else "。"), f"{words['docs']}: {device.url(lang)}"])
