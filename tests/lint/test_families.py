from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where

RULE = "layer-rule/pool-big.yaml"


def test_a_layer_rule_needs_a_family(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "family: pooling\n", "")
    assert one(errors(minikb), "schema").message == "missing required field 'family'"


def test_unknown_family_suggests_a_known_one(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit(RULE, "family: pooling", "family: poolings")
    problem = one(errors(minikb), "families")
    assert problem.message == "unknown op family 'poolings'; did you mean pooling?"
    assert (problem.line, problem.col) == where(path, "poolings")


def test_an_op_outside_the_family_is_refused(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit(RULE, "mlprogram: [max_pool]", "mlprogram: [max_pool, conv]")
    problem = one(errors(minikb), "families")
    assert problem.message.startswith("'conv' is not a mlprogram identifier of family 'pooling'")
    assert (problem.line, problem.col) == where(path, "conv]")


def test_a_rule_about_every_op_needs_an_open_family(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "identifiers:\n  neuralnetwork: [pooling]\n  mlprogram: [max_pool]\n", "")
    problem = one(errors(minikb), "families")
    assert problem.message.startswith("this rule applies to every op, but family 'pooling' is limited to its identifiers")
    assert "tensor-extent" in problem.message


def test_an_open_family_takes_any_op(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "family: pooling", "family: tensor-extent")
    assert not [p for p in errors(minikb) if p.check == "families"]


def test_an_identifier_belongs_to_one_family(minikb: Path) -> None:
    vocab = minikb / "_vocab" / "op-families.yaml"
    text = vocab.read_text(encoding="utf-8")
    vocab.write_text(text.replace("mlprogram: [pad]", "mlprogram: [pad, max_pool]"), encoding="utf-8")
    problem = one(errors(minikb), "families")
    assert problem.message == ("'max_pool' already belongs to family 'pooling'; "
                               "an identifier belongs to one family per format")


def test_family_identifiers_are_real_ops(minikb: Path) -> None:
    vocab = minikb / "_vocab" / "op-families.yaml"
    text = vocab.read_text(encoding="utf-8")
    vocab.write_text(text.replace("mlprogram: [pad]", "mlprogram: [pad, pad_reflect]"), encoding="utf-8")
    assert one(errors(minikb), "families").message == "'pad_reflect' is not a known mlprogram identifier"
