from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where


def test_dangling_reference_suggests_close_ids(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("layer-rule/pool-big.yaml", "related: [chip/a12]", "related: [chip/a13]")
    problem = one(errors(minikb), "references")
    assert problem.message.startswith("'chip/a13' does not exist; did you mean chip/a12")
    assert (problem.line, problem.col) == where(path, "chip/a13")


def test_reference_of_the_wrong_kind(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("device/iphone-xs.yaml", "chips: [chip/a12]", "chips: [chip/a12, chip/iphone-xs]")
    problem = one(errors(minikb), "references")
    assert problem.message.startswith("'chip/iphone-xs' does not exist")
    assert (problem.line, problem.col) == where(path, "chip/iphone-xs")


def test_related_record_of_any_kind_resolves(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("layer-rule/pool-big.yaml", "related: [chip/a12]", "related: [chip/a12, howto/check-thread, precision/fp16-range]")
    assert errors(minikb) == []


def test_observation_source_must_be_cited(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("layer-rule/pool-big.yaml", "    source: https://example.org/pool", "    source: https://example.org/elsewhere")
    problem = one(errors(minikb), "references")
    assert problem.message == "observation source https://example.org/elsewhere is not among the record's sources"
    assert (problem.line, problem.col) == where(path, "https://example.org/elsewhere")


def test_self_reference(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("layer-rule/pool-big.yaml", "related: [chip/a12]", "related: [layer-rule/pool-big]")
    assert one(errors(minikb), "references").message == "'layer-rule/pool-big' refers to the record itself"
