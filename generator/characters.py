"""Characters a record may not hold, found in the raw text before YAML reads it, each at its line and column.

- control characters (C0 but tab and line breaks, DEL, C1): libyaml refuses them without a useful position;
- bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which make text display
  in another order than it is stored ("Trojan Source");
- mixed line endings: CRLF on some lines and LF on others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
LONE_CR = re.compile("\r(?!\n)")


def _position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def problems(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(line, column, check, message) for every refused character, and for mixed line endings."""
    for match in CONTROL.finditer(text):
        yield (*_position(text, match.start()), "control-character",
               f"control character U+{ord(match.group()):04X} is not allowed; delete it")
    for match in BIDI.finditer(text):
        yield (*_position(text, match.start()), "bidi-override",
               f"bidirectional control U+{ord(match.group()):04X} is not allowed: it makes text display in "
               "another order than it is stored")
    crlf, lf = text.count("\r\n"), text.count("\n") - text.count("\r\n")
    lone = LONE_CR.search(text)
    if lone or (crlf and lf):
        at = lone.start() if lone else _first_minority(text, crlf < lf)
        yield (*_position(text, at), "line-endings",
               "mixed line endings (CRLF and LF, or a lone CR); use LF on every line")


def _first_minority(text: str, crlf_is_minority: bool) -> int:
    for match in re.finditer("\r?\n", text):
        if (match.group() == "\r\n") == crlf_is_minority:
            return match.start()
    return 0
