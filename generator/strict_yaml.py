"""Strict, safe YAML loading that keeps the line and column of every key and value.

libyaml parses and composes the node tree; this module builds the Python data itself, so it
can refuse tags, anchors, aliases and duplicate keys, keep dates as strings, and say where
YAML 1.1's implicit typing would surprise an author.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_SUSPECT = re.compile(r"[&*!]")
_BOOL_WORDS = {"true": True, "false": False}
MAX_DEPTH = 64  # no record nests deeper than a dozen levels; a deeper value is a mistake or an attack
MAX_DIGITS = 30  # integers in records are counts, years and sizes

Path = tuple[Any, ...]


class YamlError(Exception):
    """The document cannot be loaded at all."""

    def __init__(self, line: int, col: int, check: str, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.check, self.message = line, col, check, message


@dataclass(frozen=True)
class Remark:
    """A surprise in an otherwise loadable document: the data is kept, the author is told."""

    line: int
    col: int
    check: str
    message: str


@dataclass
class Document:
    """Loaded data plus the node tree it came from, kept to find positions on demand."""

    data: Any
    root: yaml.Node | None = None
    remarks: list[Remark] = field(default_factory=list)

    def _nodes(self, path: Path) -> tuple[yaml.Node | None, yaml.Node | None, int]:
        """(key node, value node) of the deepest part of `path` that exists, and its depth."""
        key_node, node, depth = None, self.root, 0
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            key_node, node = child
            depth += 1
        return key_node, node, depth

    def locate(self, path: Path, key: bool = False) -> tuple[int, int]:
        """Line and column of `path` (its key if asked), or of its closest existing parent."""
        key_node, node, depth = self._nodes(tuple(path))
        if key and key_node is not None and depth == len(path):
            return _mark(key_node)
        return _mark(node) if node is not None else (1, 1)

    def raw(self, path: Path) -> str | None:
        """The text as written of a scalar that was not read as a string, else None."""
        _, node, depth = self._nodes(tuple(path))
        if depth == len(path) and isinstance(node, yaml.ScalarNode) and node.tag != _TAG + "str":
            return str(node.value)
        return None


def _child(node: yaml.Node | None, part: Any) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == part:
                return key_node, value_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _error_at(exc: yaml.YAMLError) -> tuple[int, int]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _describe(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    return f"{context}: {problem}" if context else str(problem)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _refuse_unsafe_events(text: str) -> None:
    """Refuse anchors, aliases and explicit tags before anything is built from them."""
    for event in yaml.parse(text, Loader=_LOADER):
        line, col = event.start_mark.line + 1, event.start_mark.column + 1
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(line, col, "yaml-safety",
                            f"alias '*{event.anchor}' is not allowed; write the value out in full")
        if getattr(event, "anchor", None):
            raise YamlError(line, col, "yaml-safety",
                            f"anchor '&{event.anchor}' is not allowed; records may not share values")
        if getattr(event, "tag", None):
            raise YamlError(line, col, "yaml-safety",
                            f"tag '{_short_tag(event.tag)}' is not allowed; records use plain YAML values only")


def load(text: str) -> Document:
    """Load one YAML document strictly. Raises YamlError when it cannot be loaded."""
    if _SUSPECT.search(text):
        try:
            _refuse_unsafe_events(text)
        except yaml.YAMLError as exc:
            raise YamlError(*_error_at(exc), "yaml-syntax", _describe(exc)) from None
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise YamlError(*_error_at(exc), "yaml-syntax", _describe(exc)) from None
    doc = Document(data=None, root=node)
    if node is not None:
        doc.data = _Builder(doc).build(node)
    return doc


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.depth = 0

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.tag == _STR else self._scalar(node)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise YamlError(*_mark(node), "yaml-safety", f"values are nested more than {MAX_DEPTH} levels deep")
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node)
            return [self.build(item) for item in node.value]
        finally:
            self.depth -= 1

    def _mapping(self, node: yaml.MappingNode) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_at: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                raise YamlError(*_mark(key_node), "yaml-safety", "merge keys ('<<') are not allowed")
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(*_mark(key_node), "yaml-syntax", "a key must be a plain word, not a list or a mapping")
            key = key_node.value
            if key in out:
                first = _mark(first_at[key])[0]
                raise YamlError(*_mark(key_node), "duplicate-key",
                                f"key '{key}' appears twice in the same mapping (first at line {first})")
            first_at[key] = key_node
            out[key] = self.build(value_node)
        return out

    def _remark(self, node: yaml.Node, message: str) -> None:
        self.doc.remarks.append(Remark(*_mark(node), "yaml-typing", message))

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return self._bool(node, text)
        if tag == _TAG + "int":
            return self._int(node, text)
        if tag == _TAG + "float":
            return self._float(node, text)
        if tag == _TAG + "timestamp":
            self._remark(node, f"unquoted date {text} is read as a date object; quote it: \"{text}\"")
            return text
        raise YamlError(*_mark(node), "yaml-safety", f"value {text!r} has a type records cannot hold ({_short_tag(tag)})")

    def _bool(self, node: yaml.ScalarNode, text: str) -> bool:
        lowered = text.lower()
        if lowered in _BOOL_WORDS:
            return _BOOL_WORDS[lowered]
        value = lowered in ("yes", "on")
        self._remark(node, f"unquoted {text} is read as {str(value).lower()}; "
                           f"write {str(value).lower()}, or \"{text}\" if you mean the word")
        return value

    def _int(self, node: yaml.ScalarNode, text: str) -> int:
        """A decimal integer. YAML 1.1's other integer forms (0b101, 0x1f, 017, 1:30, 1_000) are refused: they
        read as numbers an author rarely means (`generation: 0b101` would be 5)."""
        digits = text.lstrip("+-")
        if len(digits) > MAX_DIGITS:
            raise YamlError(*_mark(node), "yaml-typing", f"integer of {len(digits)} digits; records hold at most "
                                                          f"{MAX_DIGITS}-digit numbers")
        if digits.isdigit() and (len(digits) == 1 or not digits.startswith("0")):
            return int(text)
        value = _yaml11_int(text)
        read = f"read as {value}" if value is not None else "not a number"
        self._remark(node, f"{text} is not a decimal integer (YAML 1.1: {read}); write it in decimal, "
                           f"or quote it: \"{text}\"")
        return value if value is not None else 0

    def _float(self, node: yaml.ScalarNode, text: str) -> float:
        lowered = text.replace("_", "").lower()
        if lowered in (".nan",):
            return float("nan")
        if lowered.endswith(".inf"):
            return float("-inf") if lowered.startswith("-") else float("inf")
        if ":" in lowered:
            self._remark(node, f"unquoted {text} is read as a base-60 number; quote it: \"{text}\"")
            return float("nan")
        return float(lowered)


def _yaml11_int(text: str) -> int | None:
    """What YAML 1.1 makes of a non-decimal integer (0b101, 0x1f, 017, 1:30, 1_000), or None if nothing."""
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    try:
        if ":" in digits:
            value = 0
            for part in digits.split(":"):
                value = value * 60 + int(part)
            return sign * value
        if digits[:2] in ("0b", "0x"):
            return sign * int(digits[2:], 2 if digits[1] == "b" else 16)
        return sign * int(digits, 8 if len(digits) > 1 and digits.startswith("0") else 10)
    except ValueError:
        return None
