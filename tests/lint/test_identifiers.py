from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where


def test_unknown_mil_op(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("layer-rule/pool-big.yaml", "mlprogram: [max_pool]", "mlprogram: [max_pool, maxpool2d]")
    problem = one(errors(minikb), "identifiers")
    assert problem.message.startswith("'maxpool2d' is not a known ML Program op type; did you mean ")
    assert (problem.line, problem.col) == where(path, "maxpool2d")


def test_unknown_neuralnetwork_layer(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("layer-rule/pool-big.yaml", "neuralnetwork: [pooling]", "neuralnetwork: [Pooling]")
    problems = [p for p in errors(minikb) if p.check == "identifiers"]
    assert problems[0].message.startswith("'Pooling' is not a known NeuralNetwork layer type; did you mean pooling")


def test_extra_identifiers_count_as_known(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("layer-rule/pool-big.yaml", "mlprogram: [max_pool]", "mlprogram: [max_pool, custom_layer]")
    edit("layer-rule/pool-big.yaml", "family: pooling", "family: op-support")
    assert errors(minikb) == []
