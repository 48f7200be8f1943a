"""Both languages are present: Chinese in zh, none in en, and not swapped.

A title may be a proper name written the same in both languages (`A14 Bionic`), so only
titles are exempt from needing Chinese in zh.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..kb import Entry
from ..problems import Problem
from .context import Context

NAME = "languages"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CODE = re.compile(r"`[^`]*`")
_EXEMPT_KEYS = {"title", "label"}
_HAN_GAP = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef] +[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


def has_chinese(text: str) -> bool:
    return bool(HAN.search(_CODE.sub("", text)))


def check(ctx: Context) -> Iterator[Problem]:
    for entry in [*ctx.kb.records, *ctx.kb.tombstones]:
        yield from _check_texts(ctx, entry)
    tags = ctx.kb.vocab.get("tags")
    if tags is not None:
        yield from _check_texts(ctx, tags)


def _check_texts(ctx: Context, entry: Entry) -> Iterator[Problem]:
    for path, value in ctx.flat(entry):
        if isinstance(value, dict) and ("en" in value or "zh" in value) and _is_text_slot(path, value):
            yield from _check_pair(entry, path, value)


def _is_text_slot(path: tuple[Any, ...], value: dict[str, Any]) -> bool:
    return set(value) <= {"en", "zh"} and all(isinstance(v, (str, type(None))) for v in value.values())


def _check_pair(entry: Entry, path: tuple[Any, ...], pair: dict[str, Any]) -> Iterator[Problem]:
    en, zh = pair.get("en"), pair.get("zh")
    for lang, text in (("en", en), ("zh", zh)):
        if text is None or (isinstance(text, str) and not text.strip()):
            yield entry.problem(NAME, f"the {'English' if lang == 'en' else 'Chinese'} text ({lang}) is missing or empty",
                                path + (lang,) if lang in pair else path)
    if not (isinstance(en, str) and isinstance(zh, str) and en.strip() and zh.strip()):
        return
    en_cn, zh_cn = has_chinese(en), has_chinese(zh)
    exempt = bool(path) and path[-1] in _EXEMPT_KEYS or _is_label(path)
    if en_cn and not zh_cn and not exempt:
        yield entry.problem(NAME, "en and zh look swapped: the en text is Chinese and the zh text is not", path + ("en",))
    elif en_cn:
        yield entry.problem(NAME, "the en text contains Chinese characters", path + ("en",))
    elif not zh_cn and not exempt:
        yield entry.problem(NAME, "the zh text has no Chinese in it", path + ("zh",))
    if _HAN_GAP.search(_CODE.sub("x", zh)):
        yield entry.problem(NAME, "the zh text has a space between two Chinese characters; a folded (>) or wrapped "
                                  "line becomes a space: keep each zh paragraph on one line", path + ("zh",))


def _is_label(path: tuple[Any, ...]) -> bool:
    return len(path) == 2 and path[0] == "tags"
