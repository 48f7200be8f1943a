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
        assert extra["name"] not in coremltools_identifiers.get(extra["format"], vocabulary.get(extra["format"], []))
        assert len(extra["reason"]) > 20


def test_the_vocabulary_names_the_coremltools_it_was_taken_from(vocabulary: dict) -> None:
    import importlib.metadata

    assert vocabulary["coremltools"] == importlib.metadata.version("coremltools")


@pytest.fixture(scope="module")
def coreai_identifiers() -> list[str]:
    """The `coreai` dialect's op classes in the installed coreai-core, named the way the checker names them."""
    from tests.check.coreai_models import needs_coreai

    needs_coreai()
    import coreai.authoring  # noqa: F401  (before the dialect modules)
    from coreai._compiler.dialects import _coreai_ops_gen

    from ane_kb.check.readers.coreai_adapter import op_name

    names = {getattr(cls, "OPERATION_NAME", None) for cls in vars(_coreai_ops_gen).values() if isinstance(cls, type)}
    return sorted(op_name(n) for n in names if isinstance(n, str) and n.startswith("coreai."))


def test_coreai_ops_match_the_dialect(vocabulary: dict, coreai_identifiers: list[str]) -> None:
    assert len(coreai_identifiers) > 100
    assert sorted(vocabulary["coreai"]) == coreai_identifiers


def test_the_vocabulary_names_the_coreai_core_it_was_taken_from(vocabulary: dict, coreai_identifiers: list[str]) -> None:
    import importlib.metadata

    assert vocabulary["coreai-core"] == importlib.metadata.version("coreai-core")


def test_coreai_to_mil_table_names_known_ops(vocabulary: dict) -> None:
    known = {"coreai": set(vocabulary["coreai"]), "mlprogram": set(vocabulary["mlprogram"])}
    for extra in vocabulary["extra"]:
        known.setdefault(extra["format"], set()).add(extra["name"])
    for op, mil_ops in vocabulary["coreai_mil"].items():
        assert op in known["coreai"], op
        assert op not in mil_ops, f"{op} has the same name in both formats: leave it out of the table"
        assert set(mil_ops) <= known["mlprogram"], (op, mil_ops)
