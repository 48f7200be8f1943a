"""One renderer turns a condition into an English or a Chinese sentence.

The site, the checker and the consumer CLI all use it. It needs only the condition and the
parameter vocabulary of an export, so it works on any export, not just the packaged one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .conditions import operator_of
from .langs import check_lang

_EN = {"eq": "is {v}", "ne": "is not {v}", "lt": "is less than {v}", "le": "is at most {v}",
       "gt": "is greater than {v}", "ge": "is at least {v}", "in": "is one of {v}"}
_ZH = {"eq": "等于 {v}", "ne": "不等于 {v}", "lt": "小于 {v}", "le": "不大于 {v}",
       "gt": "大于 {v}", "ge": "不小于 {v}", "in": "是 {v} 之一"}
_JOIN = {"en": {"all": " and ", "any": " or "}, "zh": {"all": "，且", "any": "，或"}}


def render_condition(condition: Mapping[str, Any] | None, lang: str = "en",
                     parameters: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """The condition as a sentence in `lang` (en or zh). No condition reads as "always"."""
    lang = check_lang(lang)
    if condition is None:
        return "always" if lang == "en" else "总是成立"
    return _node(condition, lang, parameters or {}, top=True)


def _node(node: Mapping[str, Any], lang: str, params: Mapping[str, Mapping[str, Any]], top: bool = False) -> str:
    for key in ("all", "any"):
        if key in node:
            parts = [_node(child, lang, params) for child in node[key]]
            joined = _JOIN[lang][key].join(parts)
            return joined if top or len(parts) == 1 else (f"({joined})" if lang == "en" else f"（{joined}）")
    if "not" in node:
        inner = _node(node["not"], lang, params)
        return f"not ({inner})" if lang == "en" else f"并非（{inner}）"
    return _leaf(node, lang, params)


def _leaf(leaf: Mapping[str, Any], lang: str, params: Mapping[str, Mapping[str, Any]]) -> str:
    name, op = leaf["param"], operator_of(leaf)
    is_list = str(params.get(name, {}).get("type", "")).endswith("_list")
    value = _value(leaf[op], lang)
    if lang == "en":
        subject = f"any entry of `{name}`" if is_list else f"`{name}`"
        return f"{subject} {_EN[op].format(v=value)}"
    subject = f"`{name}` 的任一元素" if is_list else f"`{name}`"
    return f"{subject}{_ZH[op].format(v=value)}"


def _value(value: Any, lang: str) -> str:
    if isinstance(value, list):
        sep = ", " if lang == "en" else "、"
        return sep.join(_value(v, lang) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return f"`{value}`"
    return str(value)
