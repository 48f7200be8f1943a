"""Wrap mixed English and Chinese text to a number of terminal columns.

`textwrap` counts characters and breaks only at spaces, so Chinese text (two columns a character, no spaces)
came out either too wide or cut at half the width. Here a line may break at a space or between two characters
where one is wide, never before closing punctuation or after opening punctuation, and never inside a comparison
such as `epsilon: 5.96046e-08 < 1e-07`. A piece longer than the line stays whole (a URL, a rule id).
"""

from __future__ import annotations

import unicodedata

COMPARISONS = frozenset({"<", "≤", ">", "≥", "=", "≠"})
NO_LINE_START = frozenset("，。、：；！？）」』】》〉”’,.:;!?)]}%")
NO_LINE_END = frozenset("（「『【《〈“‘([{")


def columns(text: str) -> int:
    """Display width: East Asian wide and full-width characters take two columns."""
    return sum(2 if _wide(ch) else 1 for ch in text)


def wrap(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """`text` as lines of at most `width` columns, indents included; whitespace runs become one space."""
    rest = first if rest is None else rest
    lines: list[str] = []
    line, used = first, columns(first)
    empty = True
    for unit, spaced in _units(text):
        size = columns(unit) + (1 if spaced and not empty else 0)
        if not empty and used + size > width:
            lines.append(line)
            line, used, empty = rest, columns(rest), True
            size = columns(unit)
        line += (" " if spaced and not empty else "") + unit
        used += size
        empty = False
    lines.append(line)
    return lines


def _units(text: str) -> list[tuple[str, bool]]:
    """(piece, preceded by a space) for every piece a line may break before."""
    units: list[tuple[str, bool]] = []
    for word in text.split():
        for index, piece in enumerate(_pieces(word)):
            if index == 0 and units and _wide(piece[0]) and piece[0] in NO_LINE_START:
                units[-1] = (f"{units[-1][0]} {piece}", units[-1][1])  # `，` after a space stays on its line
            else:
                units.append((piece, index == 0))
    return _glued(units)


def _glued(units: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The units, each comparison joined with the values on either side of it and with a label (`epsilon:`)
    just before it."""
    out: list[tuple[str, bool]] = []
    glued = False
    index = 0
    while index < len(units):
        unit, spaced = units[index]
        following = units[index + 1] if index + 1 < len(units) else None
        if unit in COMPARISONS and spaced and out and following is not None and following[1]:
            left, left_spaced = out.pop()
            if not glued and left_spaced and out and out[-1][0].endswith(":"):
                label, left_spaced = out.pop()
                left = f"{label} {left}"
            out.append((f"{left} {unit} {following[0]}", left_spaced))
            glued = True
            index += 2
            continue
        out.append((unit, spaced))
        glued = False
        index += 1
    return out


def _pieces(word: str) -> list[str]:
    """A word cut where a line may break inside it: beside a wide character, unless punctuation forbids it."""
    pieces = [word[:1]]
    for before, char in zip(word, word[1:]):
        if _breakable(before, char):
            pieces.append(char)
        else:
            pieces[-1] += char
    return pieces


def _breakable(before: str, char: str) -> bool:
    if char in NO_LINE_START or before in NO_LINE_END or before == " " or char == " ":
        return False
    return _wide(before) or _wide(char)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"
