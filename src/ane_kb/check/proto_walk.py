"""Every message nested in a protobuf message: singular fields, set oneof members, repeated fields and map values.

The walk is iterative, so a deeply nested spec cannot exhaust Python's recursion limit, and it works the same
with the C (upb) and the pure-Python protobuf runtimes: it asks each value what it is instead of reading
descriptor labels, which newer protobuf releases no longer expose.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def nested_messages(message: Any, stop: frozenset[str] = frozenset()) -> Iterator[tuple[str, Any]]:
    """(field path, message) for every message below `message`, depth first. A message whose type is in
    `stop` is yielded but not entered (e.g. the networks inside a loop layer, which are walked as layers)."""
    stack: list[tuple[str, Any]] = [("", message)]
    while stack:
        prefix, current = stack.pop()
        found = []
        for descriptor, value in current.ListFields():
            kind = descriptor.message_type
            if kind is None:
                continue
            name = prefix + descriptor.name
            if kind.GetOptions().map_entry:
                if kind.fields_by_name["value"].message_type is None:
                    continue
                found += [(f"{name}[{key!r}]", value[key]) for key in sorted(value)]
            elif hasattr(value, "ListFields"):
                found.append((name, value))
            else:
                found += [(f"{name}[{i}]", item) for i, item in enumerate(value)]
        for path, item in found:
            yield path, item
        for path, item in reversed(found):
            if item.DESCRIPTOR.name not in stop:
                stack.append((path + ".", item))
