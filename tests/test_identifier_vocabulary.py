"""kb/_vocab/identifiers.yaml matches the identifiers coremltools itself defines."""

import logging
import sys

import pytest
import yaml

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def coremltools_identifiers() -> dict[str, list[str]]:
    logging.getLogger("coremltools").setLevel(logging.ERROR)
    sys.modules.setdefault("torch", None)  # type: ignore[arg-type]
    from coremltools.converters.mil.mil.ops import defs  # noqa: F401  (registers every op)
    from coremltools.converters.mil.mil.ops.registry import SSAOpRegistry
    from coremltools.proto import NeuralNetwork_pb2

    oneof = NeuralNetwork_pb2.NeuralNetworkLayer.DESCRIPTOR.oneofs_by_name["layer"]
    return {"neuralnetwork": [f.name for f in oneof.fields], "mlprogram": sorted(SSAOpRegistry.core_ops)}


@pytest.fixture(scope="module")
def vocabulary() -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load((ROOT / "kb" / "_vocab" / "identifiers.yaml").read_text(encoding="utf-8"))
    return data


def test_neuralnetwork_layers_match_the_proto(vocabulary: dict, coremltools_identifiers: dict) -> None:
    assert vocabulary["neuralnetwork"] == coremltools_identifiers["neuralnetwork"]


def test_mil_ops_match_the_registry(vocabulary: dict, coremltools_identifiers: dict) -> None:
    assert sorted(vocabulary["mlprogram"]) == coremltools_identifiers["mlprogram"]


def test_extras_are_not_already_known_and_have_reasons(vocabulary: dict, coremltools_identifiers: dict) -> None:
    for extra in vocabulary["extra"]:
        assert extra["name"] not in coremltools_identifiers[extra["format"]]
        assert len(extra["reason"]) > 20


def test_the_vocabulary_names_the_coremltools_it_was_taken_from(vocabulary: dict) -> None:
    import importlib.metadata

    assert vocabulary["coremltools"] == importlib.metadata.version("coremltools")
