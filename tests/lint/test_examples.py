from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where

RULE = "layer-rule/pool-big.yaml"


def test_example_contradicting_its_condition(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit(RULE, "params: {kernel_size: [15, 15]}, expect: match", "params: {kernel_size: [12, 13]}, expect: match")
    problem = one(errors(minikb), "examples")
    assert problem.message == ("example expects match but the condition gives unknown "
                               "for kernel_size=[12, 13] (stride is unknown)")
    assert (problem.line, problem.col) == where(path, "match}")


def test_condition_needs_both_kinds_of_example(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "expect: no-match}", "expect: match}")
    messages = [p.message for p in errors(minikb) if p.check == "examples"]
    assert "a rule with a condition needs a worked example with expect: no-match" in messages


def test_example_with_unknown_parameter(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "params: {kernel_size: [3, 3]}", "params: {kernal_size: [3, 3]}")
    assert one(errors(minikb), "examples").message.startswith("unknown parameter 'kernal_size'; did you mean kernel_size")


def test_example_op_outside_the_rule(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "op: max_pool, params: {kernel_size: [3, 3]}", "op: avg_pool, params: {kernel_size: [3, 3]}")
    assert one(errors(minikb), "examples").message == "op 'avg_pool' is not among this rule's mlprogram identifiers (max_pool)"


def test_example_value_of_the_wrong_type(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "params: {kernel_size: [3, 3]}", "params: {kernel_size: [three]}")
    assert one(errors(minikb), "examples").message == "['three'] does not fit 'kernel_size' (int_list)"
