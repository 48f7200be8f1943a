from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where

RULE = "layer-rule/pool-big.yaml"


def test_unknown_chip(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit(RULE, "  - chips: [chip/a12]", "  - chips: [chip/a99]")
    problem = one(errors(minikb), "references")
    assert problem.message.startswith("'chip/a99' does not exist")
    assert (problem.line, problem.col) == where(path, "chip/a99")


def test_generation_min_above_max(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit(RULE, "ane_generation: {min: 1, max: 1}", "ane_generation: {min: 2, max: 1}")
    problem = one(errors(minikb), "applicability")
    assert problem.message == "ane_generation min 2 is greater than max 1"
    assert (problem.line, problem.col) == where(path, "{min: 2")


def test_undefined_generation(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "ane_generation: {min: 1, max: 1}", "ane_generation: {max: 7}")
    assert one(errors(minikb), "applicability").message == (
        "ANE generation 7 is not defined in kb/_vocab/ane-generations.yaml")


def test_os_min_above_max(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, 'os: {ios: {min: "13", max: "17.4"}}', 'os: {ios: {min: "17.10", max: "17.4"}}')
    assert one(errors(minikb), "applicability").message == "ios min 17.10 is greater than max 17.4"


def test_chip_generation_must_be_defined(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/m4.yaml", "generation: 2", "generation: 5")
    assert one(errors(minikb), "applicability").message.startswith("ANE generation 5 is not defined")
