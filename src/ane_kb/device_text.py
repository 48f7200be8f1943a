"""What `ane-kb device` adds to a device's name and chips: the engine's facts and the rules that apply,
grouped by effect (the same list as the device's page)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import labels as vocab_labels
from .device_rules import Applicable, by_effect

if TYPE_CHECKING:
    from .knowledge import KnowledgeBase
    from .records import Device

_WORDS = {
    "en": {"generation": "ANE generation", "cores": "ANE cores", "peak": "Peak", "os": "OS",
           "machine_ids": "Machine identifiers", "model_numbers": "Model numbers", "none": "not recorded",
           "name_zh": "Apple's Chinese name",
           "rules": "Rules that apply ({n})", "no_rules": "No layer rule applies: Core ML cannot use an ANE here.",
           "assumed": "assumed to hold on this newer engine", "between": "uncertain here", "only": "only on",
           "general": "general facts"},
    "zh": {"generation": "神经引擎代际", "cores": "神经引擎核心数", "peak": "峰值算力", "os": "系统",
           "machine_ids": "机型标识符", "model_numbers": "型号", "none": "未记录",
           "name_zh": "Apple 中文名称",
           "rules": "适用的规则（{n} 条）", "no_rules": "没有层规则适用：Core ML 在此无法使用神经引擎。",
           "assumed": "推定在这一更新的引擎上仍然成立", "between": "此处不确定", "only": "仅限",
           "general": "一般事实"},
}


def device_facts(kb: KnowledgeBase, device: Device) -> dict[str, Any]:
    """Generation, cores and rated operations per chip, OS range, machine identifiers, model numbers, Apple's
    Chinese name, and the sources of each of those fields (a field no source gives is empty)."""
    chips = [{"chip": c.ref, "generation": c.ane.generation if c.ane else None, "cores": c.ane.cores if c.ane else None,
              "peak_ops": [{"value": p.value, "unit": p.unit, "basis": p.basis} for p in c.peak_ops]}
             for c in device.chips]
    return {"engines": chips, "os": {p: {"min": lo, "max": hi} for p, (lo, hi) in device.os.items()},
            "machine_ids": list(device.machine_ids), "model_numbers": list(device.model_numbers),
            "name_zh": device.name_zh,
            "field_sources": {name: list(urls) for name, urls in device.field_sources.items()}}


def device_rules_text(kb: KnowledgeBase, device: Device, found: list[Applicable], lang: str) -> str:
    w = _WORDS[lang]
    facts = device_facts(kb, device)
    labels = kb.vocab.get("ane_generations", {})
    lines = []
    for chip in facts["engines"]:
        gen = chip["generation"]
        label = labels.get(str(gen), {}).get("label", {}).get(lang, "") if gen else ""
        peak = ", ".join(f"{p['value']:g} {p['unit']} ({vocab_labels.label('basis', p['basis'], lang)})"
                         for p in chip["peak_ops"]) or w["none"]
        lines.append(f"{chip['chip']}: {w['generation']} {gen or '—'}" + (f" ({label})" if label else "")
                     + f"; {w['cores']} {chip['cores'] or '—'}; {w['peak']} {peak}")
    os = ", ".join(f"{p} {v['min'] or ''}–{v['max'] or ''}" for p, v in sorted(facts["os"].items()))
    lines += [f"{w['os']}: {os or w['none']}", f"{w['machine_ids']}: {', '.join(facts['machine_ids']) or w['none']}",
              f"{w['model_numbers']}: {', '.join(facts['model_numbers']) or w['none']}",
              f"{w['name_zh']}: {facts['name_zh'] or w['none']}", ""]
    if not found:
        return "\n".join(lines + [w["no_rules"]])
    lines.append(w["rules"].format(n=len(found)))
    for effect, items in by_effect(found).items():
        lines.append(f"  {vocab_labels.label('effect_short', effect, lang) if effect != 'none' else w['general']}:")
        for item in items:
            notes = [w[item.persistence.state]] if item.persistence and item.persistence.state in ("assumed", "between") else []
            if len(item.chips) < len(device.chips):
                notes.append(f"{w['only']} {', '.join(item.chips)}")
            lines.append(f"    {item.rule.ref} [{vocab_labels.confidence(item.rule.confidence, lang)}]" + (f" ({'; '.join(notes)})" if notes else ""))
    return "\n".join(lines)
