"""The parts of device and chip pages that answer "what does this mean for my model": the engine's facts,
a link that opens the checker for the device, and the layer rules that apply, grouped by effect."""

from __future__ import annotations

from ane_kb import KnowledgeBase, labels as vocab_labels
from ane_kb.device_rules import Applicable, by_effect, for_chips, for_device
from ane_kb.records import Chip, Device

from .describe import os_range
from .links import badge, link
from .safe_markdown import escape_html, escape_inline

WORDS = {
    "en": {"generation": "ANE generation", "cores": "ANE cores", "peak": "Rated operations per second",
           "usable": "Core ML can use the ANE", "os": "Supported OS", "machine_ids": "Machine identifiers",
           "model_numbers": "Model numbers", "not_recorded": "not recorded", "yes": "yes", "no": "no",
           "name_zh": "Apple's Chinese name", "field_sources": "Sources of the device fields",
           "not_recorded_note": "\"Not recorded\" means no source this knowledge base cites states the value.",
           "no_ane": "none", "check": "Check a model for this device",
           "rules": "Rules that apply to this device", "chip_rules": "Rules that apply to this chip",
           "rules_intro": "The layer rules whose scope includes this {what}, with the persistence policy applied: "
                          "a restriction seen on an older engine is assumed to hold here until a record sees it "
                          "lifted. The [support grids](../support/index.md) show the same per op family.",
           "no_rules": "Core ML cannot use a Neural Engine here, so no layer rule applies: models run on the CPU "
                       "or GPU.",
           "device": "device", "chip": "chip", "assumed": "assumed to hold on this newer engine",
           "between": "uncertain here: between where it was seen and where it was seen lifted",
           "only": "only on {chips}", 
           "effects": {"falls-back": "Falls back to another compute unit", "fails-to-compile": "Fails to compile",
                       "may-fall-back": "May fall back", "loses-precision": "Loses precision",
                       "prefers-cpu": "The scheduler may prefer the CPU", "runs-on-ane": "Runs on the ANE",
                       "slows-on-ane": "Runs on the ANE with overhead",
                       "none": "General facts"}},
    "zh": {"generation": "神经引擎代际", "cores": "神经引擎核心数", "peak": "标称每秒运算次数",
           "usable": "Core ML 可用神经引擎", "os": "支持的系统", "machine_ids": "机型标识符",
           "model_numbers": "型号", "not_recorded": "未记录", "yes": "是", "no": "否",
           "name_zh": "Apple 中文名称", "field_sources": "设备字段的来源",
           "not_recorded_note": "“未记录”表示本知识库引用的资料中没有给出该值。",
           "no_ane": "无", "check": "针对这台设备检查模型",
           "rules": "适用于这台设备的规则", "chip_rules": "适用于这颗芯片的规则",
           "rules_intro": "适用范围包含这台{what}的层规则，已按延续策略处理：在较早的引擎上观察到的限制，"
                          "在有记录观察到它被解除之前，推定在这里仍然成立。[支持情况表](../support/index.md)按算子类别列出同样的信息。",
           "no_rules": "Core ML 在这里无法使用神经引擎，因此没有层规则适用：模型在 CPU 或 GPU 上运行。",
           "device": "设备", "chip": "芯片", "assumed": "推定在这一更新的引擎上仍然成立",
           "between": "此处不确定：介于观察到限制和观察到解除的代际之间",
           "only": "仅限 {chips}", 
           "effects": {"falls-back": "回退到其他计算单元", "fails-to-compile": "编译失败", "may-fall-back": "可能回退",
                       "loses-precision": "损失精度", "prefers-cpu": "调度器可能优先选择 CPU",
                       "runs-on-ane": "可在神经引擎上运行", "slows-on-ane": "可在神经引擎上运行，但有额外开销",
                       "none": "一般事实"}},
}


def generation_links(chips: tuple[Chip, ...], kb: KnowledgeBase, lang: str) -> str:
    labels = kb.vocab.get("ane_generations", {})
    gens = sorted({c.ane.generation for c in chips if c.ane is not None})
    if not gens:
        return WORDS[lang]["no_ane"]
    return ", ".join(f'<a class="ane-generation" href="../../glossary/#ane-generation-{g}">{g} · '
                     f'{escape_html(labels.get(str(g), {}).get("label", {}).get(lang, str(g)))}</a>' for g in gens)


def peak(chips: tuple[Chip, ...], lang: str) -> str:
    w = WORDS[lang]
    parts = []
    for chip in chips:
        for p in chip.peak_ops:
            prefix = f"{escape_inline(chip.title.text(lang))}: " if len(chips) > 1 else ""
            parts.append(f"{prefix}{p.value:g} {escape_inline(p.unit)} ({vocab_labels.label('basis', p.basis, lang)})")
    return "; ".join(parts) or w["not_recorded"]


def apple_term(kb: KnowledgeBase) -> str:
    """Apple's own Chinese name for the Neural Engine (神经网络引擎), from the glossary's terminology table."""
    rows = kb.vocab.get("terminology", [])
    return next((str(r["apple"]) for r in rows if r.get("preferred") == "神经引擎" and r.get("apple")), "")


def engine_rows(chips: tuple[Chip, ...], kb: KnowledgeBase, lang: str, usable: bool) -> list[list[str]]:
    w = WORDS[lang]
    counts = list(dict.fromkeys(str(c.ane.cores) for c in chips if c.ane is not None))
    cores = ", ".join(counts) or w["no_ane"]
    if lang == "zh" and counts and apple_term(kb):
        cores += "（Apple 中文名称：" + "、".join(f"{n} 核{escape_inline(apple_term(kb))}" for n in counts) + "）"
    return [[w["generation"], generation_links(chips, kb, lang)], [w["cores"], cores], [w["peak"], peak(chips, lang)],
            [w["usable"], w["yes"] if usable else w["no"]]]


FIELDS = ("os", "machine_ids", "model_numbers", "name_zh")


def identity_rows(device: Device, lang: str) -> list[list[str]]:
    """OS range, machine identifiers, model numbers and (on the Chinese page) Apple's Chinese name: 'not
    recorded' where no source gives them."""
    w = WORDS[lang]
    spans = device.os
    os_text = ", ".join(os_range(p, lo, hi, lang) if (lo or hi) else p for p, (lo, hi) in sorted(spans.items()))
    ids = ", ".join(f"`{escape_inline(i)}`" for i in device.machine_ids)
    numbers = ", ".join(escape_inline(n) for n in device.model_numbers)
    rows = [[w["os"], os_text or w["not_recorded"]], [w["machine_ids"], ids or w["not_recorded"]],
            [w["model_numbers"], numbers or w["not_recorded"]]]
    if lang == "zh":
        rows.append([w["name_zh"], escape_inline(device.name_zh) if device.name_zh else w["not_recorded"]])
    return rows


def field_source_lines(device: Device, lang: str) -> list[str]:
    """Which source states which device field, so a reader can check each one; a note on 'not recorded'."""
    w = WORDS[lang]
    shown = [f for f in FIELDS if f in device.field_sources and (f != "name_zh" or lang == "zh")]
    out = [f"*{w['not_recorded_note']}*", ""]
    if not shown:
        return out
    titles = {s.url: s.title for s in device.sources}
    out += [f"**{w['field_sources']}**", ""]
    for name in shown:
        links = ", ".join(f"[{escape_inline(titles.get(url, url))}]({url})" for url in device.field_sources[name])
        out.append(f"- {w[name]}: {links}")
    return out + [""]


def check_button(device: Device, lang: str) -> list[str]:
    href = f"../../browser/?device={escape_html(device.id)}"
    return [f'<p><a class="md-button md-button--primary ane-check-device" href="{href}">'
            f'{escape_html(WORDS[lang]["check"])}</a></p>', ""]


def device_rules(kb: KnowledgeBase, device: Device, lang: str, labels: dict[str, str]) -> list[str]:
    usable = kb.coreml_can_use_ane(device)
    return _rules(kb, for_device(kb, device), len(device.chips), usable, "device", lang, labels)


def chip_rules(kb: KnowledgeBase, chip: Chip, lang: str, labels: dict[str, str]) -> list[str]:
    return _rules(kb, for_chips(kb, (chip,)), 1, chip.coreml_can_use_ane, "chip", lang, labels)


def _rules(kb: KnowledgeBase, found: list[Applicable], chip_count: int, usable: bool, what: str, lang: str,
           labels: dict[str, str]) -> list[str]:
    w = WORDS[lang]
    out = [f"## {w['rules' if what == 'device' else 'chip_rules']}", ""]
    if not usable:
        return out + [w["no_rules"], ""]
    out += [w["rules_intro"].format(what=w[what]), ""]
    names = {c.ref: c.title.text(lang) for c in kb.chips}
    for effect, items in by_effect(found).items():
        title = w["effects"].get(effect) or vocab_labels.label("effect", effect, lang).capitalize()
        out += [f"### {title} ({len(items)})", ""]
        for item in items:
            notes = []
            if item.persistence is not None and item.persistence.state in ("assumed", "between"):
                notes.append(w[item.persistence.state])
            if chip_count > 1 and len(item.chips) < chip_count:
                notes.append(w["only"].format(chips=", ".join(escape_inline(names.get(c, c)) for c in item.chips)))
            suffix = f" — {'; '.join(notes)}" if notes else ""
            out.append(f"- {link(item.rule.ref, item.rule.title.text(lang))} "
                       f"{badge(item.rule.confidence, labels[item.rule.confidence])}{suffix}")
        out.append("")
    return out
