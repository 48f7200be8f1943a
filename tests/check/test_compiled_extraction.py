"""The values the checker derives from the graph (reduction depths, what a constexpr result is, quantization
granularity, propagated NeuralNetwork shapes) come out the same when the model is compiled (.mlmodelc)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ane_kb.check import check_model
from ane_kb.check.report import ModelReport
from tests.check import pattern_models as pm
from tests.check.example_models import quantized_conv
from tests.check.espresso_writer import espresso_folder
from tests.check.mil_writer import compile_package

PROGRAMS = {
    "deep_matmul": (lambda d: pm.mil_deep_matmul(d / "deep.mlpackage", 40000), "matmul-reduction-over-32768"),
    "per_block": (lambda d: quantized_conv(d / "per_block.mlpackage", "per_block"), "quantization-blocks-along-input-axis"),
    "per_channel": (lambda d: quantized_conv(d / "per_channel.mlpackage", "per_channel"), None),
    "palettized": (lambda d: quantized_conv(d / "palettized.mlpackage", "per_tensor", palettized=True), None),
    "audio_conv": (lambda d: pm.mil_audio_conv(d / "audio.mlpackage"), None),
    "upsample": (lambda d: pm.mil_upsample_fp16(d / "upsample.mlpackage"), None),
    "long_axis": (lambda d: pm.mil_long_axis(d / "long_axis.mlpackage"), "tensor-dimension-over-65536"),
}


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("packages")
    return {name: build(folder) for name, (build, _) in PROGRAMS.items()}


def _rule_findings(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted((f["rule"], f["severity"], f["layer"], f["op"], json.dumps(f["values"], sort_keys=True))
                  for f in report["findings"] if f["rule"].startswith("layer-rule/"))


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_a_compiled_program_gets_the_derived_values_of_its_package(tmp_path: Path, packages: dict[str, Path],
                                                                   name: str) -> None:
    compiled = compile_package(packages[name], tmp_path / f"{name}.mlmodelc", "1.3")
    source, target = check_model(packages[name]).to_dict(), check_model(compiled).to_dict()
    assert target["error"] is None
    assert _rule_findings(target) == _rule_findings(source)
    assert target["verdict"] == source["verdict"]
    expected = PROGRAMS[name][1]
    if expected:  # the finding the derived value exists for is there, not only equal
        assert any(f["rule"] == f"layer-rule/{expected}" for f in target["findings"])


# A compiled NeuralNetwork: Espresso layers, with the blob shapes of model.espresso.shape when the folder has it.

SMALL_CNN = [
    {"type": "convolution", "name": "conv1", "bottom": "x", "top": "c1", "C": 16, "K": 3, "Nx": 3, "Ny": 3,
     "stride_x": 2, "stride_y": 2, "n_groups": 1, "has_biases": 0},
    {"type": "activation", "name": "relu1", "bottom": "c1", "top": "r1"},
    {"type": "pool", "name": "pool1", "bottom": "r1", "top": "p1", "avg_or_max": 1, "size_x": 2, "size_y": 2,
     "stride_x": 2, "stride_y": 2, "is_global": 0},
    {"type": "inner_product", "name": "fc", "bottom": "p1", "top": "logits", "nB": 1024, "nC": 10, "has_biases": 0},
    {"type": "softmax", "name": "softmax", "bottom": "logits", "top": "y"},
]
SHAPES = {"x": [1, 3, 32, 32], "c1": [1, 16, 16, 16], "r1": [1, 16, 16, 16], "p1": [1, 16, 8, 8],
          "logits": [1, 10, 1, 1], "y": [1, 10, 1, 1]}


def _unknown_shapes(report: ModelReport) -> list[str]:
    return [u for f in report.findings for u in f.unknown if u.startswith(("dims ", "rank ", "input_spatial_dims "))]


def test_a_compiled_cnn_with_its_shape_table_has_every_shape(tmp_path: Path) -> None:
    report = check_model(espresso_folder(tmp_path / "cnn.mlmodelc", SMALL_CNN, SHAPES))
    assert report.error is None and report.format == "neuralnetwork"
    assert not _unknown_shapes(report)
    [fc] = [f for f in report.findings if f.rule.endswith("/inner-product-spatial-input")]
    assert fc.layer == "fc" and fc.values["input_spatial_dims"] == [8, 8]


def test_a_compiled_inner_product_on_a_pooled_vector_is_not_flagged(tmp_path: Path) -> None:
    layers = [*SMALL_CNN[:3], {"type": "pool", "name": "gap", "bottom": "p1", "top": "g", "avg_or_max": 0,
                               "is_global": 1},
              {**SMALL_CNN[3], "bottom": "g", "nB": 16}, SMALL_CNN[4]]
    shapes = {**SHAPES, "g": [1, 16, 1, 1]}
    report = check_model(espresso_folder(tmp_path / "gap.mlmodelc", layers, shapes))
    assert not _unknown_shapes(report)
    assert not [f for f in report.findings if f.rule.endswith("/inner-product-spatial-input")]


def test_without_a_shape_table_shapes_stop_where_the_padding_is_not_known(tmp_path: Path) -> None:
    """The Espresso reader does not map a convolution's padding, so its output shape is unknown rather than
    guessed; an inner product straight on the declared input still gets its height and width."""
    report = check_model(espresso_folder(tmp_path / "noshape.mlmodelc", SMALL_CNN, None))
    assert report.error is None
    flagged = [f for f in report.findings if f.rule.endswith("/inner-product-spatial-input")]
    assert not flagged or all(f.layer is None for f in flagged)  # only "could not be checked", never a guess
    direct = [{**SMALL_CNN[3], "bottom": "x", "nB": 3072}, SMALL_CNN[4]]
    report = check_model(espresso_folder(tmp_path / "direct.mlmodelc", direct, None))
    [fc] = [f for f in report.findings if f.rule.endswith("/inner-product-spatial-input") and f.layer]
    assert fc.values["input_spatial_dims"] == [32, 32]
