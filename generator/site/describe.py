"""Record fields in words: applicability, observations, effects, examples."""

from __future__ import annotations

from ane_kb import KnowledgeBase
from ane_kb.persistence import is_restriction, names, spans
from ane_kb.records import Applicability, Effect, Example, Observation, Rule

from .safe_markdown import escape_inline
from .words import EFFECTS, PLATFORMS, TARGETS, W


def os_range(platform: str, low: str | None, high: str | None, lang: str) -> str:
    name = PLATFORMS.get(platform, platform)
    if low and high:
        return f"{name} {low}–{high}"
    if low:
        return f"{name} {low}+" if lang == "en" else f"{name} {low} 及以上"
    return f"{name} ≤ {high}" if lang == "en" else f"{name} {high} 及以下"


def applicability(applies: Applicability, chip_names: dict[str, str], lang: str) -> list[str]:
    """One line per filter, or a single "everywhere" line."""
    w = W[lang]
    lines = []
    if applies.chips:
        lines.append(f"{w['chips']}: " + ", ".join(chip_names.get(c, c) for c in applies.chips))
    low, high = applies.ane_generation
    if low is not None or high is not None:
        if low is not None and high is not None:
            span = f"{low}–{high}" if low != high else f"{low}"
        elif low is not None:
            span = f"≥ {low}"
        else:
            span = f"≤ {high}"
        lines.append(f"{w['generations']}: {span}")
    if applies.os:
        lines.append(f"{w['os']}: " + ", ".join(os_range(p, lo, hi, lang) for p, (lo, hi) in sorted(applies.os.items())))
    if applies.formats:
        lines.append(f"{w['formats']}: " + ", ".join(f"`{f}`" for f in applies.formats))
    if applies.framework:
        lines.append(f"{w['framework']}: `{applies.framework}`")
    return lines or [w["everywhere"]]


def observation(obs: Observation, chip_names: dict[str, str], lang: str) -> str:
    w = W[lang]
    parts = []
    if obs.lifts:
        parts.append(w["lift"])
    if obs.chips:
        parts.append(", ".join(chip_names.get(c, c) for c in obs.chips))
    low, high = obs.ane_generation
    if high is not None:
        parts.append(w["generations_span"].format(span=f"{low}–{high}" if low else f"≤ {high}"))
    if obs.os:
        parts.append(", ".join(f"{PLATFORMS.get(p, p)} {v}" for p, v in sorted(obs.os.items())))
    if obs.tools:
        parts.append(", ".join(f"{escape_inline(t)} {v}" for t, v in sorted(obs.tools.items())))
    if obs.date:
        parts.append(f"{w['date']} {obs.date}")
    text = "; ".join(parts) or "—"
    if obs.note:
        text += f" ({escape_inline(obs.note.text(lang))})"
    if obs.source:
        text += f" — [{w['source']}]({obs.source})"
    return text


POLICY = {
    "en": {"seen": "Observed restricted on {seen}.", "lifted": "Lifted on {lifted}: the op was seen on the ANE there, "
           "so the checker reports nothing from that engine on, and a warning for engines in between.",
           "assumed": "No observation lifts it, so it is assumed to hold on newer engines."},
    "zh": {"seen": "在 {seen} 上观察到这项限制。", "lifted": "已在 {lifted} 上解除：在那里观察到该算子运行于神经引擎，"
           "因此检查器对这一代及更新的引擎不再报告，对介于两者之间的引擎给出警告。",
           "assumed": "目前没有观察表明它已解除，因此推定它在更新的神经引擎上仍然成立。"},
}


def persistence(rule: Rule, kb: KnowledgeBase, lang: str) -> str:
    """The persistence policy for a rule page: where the restriction was seen, and where it was seen lifted."""
    if not is_restriction(rule):
        return ""
    restricted, lifts = spans(rule.observed_on, kb.chips)
    if not restricted and not lifts:
        return ""
    labels, words = kb.vocab.get("ane_generations", {}), POLICY[lang]
    text = [words["seen"].format(seen=escape_inline(names(tuple(restricted), kb.chips, labels, lang)))] if restricted else []
    if lifts:
        text.append(words["lifted"].format(lifted=escape_inline(names((min(lifts),), kb.chips, labels, lang))))
    else:
        text.append(words["assumed"])
    return ("" if lang == "zh" else " ").join(text)


def effect(value: Effect | None, lang: str) -> str:
    if value is None:
        return ""
    text = EFFECTS[lang].get(value.kind, value.kind)
    if value.to and value.kind != "prefers-cpu":
        targets = (" / " if lang == "zh" else " or ").join(TARGETS[lang].get(t, t) for t in value.to)
        text += f" {W[lang]['to']} {targets}" if lang == "en" else f"，{W[lang]['to']} {targets}"
    if value.whole_model:
        text += f" ({W[lang]['whole_model']})" if lang == "en" else f"（{W[lang]['whole_model']}）"
    return text


def example_row(example: Example, lang: str) -> list[str]:
    params = ", ".join(f"`{k}={_value(v)}`" for k, v in example.params.items()) or "—"
    return [f"`{example.format}`", f"`{example.op}`" if example.op else "—", params, W[lang][example.expect]]


def _value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value).replace("`", "")
