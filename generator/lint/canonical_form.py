"""Records in canonical form (see generator/canonical.py), checked cheaply on the parsed node tree.

Only a record that fails these checks is run through the formatter, to show the diff of what
`python -m generator fix` would change. A warning, never an error.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

import yaml

from .. import canonical
from ..kb import Entry
from ..problems import Problem
from .context import Context

NAME = "canonical-form"
_STR = "tag:yaml.org,2002:str"


def check(ctx: Context) -> Iterator[Problem]:
    formatter: canonical.Formatter | None = None
    for entry in ctx.valid_records():
        assert entry.file.doc is not None
        root = entry.file.doc.root
        if root is None or entry.file.first_line != canonical.schema_line(entry.kind):
            continue  # the schema-line check reports it; fix adds the line and reorders at the same time
        reason = first_difference(root, canonical.record_schema(entry.kind), None, entry.file.text)
        if reason is None:
            continue
        formatter = formatter or canonical.Formatter()
        yield _warning(entry, reason, formatter)


def _warning(entry: Entry, reason: tuple[str, Any], formatter: canonical.Formatter) -> Problem:
    message, node = reason
    try:
        fixed = canonical.canonical_text(entry.file.text, entry.kind, formatter)
        diff = difflib.unified_diff(entry.file.text.splitlines(), fixed.splitlines(), "as written", "canonical",
                                    lineterm="", n=1)
        detail = "\n".join(diff)
    except Exception as exc:  # noqa: BLE001 - the formatter's own failure becomes part of the warning
        detail = f"(the formatter could not produce the diff: {exc.__class__.__name__})"
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    return Problem(entry.file.shown, line, col, NAME, f"{message}; run python -m generator fix {entry.file.shown}",
                   warning=True, detail=detail)


def first_difference(node: yaml.Node, schema: Any, key: Any, text: str) -> tuple[str, Any] | None:
    """Why the node tree is not canonical (with the node to point at), or None."""
    if isinstance(node, yaml.MappingNode):
        keys = [k.value for k, _ in node.value]
        order = canonical.key_order(schema)
        wanted = [k for k in order if k in keys] + [k for k in keys if k not in order]
        if keys != wanted:
            return f"keys are not in the schema's order (expected {', '.join(wanted[:6])}...)", node
        for key_node, value_node in node.value:
            found = first_difference(value_node, canonical.child_schema(schema, key_node.value), key_node.value, text)
            if found:
                return found
        return None
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found = first_difference(item, canonical.child_schema(schema, i), i, text)
            if found:
                return found
        return None
    if node.tag == _STR and canonical.LOOKS_TYPED.match(node.value) and node.style != '"':
        return f"{node.value!r} should be double-quoted", node
    if node.tag == _STR and canonical.needs_fold(key, node.value):
        if node.style != ">" or _longest_folded_line(node, text) > canonical.LINE_LIMIT:
            return "a long English text should be folded (>-) at about 90 characters a line", node
    return None


def _longest_folded_line(node: yaml.ScalarNode, text: str) -> int:
    lines = text[node.start_mark.index:node.end_mark.index].splitlines()[1:]
    return max((len(line.strip()) for line in lines), default=0)
