"""The "Which devices have an ANE?" page: every device, grouped by generation and chip, then the ones
whose Neural Engine Core ML cannot use (or that have none)."""

from __future__ import annotations

from ane_kb import KnowledgeBase
from ane_kb.records import Chip, Device

from .device_names import device_name, with_year
from .safe_markdown import escape_inline

WORDS = {
    "en": {"title": "Which devices have an ANE?",
           "intro": "Every Apple device the knowledge base knows, grouped by the Neural Engine generation and the "
                    "chip it was sold with, newest first. Core ML can use the ANE on all of them unless the chip's "
                    "line says otherwise. To check a model for one device, open its page and follow \"Check a model "
                    "for this device\", or use the [checker in your browser](browser.md). A device sold with "
                    "several chips is listed under each.",
           "cores": "{cores}-core Neural Engine", "none": "Devices without an ANE Core ML can use",
           "none_intro": "These chips have no Neural Engine, or one that Core ML does not open to apps: "
                         "models run on the CPU or GPU.",
           "not_usable": "Core ML cannot use its ANE", "no_ane": "no Neural Engine", "generation": "Generation"},
    "zh": {"title": "哪些设备有神经引擎？",
           "intro": "知识库收录的所有 Apple 设备，按神经引擎（Apple 中文名称为“神经网络引擎”）的代际和所搭载的芯片分组，由新到旧排列。"
                    "除非芯片一行另有说明，"
                    "Core ML 都可以在这些设备上使用神经引擎。要针对某台设备检查模型，请打开它的页面并点击“针对这台设备检查模型”，"
                    "或者使用[浏览器中的检查器](browser.md)。搭载多种芯片的设备会在每种芯片下各列一次。",
           "cores": "{cores} 核神经引擎", "none": "没有可供 Core ML 使用的神经引擎的设备",
           "none_intro": "这些芯片没有神经引擎，或者其神经引擎不向应用开放 Core ML：模型在 CPU 或 GPU 上运行。",
           "not_usable": "Core ML 无法使用其神经引擎", "no_ane": "没有神经引擎", "generation": "第 {n} 代"},
}


def _devices_of(kb: KnowledgeBase, chip: Chip) -> list[Device]:
    return sorted((d for d in kb.devices if chip.ref in d.chip_refs), key=lambda d: (d.device_type, d.year, d.name))


def _chip_line(kb: KnowledgeBase, chip: Chip, lang: str, note: str = "") -> str:
    w = WORDS[lang]
    devices = _devices_of(kb, chip)
    names = ", ".join(f"[{escape_inline(with_year(device_name(d, lang), d.year))}](device/{d.id}.md)"
                      for d in devices) or "—"
    extra = [w["cores"].format(cores=chip.ane.cores)] if chip.ane and chip.ane.cores else []
    extra += [note] if note else []
    return f"- **[{escape_inline(chip.title.text(lang))}](chip/{chip.id}.md)** ({'; '.join(extra)}): {names}"


def page(kb: KnowledgeBase, lang: str) -> str:
    w = WORDS[lang]
    labels = kb.vocab.get("ane_generations", {})
    out = ["---", "search:", "  boost: 4", "---", "", f"# {w['title']}", "", w["intro"], ""]
    usable = [c for c in kb.chips if c.coreml_can_use_ane and c.ane is not None]
    for n in sorted({c.ane.generation for c in usable if c.ane}, reverse=True):
        label = escape_inline(labels.get(str(n), {}).get("label", {}).get(lang, str(n)))
        head = f"Generation {n}: {label}" if lang == "en" else f"{w['generation'].format(n=n)}：{label}"
        out += [f"## {head}", ""]
        chips = sorted((c for c in usable if c.ane and c.ane.generation == n), key=lambda c: (c.family, c.year or 0, c.id))
        out += [_chip_line(kb, chip, lang) for chip in chips if _devices_of(kb, chip)] + [""]
    out += [f"## {w['none']}", "", w["none_intro"], ""]
    others = sorted((c for c in kb.chips if c not in usable), key=lambda c: (c.family, c.year or 0, c.id))
    out += [_chip_line(kb, chip, lang, w["not_usable"] if chip.ane else w["no_ane"]) for chip in others
            if _devices_of(kb, chip)] + [""]
    return "\n".join(out)
