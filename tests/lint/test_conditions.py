from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, lint_dir, one, where

RULE = "layer-rule/pool-big.yaml"


def test_unknown_parameter(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit(RULE, "{param: stride, gt: 2}", "{param: strides, gt: 2}")
    problem = one(errors(minikb), "conditions")
    assert problem.message.startswith("unknown parameter 'strides'; did you mean stride")
    assert (problem.line, problem.col) == where(path, "strides")


def test_wrong_value_type(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit(RULE, "{param: stride, gt: 2}", "{param: stride, eq: big}")
    problem = one(errors(minikb), "conditions")
    assert problem.message == "'big' does not fit 'stride', which takes whole numbers (a list, compared element by element)"
    assert (problem.line, problem.col) == where(path, "eq: big", len("eq: "))


def test_ordering_on_a_string_parameter(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "{param: stride, gt: 2}", "{param: pooling_type, gt: 2}")
    assert one(errors(minikb), "conditions").message == (
        "'gt' compares numbers, but 'pooling_type' is a string; use eq, ne or in")


def test_value_outside_the_parameter_values(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "{param: stride, gt: 2}", "{param: pooling_type, in: [max, median]}")
    assert one(errors(minikb), "conditions").message == "'median' is not a value of 'pooling_type'; allowed: max, average, l2"


def test_model_parameter_in_an_op_rule(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "{param: stride, gt: 2}", "{param: weight_bytes, gt: 2}")
    assert one(errors(minikb), "conditions").message == (
        "parameter 'weight_bytes' is model-level, but this rule has scope 'op'")


def test_empty_all_is_rejected(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "    - {param: stride, gt: 2}", "    - {all: []}")
    assert one(errors(minikb), "schema").message == "condition.any[1].all: must not be an empty list"


def test_leaf_without_operator(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "{param: stride, gt: 2}", "{param: stride}")
    assert one(errors(minikb), "schema").message.startswith("condition.any[1]: ")


def test_parameter_with_no_extractor_warns(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "{param: stride, gt: 2}", "{param: global_pooling, eq: true}")
    warnings = [p for p in lint_dir(minikb) if p.warning and p.check == "conditions"]
    assert [p.message for p in warnings] == [
        "no mlprogram extractor reads 'global_pooling' for max_pool; the checker will report it unknown there"]
