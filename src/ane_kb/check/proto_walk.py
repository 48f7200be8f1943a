"""The messages of one type nested in a protobuf message: singular fields, set oneof members, repeated fields and
map values.

The walk is iterative, so a deeply nested spec cannot exhaust Python's recursion limit, and it works the same
with the C (upb) and the pure-Python protobuf runtimes: it asks each value what it is instead of reading
descriptor labels, which newer protobuf releases no longer expose. It enters only fields whose type can hold the
type looked for, which each message type's descriptor says once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_REACHES: dict[tuple[str, str, frozenset[str]], bool] = {}
_FIELDS: dict[tuple[Any, str, frozenset[str]], tuple[bool, bool, bool]] = {}


def messages_of_type(message: Any, type_name: str, stop: frozenset[str] = frozenset()) -> Iterator[tuple[str, Any]]:
    """(field path, message) for every `type_name` message below `message`, depth first, without entering the
    messages whose type cannot hold one (a layer's tensors, its parameters without weights). A message whose type
    is in `stop` is not entered (e.g. the networks inside a loop layer, which are walked as layers)."""
    stack: list[tuple[str, Any]] = [("", message)]
    while stack:
        prefix, current = stack.pop()
        found: list[tuple[str, Any, bool]] = []
        for descriptor, value in current.ListFields():
            key = (descriptor, type_name, stop)
            known = _FIELDS.get(key)
            if known is None:
                known = _FIELDS[key] = _field(descriptor, type_name, stop)
            mapped, inside, wanted = known
            if not wanted:
                continue
            name = prefix + descriptor.name
            if mapped:
                found += [(f"{name}[{key!r}]", value[key], inside) for key in sorted(value)]
            elif hasattr(value, "ListFields"):
                found.append((name, value, inside))
            else:
                found += [(f"{name}[{i}]", item, inside) for i, item in enumerate(value)]
        for path, item, _ in found:
            if item.DESCRIPTOR.name == type_name:
                yield path, item
        stack += [(path + ".", item) for path, item, inside in reversed(found) if inside]


def _field(descriptor: Any, type_name: str, stop: frozenset[str]) -> tuple[bool, bool, bool]:
    """(a map field, its messages can hold the type below them, the walk wants it at all) for a field."""
    kind, mapped = descriptor.message_type, False
    if kind is not None and kind.GetOptions().map_entry:
        kind, mapped = kind.fields_by_name["value"].message_type, True
    if kind is None:
        return mapped, False, False
    inside = _inside(kind, type_name, stop)
    return mapped, inside, inside or kind.name == type_name


def _inside(kind: Any, type_name: str, stop: frozenset[str]) -> bool:
    """Whether a message of this type, not in `stop`, can hold a `type_name` message below it."""
    key = (kind.full_name, type_name, stop)
    if key not in _REACHES:
        _REACHES[key] = _contains(kind, type_name, stop, set())
    return _REACHES[key]


def _contains(kind: Any, type_name: str, stop: frozenset[str], seen: set[str]) -> bool:
    """A depth-first search of the field types below `kind`; `seen` cuts cycles (a NeuralNetwork's layers hold
    networks), which is why only whole searches are remembered."""
    if kind.name in stop or kind.full_name in seen:
        return False
    seen.add(kind.full_name)
    for field in kind.fields:
        inner = field.message_type
        if inner is not None and inner.GetOptions().map_entry:
            inner = inner.fields_by_name["value"].message_type
        if inner is not None and (inner.name == type_name or _contains(inner, type_name, stop, seen)):
            return True
    return False
