"""The condition language: list semantics, three-valued logic, and the compiled form agreeing with evaluate."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

import ane_kb
from ane_kb.conditions import compile_condition, evaluate

LEAF = {"param": "kernel_size", "ne": 1}


@pytest.mark.parametrize(("condition", "params", "value"), [
    (LEAF, {"kernel_size": [1, 3]}, True),                                   # any element satisfies
    ({"not": {"param": "kernel_size", "eq": 1}}, {"kernel_size": [1, 3]}, False),
    ({"not": {"any": [{"param": "kernel_size", "ne": 1}]}}, {"kernel_size": [1, 1]}, True),  # "every element is 1"
    ({"param": "kernel_size", "gt": 13}, {"kernel_size": 14}, True),          # a number is a one-element list
    ({"param": "kernel_size", "gt": 13}, {}, None),                           # missing is unknown
    ({"any": [{"param": "a", "eq": 1}, {"param": "b", "eq": 1}]}, {"a": 1}, True),    # true or unknown
    ({"all": [{"param": "a", "eq": 1}, {"param": "b", "eq": 1}]}, {"a": 1}, None),    # true and unknown
    ({"all": [{"param": "a", "eq": 2}, {"param": "b", "eq": 1}]}, {"a": 1}, False),   # false and unknown
    ({"any": [{"param": "a", "eq": 2}, {"param": "b", "eq": 1}]}, {"a": 1}, None),    # false or unknown
    ({"not": {"param": "b", "eq": 1}}, {}, None),
    ({"param": "scale", "eq": 4}, {"scale": [4.0]}, True),                    # 4 == 4.0
    ({"param": "dtype", "in": ["fp32", "int32"]}, {"dtype": "int32"}, True),
    ({"param": "flag", "eq": True}, {"flag": 1}, False),                      # a bool is not a number
    ({"param": "x", "gt": 1}, {"x": "big"}, False),                            # mismatched types never match
    ({"param": "x", "gt": 1}, {"x": float("nan")}, False),
])
def test_semantics(condition: dict[str, Any], params: dict[str, Any], value: bool | None) -> None:
    assert evaluate(condition, params).value is value
    assert compile_condition(condition)(params).value is value


def test_unknown_clauses_are_reported() -> None:
    outcome = evaluate({"all": [{"param": "a", "eq": 1}, {"param": "b", "eq": 1}]}, {"a": 1})
    assert outcome.unknown == ("b is unknown",) and outcome.fired == ("a: 1 = 1",)


@pytest.mark.parametrize(("condition", "params", "fired"), [
    ({"param": "epsilon", "lt": 1e-7}, {"epsilon": 2.0 ** -24}, "epsilon: 5.96046e-08 < 1e-07"),
    ({"param": "kernel_size", "gt": 13}, {"kernel_size": [15, 15]}, "kernel_size=[15, 15]: 15 > 13"),
    ({"param": "scale", "gt": 0.1}, {"scale": [0.05, 0.1000001]}, "scale=[0.05, 0.1000001]: 0.1000001 > 0.1"),
    ({"param": "x", "gt": 1.0}, {"x": 1.0000000001}, "x: 1.0000000001 > 1.0"),
])
def test_the_evidence_shows_floats_to_six_digits_unless_both_sides_would_look_equal(
        condition: dict[str, Any], params: dict[str, Any], fired: str) -> None:
    assert evaluate(condition, params).fired == (fired,)
    assert compile_condition(condition)(params).fired == (fired,)


def _random_condition(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    if depth > 2 or rng.random() < 0.4:
        op = rng.choice(["eq", "ne", "lt", "le", "gt", "ge", "in"])
        value: Any = [rng.randint(0, 4), rng.randint(0, 4)] if op == "in" else rng.randint(0, 4)
        return {"param": rng.choice("abc"), op: value}
    kind = rng.choice(["all", "any", "not"])
    if kind == "not":
        return {"not": _random_condition(rng, depth + 1)}
    return {kind: [_random_condition(rng, depth + 1) for _ in range(rng.randint(1, 3))]}


def _reference(condition: dict[str, Any], params: dict[str, Any]) -> bool | None:
    """An independent, deliberately plain statement of the semantics: any-element lists and Kleene logic."""
    if "all" in condition or "any" in condition:
        values = [_reference(c, params) for c in condition.get("all", condition.get("any"))]
        decide = False if "all" in condition else True
        if decide in values:
            return decide
        return None if None in values else not decide
    if "not" in condition:
        inner = _reference(condition["not"], params)
        return None if inner is None else not inner
    (op, target), = [(k, v) for k, v in condition.items() if k != "param"]
    given = params.get(condition["param"])
    if given is None:
        return None
    tests = {"eq": lambda v: v == target, "ne": lambda v: v != target, "lt": lambda v: v < target,
             "le": lambda v: v <= target, "gt": lambda v: v > target, "ge": lambda v: v >= target,
             "in": lambda v: v in target}
    return any(tests[op](v) for v in (given if isinstance(given, list) else [given]))


def test_random_conditions_follow_the_reference_semantics() -> None:
    rng = random.Random(7)
    choices: list[Any] = [None, 0, 2, 4, [1, 3], [0, 4], 2.0]
    for _ in range(400):
        condition = _random_condition(rng)
        compiled = compile_condition(condition)
        for a, b, c in itertools.islice(itertools.product(choices, repeat=3), 0, None, 17):
            params = {k: v for k, v in (("a", a), ("b", b), ("c", c)) if v is not None}
            assert compiled(params).value is _reference(condition, params), (condition, params)


def test_every_worked_example_gives_its_expected_result() -> None:
    expected = {"match": True, "no-match": False, "unknown": None}
    for collection in (ane_kb.rules, ane_kb.precision):
        for rule in collection:
            for example in rule.examples:
                assert evaluate(rule.condition, example.params).value is expected[example.expect], (rule.ref, example)
