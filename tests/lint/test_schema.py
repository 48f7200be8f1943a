from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where


def test_unknown_key_points_at_the_key(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "year: 2024\n", "year: 2024\nyaer: 2024\n")
    problem = one(errors(minikb), "schema")
    assert (problem.line, problem.col) == where(path, "yaer:")
    assert problem.message.startswith("unknown key 'yaer'; allowed here: ")
    assert problem.path.endswith("chip/m4.yaml")


def test_missing_field_is_named(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("device/iphone-xs.yaml", "device_type: iphone\n", "")
    problem = one(errors(minikb), "schema")
    assert problem.message == "missing required field 'device_type'"
    assert (problem.line, problem.col) == where(path, "id:")


def test_missing_nested_field_points_at_its_parent(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "ane: {cores: 16, generation: 2, coreml_usable: true}",
                "ane: {cores: 16, generation: 2}")
    problem = one(errors(minikb), "schema")
    assert problem.message == "missing required field 'coreml_usable' in ane"
    assert (problem.line, problem.col) == where(path, "{cores")


def test_wrong_type_says_what_was_expected(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "year: 2024", "year: twenty")
    problem = one(errors(minikb), "schema")
    assert problem.message == "year: expected a whole number, got 'twenty'"
    assert (problem.line, problem.col) == where(path, "twenty")


def test_unquoted_version_gets_a_quoting_hint(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("layer-rule/pool-big.yaml", 'max: "17.4"', "max: 17.40")
    problem = one(errors(minikb), "schema")
    assert problem.message == 'applies_to.os.ios.max: expected a string, got 17.40 (read as 17.4); quote it: "17.40"'
    assert (problem.line, problem.col) == where(path, "17.40")


def test_bad_enum_lists_the_choices(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("howto/check-thread.yaml", "topic: detect-ane", "topic: detection")
    problem = one(errors(minikb), "schema")
    assert problem.message.startswith("topic: 'detection' is not one of: why-ane, compute-units")
    assert (problem.line, problem.col) == where(path, "detection")


def test_empty_any_is_rejected(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("layer-rule/pool-big.yaml", "condition:\n  any:\n    - {param: kernel_size, gt: 13}\n    - {param: stride, gt: 2}",
                "condition:\n  any: []")
    problems = errors(minikb)
    schema = [p for p in problems if p.check == "schema"]
    assert [p.message for p in schema] == ["condition.any: must not be an empty list"]
    assert (schema[0].line, schema[0].col) == where(path, "[]")
