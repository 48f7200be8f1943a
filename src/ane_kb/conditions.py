"""Evaluate a rule's condition against parameter values, with three-valued logic.

A condition is data: ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": {...}}`` or a leaf
``{"param": NAME, OP: VALUE}`` with OP one of eq ne lt le gt ge in. A list parameter
matches when any element satisfies the comparison, and a single number counts as a
one-element list. A parameter that is missing is *unknown*; unknown propagates by Kleene
logic and is reported, never silently taken as false.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in")
SYMBOLS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "in"}

Condition = Mapping[str, Any]


class Outcome(NamedTuple):
    """The result of evaluating a condition: True, False or None (unknown), with reasons."""

    value: bool | None
    fired: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        return self.value is True


_FALSE = Outcome(False)


def operator_of(leaf: Condition) -> str:
    """The one comparison operator of a leaf."""
    ops = [key for key in leaf if key != "param"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        raise ValueError(f"a condition leaf needs exactly one of {', '.join(OPERATORS)}; got {sorted(leaf)}")
    return ops[0]


def evaluate(condition: Condition | None, params: Mapping[str, Any]) -> Outcome:
    """Evaluate `condition` with `params`. No condition means the rule always applies.

    Where one condition is evaluated many times (the checker), compile it once with `compile_condition`."""
    return compile_condition(condition)(params)


def _combine(parts: list[Outcome], want: bool) -> Outcome:
    """`all` (want=False: one false decides) or `any` (want=True: one true decides)."""
    unknown = tuple(u for p in parts for u in p.unknown)
    deciding = [p for p in parts if p.value is want]
    if deciding:
        return Outcome(want, tuple(r for p in deciding for r in p.fired), unknown)
    if any(p.value is None for p in parts):
        return Outcome(None, tuple(r for p in parts if p.value is not None for r in p.fired), unknown)
    return Outcome(not want, tuple(r for p in parts for r in p.fired), unknown)


def as_list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def compare(value: Any, op: str, target: Any) -> bool:
    """One comparison. Numbers compare numerically (4 == 4.0); mismatched types never match."""
    if op == "in":
        return any(_equal(value, t) for t in as_list(target))
    if op in ("eq", "ne"):
        return _equal(value, target) is (op == "eq")
    if not (_is_number(value) and _is_number(target)):
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    result: bool = {"lt": value < target, "le": value <= target, "gt": value > target, "ge": value >= target}[op]
    return result


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _equal(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    return type(a) is type(b) and bool(a == b)


def _fmt(value: Any, full: bool = False) -> str:
    """A value as evidence shows it: floats to six digits, or `full` (their repr)."""
    if isinstance(value, float):
        return repr(value) if full else str(int(value)) if value.is_integer() else f"{value:.6g}"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ", ".join(_fmt(v, full) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _evidence(name: str, given: Any, value: Any, symbol: str, target: Any) -> str:
    """`kernel_size=[15, 15]: 15 > 13`, or `epsilon: 5.96046e-08 < 1e-07` for one value. Floats are shown to six
    digits, in full where that would make the two sides look equal."""
    full = _fmt(value) == _fmt(target) and value != target
    compared = f"{_fmt(value, full)} {symbol} {_fmt(target, full)}"
    if isinstance(given, (list, tuple)):
        return f"{name}={_fmt(given, full)}: {compared}"
    return f"{name}: {compared}"


def leaves(condition: Condition | None) -> list[Condition]:
    """Every leaf of a condition, in order."""
    if condition is None:
        return []
    for key in ("all", "any"):
        if key in condition:
            return [leaf for c in condition[key] for leaf in leaves(c)]
    if "not" in condition:
        return leaves(condition["not"])
    return [condition]


PARAM_TYPES = ("int", "number", "int_list", "number_list", "string", "string_list", "bool")


def fits_type(param_type: str, value: Any, *, element: bool = False) -> bool:
    """Whether `value` suits a parameter of `param_type`.

    With element=True the value is one element to compare with, so a list parameter
    takes a single number there.
    """
    if param_type.endswith("_list"):
        base = param_type.removesuffix("_list")
        if element or not isinstance(value, (list, tuple)):
            return fits_type(base, value)
        return all(fits_type(base, v) for v in value)
    if param_type == "int":
        return _is_number(value) and float(value).is_integer()
    if param_type == "number":
        return _is_number(value)
    if param_type == "string":
        return isinstance(value, str)
    if param_type == "bool":
        return isinstance(value, bool)
    return False


Evaluator = Callable[[Mapping[str, Any]], Outcome]
_NUMERIC = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}
_TRUE = Outcome(True)


def compile_condition(condition: Condition | None) -> Evaluator:
    """The condition as a function of the parameters, each leaf's comparison decided up front."""
    if condition is None:
        return lambda params: _TRUE
    for key, want in (("all", False), ("any", True)):
        if key in condition:
            parts = [compile_condition(c) for c in condition[key]]
            return lambda params, parts=parts, want=want: _combine([p(params) for p in parts], want)  # type: ignore[misc]
    if "not" in condition:
        inner = compile_condition(condition["not"])

        def negate(params: Mapping[str, Any]) -> Outcome:
            result = inner(params)
            value = None if result.value is None else not result.value
            return Outcome(value, tuple(f"not ({r})" for r in result.fired) if result.value else (), result.unknown)

        return negate
    return _compile_leaf(condition)


def _compile_leaf(leaf: Condition) -> Evaluator:
    name, op = leaf["param"], operator_of(leaf)
    target = leaf[op]
    unknown = Outcome(None, unknown=(f"{name} is unknown",))
    numeric = _NUMERIC.get(op)
    if numeric is not None and _is_number(target):
        def test(value: Any) -> bool:
            return _is_number(value) and value == value and bool(numeric(value, target))
    else:
        def test(value: Any) -> bool:
            return compare(value, op, target)

    def leaf_outcome(params: Mapping[str, Any]) -> Outcome:
        given = params.get(name)
        if given is None:
            return unknown
        for value in given if isinstance(given, (list, tuple)) else (given,):
            if test(value):
                return Outcome(True, (_evidence(name, given, value, SYMBOLS[op], target),))
        return _FALSE

    return leaf_outcome
