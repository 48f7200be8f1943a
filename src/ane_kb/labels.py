"""Labels of the vocabulary values in English and Chinese: confidence levels, effects, device types, chip
families, peak-ops bases, compute units, how-to topics and tags. The site, the CLI and the checker's text all
use these, so that a zh page or `--lang zh` output never shows a raw value such as `disputed` or `a-series`.

The confidence labels repeat kb/_vocab/confidence.yaml (a test keeps them equal), because the check report is
rendered without the vocabulary at hand. Tag labels come from the KB's own vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CONFIDENCE = {
    "en": {"confirmed": "Confirmed", "likely": "Likely", "speculative": "Speculative", "anecdotal": "Anecdotal",
           "disputed": "Disputed"},
    "zh": {"confirmed": "已证实", "likely": "很可能", "speculative": "推测", "anecdotal": "个例", "disputed": "有争议"},
}
EFFECTS = {
    "en": {"falls-back": "falls back", "may-fall-back": "may fall back", "runs-on-ane": "runs on the ANE",
           "slows-on-ane": "runs on the ANE with overhead", "loses-precision": "loses precision",
           "fails-to-compile": "fails to compile",
           "prefers-cpu": "the scheduler may prefer the CPU (a cost-model choice, not a restriction)"},
    "zh": {"falls-back": "回退", "may-fall-back": "可能回退", "runs-on-ane": "可在神经引擎上运行",
           "slows-on-ane": "可在神经引擎上运行，但有额外开销", "loses-precision": "损失精度", "fails-to-compile": "编译失败",
           "prefers-cpu": "调度器可能优先选择 CPU（出于代价估算，并非限制）"},
}
# The short form, for table cells and facet menus.
EFFECTS_SHORT = {
    "en": {**EFFECTS["en"], "prefers-cpu": "may prefer the CPU"},
    "zh": {**EFFECTS["zh"], "prefers-cpu": "可能优先选择 CPU"},
}
DEVICE_TYPES = {
    "en": {"iphone": "iPhone", "ipad": "iPad", "ipod": "iPod", "mac": "Mac", "watch": "Apple Watch", "tv": "Apple TV",
           "vision": "Vision", "display": "display", "speaker": "speaker", "dev-kit": "developer kit"},
    "zh": {"iphone": "iPhone", "ipad": "iPad", "ipod": "iPod", "mac": "Mac", "watch": "Apple Watch", "tv": "Apple TV",
           "vision": "Vision", "display": "显示器", "speaker": "音箱", "dev-kit": "开发者套件"},
}
FAMILIES = {
    "en": {"a-series": "A-series", "m-series": "M-series", "s-series": "S-series", "intel": "Intel"},
    "zh": {"a-series": "A 系列", "m-series": "M 系列", "s-series": "S 系列", "intel": "Intel"},
}
BASIS = {
    "en": {"fp16": "fp16", "int8": "int8", "unknown": "precision not stated"},
    "zh": {"fp16": "fp16", "int8": "int8", "unknown": "未注明精度"},
}
UNITS = {
    "en": {"ane": "ANE", "gpu": "GPU", "cpu": "CPU", "any": "any unit"},
    "zh": {"ane": "神经引擎", "gpu": "GPU", "cpu": "CPU", "any": "任意计算单元"},
}
TOPICS = {
    "en": {"why-ane": "Why the ANE", "compute-units": "Compute units", "run-on-ane": "Running on the ANE",
           "prevent-ane": "Keeping a model off the ANE", "detect-ane": "Finding out where a model runs",
           "model-surgery": "Model surgery", "internals": "Internals", "reverse-engineering": "Reverse engineering",
           "performance": "Performance", "deployment": "Deployment"},
    "zh": {"why-ane": "为什么用神经引擎", "compute-units": "计算单元", "run-on-ane": "在神经引擎上运行",
           "prevent-ane": "不让模型使用神经引擎", "detect-ane": "查明模型在哪里运行", "model-surgery": "模型手术",
           "internals": "内部机制", "reverse-engineering": "逆向工程", "performance": "性能", "deployment": "部署"},
}
TABLES: dict[str, dict[str, dict[str, str]]] = {
    "confidence": CONFIDENCE, "effect": EFFECTS, "device_type": DEVICE_TYPES, "family": FAMILIES, "basis": BASIS,
    "unit": UNITS, "topic": TOPICS, "effect_short": EFFECTS_SHORT,
}


def label(table: str, value: str, lang: str) -> str:
    """The label of one vocabulary value; an unknown value is shown as it is."""
    return TABLES[table].get(lang, TABLES[table]["en"]).get(value, value)


def confidence(value: str, lang: str) -> str:
    return label("confidence", value, lang)


def tag(vocab: Mapping[str, Any], name: str, lang: str) -> str:
    """A tag's label from the KB's vocabulary (`kb.vocab`), or the tag itself when the vocabulary lacks it."""
    entry = (vocab.get("tags") or {}).get(name) or {}
    return str(entry.get(lang) or name)
