"""The Chinese text follows the terminology table of kb/_vocab/glossary.yaml.

A *text* is one record's Chinese: its zh fields in file order (title, summary, body, then the rest).
Each zh text of a vocabulary or a tombstone is a text of its own, checked for the avoided forms only.
Code spans, fenced code, link targets and URLs are never checked. For each term of the table:

- an `avoid` form is an error in running text. A Latin form with `word: true` matches only as a
  whole word, so it stays allowed inside longer names (ANECompiler, ANE1, ml-ane-transformers),
  and in the multi-word `names` the table lists;
- the avoided form may stand inside `introduce` (神经引擎（ANE）) once: in the text's first
  occurrence of that phrase;
- `first_use`: the first of the `mentions` in a text must be written this way (半精度（fp16）).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ..kb import Entry
from ..problems import Problem
from .context import Context

NAME = "zh-terms"
_FENCE = re.compile(r"```.*?(?:```|$)", re.S)
_CODE = re.compile(r"`[^`\n]*`")
_LINK_TARGET = re.compile(r"\]\(\s*<?[^)\s>]*>?\s*\)")
_URL = re.compile(r"https?://[^\s)\]>，。；、）]+")
_WORD = "A-Za-z0-9_"


@lru_cache(maxsize=8192)  # each text is read once for every row of the table
def running_text(text: str) -> str:
    """The text with code, link targets and URLs blanked out (same length, so offsets still hold)."""
    for pattern in (_FENCE, _CODE, _LINK_TARGET, _URL):
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _literal(text: str, word: bool, names: bool = True) -> str:
    """A regex for `text`; as a whole `word`, and with `names` not inside a longer name either
    (ANE-Bench, Foo.ANE): a hyphen or dot between Latin letters joins a name."""
    body = re.escape(text)
    if not word:
        return body
    if not names:
        return rf"(?<![{_WORD}]){body}(?![{_WORD}])"
    return rf"(?<![{_WORD}])(?<![A-Za-z0-9][-.]){body}(?![{_WORD}])(?![-.][A-Za-z0-9])"


@dataclass(frozen=True)
class Avoid:
    regex: re.Pattern[str]
    shown: str
    literal: bool
    word: bool = False


@dataclass(frozen=True)
class Term:
    preferred: str
    avoid: tuple[Avoid, ...]
    introduce: str
    names: tuple[str, ...]
    first_use: str
    mentions: re.Pattern[str] | None


def _term(item: dict[str, Any]) -> Term:
    """One row of the table; raises re.error or ValueError on a bad pattern."""
    avoid = []
    for form in item.get("avoid") or []:
        if "pattern" in form:
            avoid.append(Avoid(re.compile(form["pattern"]), str(form["pattern"]), False))
        else:
            avoid.append(Avoid(re.compile(_literal(form["text"], bool(form.get("word")))), form["text"], True, bool(form.get("word"))))
    mentions = None
    if item.get("mentions"):
        words = sorted((str(m) for m in item["mentions"]), key=len, reverse=True)
        mentions = re.compile("|".join(_literal(w, w.isascii(), names=False) for w in words), re.I)
    return Term(str(item["preferred"]), tuple(avoid), str(item.get("introduce") or ""),
                tuple(str(n) for n in item.get("names") or ()), str(item.get("first_use") or ""), mentions)


def table(ctx: Context) -> tuple[list[Term], list[Problem]]:
    """The terminology table, and a problem for each row whose pattern does not compile."""
    entry = ctx.kb.vocab.get("glossary")
    rows = entry.data.get("terminology") if entry is not None else None
    terms: list[Term] = []
    problems: list[Problem] = []
    if entry is None or not isinstance(rows, list):
        return terms, problems
    for i, item in enumerate(rows):
        if not isinstance(item, dict) or not isinstance(item.get("preferred"), str):
            continue
        try:
            terms.append(_term(item))
        except (re.error, KeyError, TypeError) as exc:
            problems.append(entry.problem(NAME, f"terminology row '{item['preferred']}' has a pattern that does not "
                                                f"compile ({exc})", ("terminology", i)))
    return terms, problems


def zh_fields(entry: Entry, ctx: Context) -> list[tuple[tuple[Any, ...], str]]:
    """The record's Chinese texts in file order."""
    return [(path, value) for path, value in ctx.flat(entry)
            if path and path[-1] == "zh" and isinstance(value, str)]


def _spans(needle: str, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text)] if needle else []


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    return next(((a, b) for a, b in spans if a <= start and end <= b), None)


def _snippet(text: str, start: int, end: int) -> str:
    return "…" + text[max(0, start - 8):end + 8].replace("\n", " ").strip() + "…"


def check_text(term: Term, fields: list[tuple[tuple[Any, ...], str]]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, message) for each place in one record's Chinese that breaks the term's rules."""
    introduced = False  # has the text already used its one introduction (神经引擎（ANE）)?
    mentioned = False  # has the text already mentioned a first_use term?
    for path, raw in fields:
        text = running_text(raw)
        intro = _spans(term.introduce, text)
        names = [s for n in term.names for s in _spans(n, text)]
        for form in term.avoid:
            for m in form.regex.finditer(text):
                if _inside(m.start(), m.end(), names):
                    continue
                shown = form.shown if form.literal else m.group(0)
                span = _inside(m.start(), m.end(), intro)
                if span is not None:
                    if not introduced and span == intro[0]:
                        continue
                    yield path, (f"'{shown}' is introduced only once, as the first {term.introduce} of a text; "
                                 f"write {term.preferred} here ({_snippet(raw, m.start(), m.end())})")
                    continue
                allowed = "" if not form.word else " (it stays allowed in code, names and links" + \
                    (f", and once as {term.introduce})" if term.introduce else ")")
                yield path, (f"'{shown}' in Chinese text: write {term.preferred}{allowed} "
                             f"({_snippet(raw, m.start(), m.end())})")
        if intro:
            introduced = True
        if term.mentions is not None and not mentioned:
            first = term.mentions.search(text)
            if first is not None:
                mentioned = True
                if _inside(first.start(), first.end(), _spans(term.first_use, text)) is None:
                    yield path, (f"the first mention of {term.preferred} in a text is written {term.first_use} "
                                 f"({_snippet(raw, first.start(), first.end())})")


def check(ctx: Context) -> Iterator[Problem]:
    terms, problems = table(ctx)
    yield from problems
    for entry in ctx.kb.records:
        fields = zh_fields(entry, ctx)
        for term in terms:
            for path, message in check_text(term, fields):
                yield entry.problem(NAME, message, path)
    # Vocabulary texts (labels, notes, parameter descriptions) and tombstone reasons are short and stand
    # alone: each is its own text, and only the avoided forms apply to them.
    others = [e for name, e in ctx.kb.vocab.items() if name != "glossary"]
    others += [*ctx.kb.parameters.values(), *ctx.kb.tombstones]
    forms_only = [replace(term, mentions=None) for term in terms]
    for entry in others:
        for field in zh_fields(entry, ctx):
            for term in forms_only:
                for path, message in check_text(term, [field]):
                    yield entry.problem(NAME, message, path)
