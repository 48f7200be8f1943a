"""Regression tests: patterns from models people ship that once drew a wrong finding, or missed a right one.

Each model is small and built with coremltools' builders (tests/check/pattern_models.py). The rules involved
read values the checker derives from the graph: reduction depths, what a constexpr result is used as, the
consumer's weight layout, propagated NeuralNetwork shapes, image inputs, the other operand's shape, and the
types the users of a constant compute in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ane_kb import load
from ane_kb.check import check_model
from ane_kb.check.report import ModelReport
from tests.check import pattern_models as pm
from tests.check.example_models import quantized_conv

BUILDERS = {
    "deep_matmul": lambda d: pm.mil_deep_matmul(d / "deep.mlpackage", 40000),
    "matmul_32768": lambda d: pm.mil_deep_matmul(d / "deep32768.mlpackage", 32768),
    "per_block": lambda d: quantized_conv(d / "per_block.mlpackage", "per_block"),
    "per_channel": lambda d: quantized_conv(d / "per_channel.mlpackage", "per_channel"),
    "palettized": lambda d: quantized_conv(d / "palettized.mlpackage", "per_tensor", palettized=True),
    "audio_conv": lambda d: pm.mil_audio_conv(d / "audio.mlpackage"),
    "lm_head": lambda d: pm.mil_lm_head(d / "lm_head.mlpackage"),
    "waveform": lambda d: pm.mil_waveform(d / "waveform.mlpackage"),
    "detector": lambda d: pm.mil_detector_pipeline(d / "detector_pipeline.mlpackage", d),
    "big_image": lambda d: pm.nn_image_model(d / "big_image.mlmodel", 5568),
    "multiplies": lambda d: pm.nn_multiplies(d / "multiplies.mlmodel"),
    "upsample": lambda d: pm.mil_upsample_fp16(d / "upsample.mlpackage"),
    "mask": lambda d: pm.mil_fp32_mask(d / "mask.mlpackage"),
    "bn_mil": lambda d: pm.mil_batchnorm_big_variance(d / "bn.mlpackage"),
    "bn_nn": lambda d: pm.nn_batchnorm_big_variance(d / "bn.mlmodel"),
    "conv_overflow": lambda d: pm.nn_conv_overflow(d / "conv_overflow.mlmodel"),
    "long_axis": lambda d: pm.mil_long_axis(d / "long_axis.mlpackage"),
    "small_cnn": lambda d: pm.nn_small_cnn(d / "small_cnn.mlmodel"),
    "wide_cnn": lambda d: pm.nn_small_cnn(d / "wide_cnn.mlmodel", width=40000),
    "nd_block": lambda d: pm.nn_nd_block(d / "nd_block.mlmodel"),
    "create_ml": lambda d: pm.create_ml_image_classifier(d / "create_ml.mlmodel"),
    "create_ml_nn": lambda d: pm.create_ml_image_classifier(d / "create_ml_nn.mlmodel", head="nn"),
    "classical": lambda d: pm.glm_and_tree_pipeline(d / "classical.mlmodel"),
    "tagger": lambda d: pm.word_tagger(d / "tagger.mlmodel"),
    "sound": lambda d: pm.sound_classifier(d / "sound.mlmodel"),
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModelReport]:
    folder = tmp_path_factory.mktemp("patterns")
    return {name: check_model(build(folder)) for name, build in BUILDERS.items()}


RECORD_IDS = {ref.partition("/")[2] for ref in load().document["records"]}


def _known(rule: str) -> str:
    """A rule id the knowledge base has: a misspelt one would make every "no such finding" assertion pass."""
    assert rule in RECORD_IDS, f"no record {rule!r} in kb/"
    return rule


def _on(report: ModelReport, rule: str, layer: str | None = None) -> list[Any]:
    """Findings of `rule` (given without its kind), reported or listed in another finding's `values.also`."""
    _known(rule)
    found = []
    for finding in report.findings:
        refs = [finding.rule, *(also["rule"] for also in finding.values.get("also", []))]
        if any(ref.endswith("/" + rule) for ref in refs) and (layer is None or finding.layer == layer):
            found.append(finding)
    return found


def _reported(report: ModelReport, rule: str) -> list[Any]:
    _known(rule)
    return [f for f in report.findings if f.rule.endswith("/" + rule)]


def _unchecked(report: ModelReport) -> set[str]:
    """Rules reported as "could not be checked" for some ops."""
    return {f.rule for f in report.findings if f.layer is None and f.unknown}


# Extraction: the reduction depth of a matmul, with transpose_x.

def test_a_40000_deep_matmul_is_off_the_ane(reports: dict[str, ModelReport]) -> None:
    [finding] = _reported(reports["deep_matmul"], "matmul-reduction-over-32768")
    assert finding.severity == "error" and finding.op == "matmul" and finding.values["matmul_inner_dim"] == [40000]
    assert [a["rule"] for a in finding.values["also"]] == ["layer-rule/matmul-reduction-over-16384"]


def test_a_32768_deep_matmul_is_within_the_limit(reports: dict[str, ModelReport]) -> None:
    report = reports["matmul_32768"]
    assert not _on(report, "matmul-reduction-over-32768")
    assert "layer-rule/matmul-reduction-over-32768" not in _unchecked(report)


# Extraction: compressed weights.

def test_the_rank_6_lut_of_palettized_weights_is_no_tensor(reports: dict[str, ModelReport]) -> None:
    report = reports["palettized"]
    assert not _on(report, "tensor-rank-limit") and "layer-rule/tensor-rank-limit" not in _unchecked(report)
    assert not _on(report, "per-block-quantization-gpu-oriented")
    assert not _on(report, "quantization-blocks-along-input-axis")
    assert "layer-rule/int32-tensors" not in _unchecked(report)


def test_blocks_along_the_input_axis_are_an_error(reports: dict[str, ModelReport]) -> None:
    [finding] = _reported(reports["per_block"], "quantization-blocks-along-input-axis")
    assert finding.severity == "error" and finding.op == "constexpr_blockwise_shift_scale"
    assert finding.values["quantization_input_blocks"] == 4
    assert [a["rule"] for a in finding.values["also"]] == ["layer-rule/per-block-quantization-gpu-oriented"]
    assert "https://github.com/apple/coremltools/issues/2510" in finding.sources  # Core ML's own message
    assert reports["per_block"].verdict != "likely-all-ane"


def test_per_output_channel_scales_are_fine(reports: dict[str, ModelReport]) -> None:
    report = reports["per_channel"]
    assert not _on(report, "quantization-blocks-along-input-axis")
    assert not _on(report, "per-block-quantization-gpu-oriented")
    assert not [f for f in report.findings if f.severity == "error"]


# NeuralNetwork shapes: rank and axis-length rules evaluate.

def test_rank_and_axis_rules_evaluate_on_a_small_cnn(reports: dict[str, ModelReport]) -> None:
    report = reports["small_cnn"]
    assert not [f for f in report.findings if any(u.startswith(("dims ", "rank ")) for u in f.unknown)]
    assert not _unchecked(report) & {"layer-rule/tensor-rank-limit", "layer-rule/tensor-dimension-over-16384",
                                     "layer-rule/tensor-dimension-over-65536", "layer-rule/lm-head-on-all-positions"}


def test_a_long_axis_is_seen_through_the_layers(reports: dict[str, ModelReport]) -> None:
    report = reports["wide_cnn"]
    layers = {f.layer: f.values["dims"] for f in _reported(report, "tensor-dimension-over-16384")}
    assert layers["conv1"] == [16, 32, 20000]            # the input is 40000 wide; conv1 has stride 2
    assert layers["up"] == [32, 32, 20000]               # pooled to 10000, concatenated to 32 channels, upsampled
    assert set(layers) == {"conv1", "bn1", "relu1", "up"}


def test_rank_n_layers_are_propagated(reports: dict[str, ModelReport]) -> None:
    report = reports["nd_block"]
    assert not [f for f in report.findings if any(u.startswith(("dims ", "rank ", "matmul_inner_dim ")) for u in f.unknown)]


# Rules scoped to what they are about.

def test_audio_convolutions_are_no_lm_head(reports: dict[str, ModelReport]) -> None:
    assert not _on(reports["audio_conv"], "lm-head-on-all-positions")
    [head] = _on(reports["lm_head"], "lm-head-on-all-positions", layer="lm_head_cast_fp16")
    assert head.op == "linear"


def test_audio_waveforms_and_pipeline_tensors_are_no_large_images(reports: dict[str, ModelReport]) -> None:
    assert not _on(reports["waveform"], "huge-input-compile-failure")
    assert not _on(reports["detector"], "huge-input-compile-failure")
    [finding] = _on(reports["big_image"], "huge-input-compile-failure")
    assert finding.values == {"max_image_side": 5568}


def test_multiplying_by_a_scalar_is_no_channel_broadcast(reports: dict[str, ModelReport]) -> None:
    report = reports["multiplies"]
    flagged = {f.layer for f in _on(report, "broadcast-multiply-channel-vector")}
    assert flagged == {"se_scale"}                       # not by_scalar, not by_constant
    assert "layer-rule/broadcast-multiply-channel-vector" not in _unchecked(report)


def test_upsample_scale_factors_are_no_stray_fp32_constants(reports: dict[str, ModelReport]) -> None:
    assert not _on(reports["upsample"], "fp32-constant-island")
    [mask] = _on(reports["mask"], "fp32-constant-island")
    assert mask.layer == "masked" and mask.op == "add"


def test_fp32_batch_norm_constants_do_not_contradict_the_fp32_finding(reports: dict[str, ModelReport]) -> None:
    report = reports["bn_mil"]
    [typed] = _reported(report, "fp32-typed-op-off-ane")
    assert typed.layer == "bn"
    [overflow] = _reported(report, "fp16-overflow")
    assert overflow.severity == "info" and overflow.layer == "bn" and overflow.values["weight"] == "bn_variance_0"
    assert "computes in fp32" in overflow.message
    assert not [f for f in report.findings if f.severity == "error"]


def test_an_untyped_batch_norm_still_overflows(reports: dict[str, ModelReport]) -> None:
    [overflow] = _reported(reports["bn_nn"], "fp16-overflow")
    assert overflow.severity == "error" and overflow.layer == "bn" and overflow.values["weight"] == "batchnorm.variance"


def test_a_finding_about_a_weight_names_the_layer(reports: dict[str, ModelReport]) -> None:
    [overflow] = _reported(reports["conv_overflow"], "fp16-overflow")
    assert (overflow.layer, overflow.op) == ("conv_overflow", "convolution")
    assert overflow.values["weight"] == "convolution.weights"


def test_one_long_axis_is_reported_once_per_op(reports: dict[str, ModelReport]) -> None:
    report = reports["long_axis"]
    by_layer: dict[str, list[str]] = {}
    for finding in report.findings:
        if finding.rule.startswith("layer-rule/tensor-dimension-over-"):
            by_layer.setdefault(str(finding.layer), []).append(finding.rule)
    assert by_layer["long_cast_fp16"] == ["layer-rule/tensor-dimension-over-65536"]
    assert all(len(rules) == 1 for rules in by_layer.values()), by_layer
    [reshape] = [f for f in report.findings if f.layer == "long_cast_fp16"]
    assert reshape.values["also"][0]["rule"] == "layer-rule/tensor-dimension-over-16384"
    assert "also in this family" in reshape.message


# Pipelines with Apple's built-in models.

def test_a_create_ml_image_classifier_is_judged_by_its_feature_print(reports: dict[str, ModelReport]) -> None:
    report = reports["create_ml"]
    assert report.verdict == "unknown" and report.message is None and report.error is None  # the OS's network
    [builtin] = _reported(report, "builtin-vision-feature-print")
    assert builtin.severity == "warning" and builtin.values == {"builtin_stages": ["visionFeaturePrint"]}
    assert builtin.docs.endswith("/layer-rule/builtin-vision-feature-print/") and builtin.sources
    [glm] = _reported(report, "classical-pipeline-stages")
    assert (glm.severity, glm.layer, glm.op, glm.path) == ("info", "model1", "glmClassifier", "models[1]")
    assert report.summary.layers == 1 and report.summary.segments[0]["layers"] == ["model0"]
    assert not _reported(report, "tiny-model-stays-on-cpu")  # its weights are the system's, not in the file


def test_a_neural_head_after_a_feature_print_is_checked_too(reports: dict[str, ModelReport]) -> None:
    report = reports["create_ml_nn"]
    assert _reported(report, "builtin-vision-feature-print")
    assert not _reported(report, "classical-pipeline-stages")
    assert not _on(report, "inner-product-spatial-input")  # its input is a 2048-vector: no height, no width
    assert report.summary.layers == 3                      # fc, softmax and the feature print


def test_a_pipeline_without_a_neural_stage_is_not_applicable(reports: dict[str, ModelReport]) -> None:
    report = reports["classical"]
    assert report.verdict == "not-applicable" and report.message and not report.findings


def test_natural_language_and_sound_stages_get_their_records(reports: dict[str, ModelReport]) -> None:
    assert reports["tagger"].verdict != "not-applicable"
    assert _reported(reports["tagger"], "builtin-natural-language-models")
    sound = reports["sound"]
    [builtin] = _reported(sound, "builtin-audio-models")
    assert builtin.values == {"builtin_stages": ["soundAnalysisPreprocessing"]}
    assert {f.layer for f in sound.findings if f.layer} == {"gap"}   # the neural stage is checked as usual
