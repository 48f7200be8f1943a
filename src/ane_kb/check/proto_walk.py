"""The messages of one type nested in a protobuf message: singular fields, set oneof members, repeated fields and
map values.

The walk is iterative, so a deeply nested spec cannot exhaust Python's recursion limit, and it works the same
with the C (upb) and the pure-Python protobuf runtimes. It asks only about the fields whose type can hold the
type looked for, which each message type's descriptor says once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_REACHES: dict[tuple[str, str, frozenset[str]], bool] = {}
_PLANS: dict[tuple[Any, str, frozenset[str]], tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
SINGLE, REPEATED, MAPPED = range(3)


def messages_of_type(message: Any, type_name: str, stop: frozenset[str] = frozenset()) -> Iterator[tuple[str, Any]]:
    """(field path, message) for every `type_name` message below `message`, depth first, without entering the
    messages whose type cannot hold one (a layer's tensors, its parameters without weights). A message whose type
    is in `stop` is not entered (e.g. the networks inside a loop layer, which are walked as layers)."""
    stack: list[tuple[str, Any]] = [("", message)]
    while stack:
        prefix, current = stack.pop()
        found = _present(current, prefix, _plan(current.DESCRIPTOR, type_name, stop))
        for _, path, item, _ in found:
            if item.DESCRIPTOR.name == type_name:
                yield path, item
        stack += [(path + ".", item) for _, path, item, inside in reversed(found) if inside]


def _present(message: Any, prefix: str, plan: tuple[tuple[Any, ...], tuple[Any, ...]]) -> list[tuple[int, str, Any, bool]]:
    """(field number, path, message, can hold more below) of the wanted fields set in a message, in field-number
    order (as `ListFields` gives them). Only the fields the plan names are asked about: reading every set field of
    a layer's parameters costs more than asking whether its two weight fields are set."""
    fields, oneofs = plan
    found: list[tuple[int, str, Any, bool]] = []
    for number, name, how, inside in fields:
        if how == SINGLE:
            if message.HasField(name):
                found.append((number, prefix + name, getattr(message, name), inside))
        elif how == MAPPED:
            value = getattr(message, name)
            found += [(number, f"{prefix}{name}[{key!r}]", value[key], inside) for key in sorted(value)]
        else:
            found += [(number, f"{prefix}{name}[{i}]", item, inside) for i, item in enumerate(getattr(message, name))]
    for oneof, members in oneofs:
        member = members.get(message.WhichOneof(oneof))
        if member is not None:
            number, name, inside = member
            found.append((number, prefix + name, getattr(message, name), inside))
    if len(found) > 1:
        found.sort(key=lambda entry: entry[0])  # stable: a repeated field's items keep their order
    return found


def _plan(descriptor: Any, type_name: str, stop: frozenset[str]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The fields of a message type the walk wants, made once per type: (number, name, how, inside) of those
    outside a oneof, and per oneof its wanted members by name."""
    key = (descriptor, type_name, stop)
    plan = _PLANS.get(key)
    if plan is None:
        fields: list[tuple[int, str, int, bool]] = []
        oneofs: dict[str, dict[str, tuple[int, str, bool]]] = {}
        for field in descriptor.fields:
            mapped, inside, wanted = _field(field, type_name, stop)
            if not wanted:
                continue
            oneof = field.containing_oneof
            if oneof is not None and not _repeated(field):
                oneofs.setdefault(oneof.name, {})[field.name] = (field.number, field.name, inside)
            else:
                how = MAPPED if mapped else REPEATED if _repeated(field) else SINGLE
                fields.append((field.number, field.name, how, inside))
        plan = _PLANS[key] = (tuple(fields), tuple(oneofs.items()))
    return plan


def _repeated(field: Any) -> bool:
    """Newer protobuf releases say `is_repeated`; older ones only have the label."""
    is_repeated = getattr(field, "is_repeated", None)
    return bool(is_repeated) if is_repeated is not None else field.label == field.LABEL_REPEATED


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
