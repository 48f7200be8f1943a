from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, lint_dir, one, where


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


def test_unknown_coreai_op(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("layer-rule/pool-big.yaml", "mlprogram: [max_pool]", "mlprogram: [max_pool]\n  coreai: [maxpool2d]")
    problem = one(errors(minikb), "identifiers")
    assert problem.message.startswith("'maxpool2d' is not a known Core AI op type; did you mean ")


def test_coreai_ops_must_be_counterparts_of_the_mil_ops(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("layer-rule/pool-big.yaml", "mlprogram: [max_pool]", "mlprogram: [max_pool]\n  coreai: [max_pool_2d, conv2d]")
    problems = [p for p in lint_dir(minikb) if p.check == "identifiers"]
    assert [p.message for p in problems] == ["Core AI op 'conv2d' stands for conv in ML Programs, which this rule does "
                                            "not name (kb/_vocab/identifiers.yaml, coreai_mil)"]
    assert problems[0].warning
