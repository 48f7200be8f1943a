"""Text from a model, made safe to print: control and bidirectional-override characters become escapes.

A layer named "a\\r\\nERRORS (0)" must not print a fake header, and a right-to-left override must not turn
the rest of a line around. Everything else, Chinese included, is left as it is.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the line and paragraph separators, and the bidirectional marks, embeddings,
# overrides and isolates (U+061C, U+200E-200F, U+202A-202E, U+2066-2069).
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every unsafe character written as a backslash escape (\\x0d, \\u202e)."""
    return UNSAFE.sub(_escape, text)


def shown_path(path: str) -> str:
    """A path as given on the command line, readable as text: bytes that are not UTF-8 (kept by Python as
    surrogate escapes) are written as \\xff."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
