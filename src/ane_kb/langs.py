"""The two languages of the knowledge base."""

from __future__ import annotations

LANGS: tuple[str, ...] = ("en", "zh")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of: {', '.join(LANGS)}")
    return lang
