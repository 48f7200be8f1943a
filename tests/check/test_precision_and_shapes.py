"""The precision scan over weights and constants, and flexible input shapes with their OS conditions."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from tests.check import models
from tests.check.conftest import check_json


def _findings(report: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in report["models"][0]["findings"] if f["rule"] == rule]


def test_neuralnetwork_weights_beyond_fp16_are_an_error(tmp_path: Path) -> None:
    model = models.nn_with_weights(tmp_path / "big.mlmodel", [70000.0, -1e6, 1e-9, 3e-5])
    report, result = check_json(str(model))
    [overflow] = _findings(report, "precision/fp16-overflow")
    assert overflow["severity"] == "error"
    assert overflow["values"] == {"overflow": 2, "nonfinite": 0, "weight": "innerProduct.weights"}
    assert "largest 1e+06" in overflow["message"]
    assert (overflow["layer"], overflow["op"]) == ("fc", "innerProduct")  # the layer, not the weight (contract §6)
    [underflow] = _findings(report, "precision/fp16-underflow-to-zero")
    assert underflow["severity"] == "warning"
    assert underflow["values"] == {"subnormal": 2, "to_zero": 1, "weight": "innerProduct.weights"}
    assert result.returncode == 1


def test_nan_and_infinite_weights_are_reported_not_crashed_on(tmp_path: Path) -> None:
    model = models.nn_with_weights(tmp_path / "nan.mlmodel", [math.nan, math.inf, -math.inf])
    report, result = check_json(str(model))
    [finding] = _findings(report, "precision/fp16-overflow")
    assert finding["values"]["nonfinite"] == 3 and "NaN or infinite" in finding["message"]
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_ml_program_blobs_are_scanned(tmp_path: Path) -> None:
    model = models.mil_with_weights(tmp_path / "big.mlpackage", [70000.0, 1e-9])
    report, _ = check_json(str(model))
    [overflow] = _findings(report, "precision/fp16-overflow")
    assert overflow["values"]["overflow"] == 1 and (overflow["layer"], overflow["op"]) == ("conv", "conv")
    assert overflow["values"]["weight"].startswith("conv_weight")


def test_clean_weights_give_no_precision_findings(tmp_path: Path) -> None:
    model = models.mil_with_weights(tmp_path / "ok.mlpackage", [0.5, -0.25])
    report, _ = check_json(str(model))
    assert not _findings(report, "precision/fp16-overflow") and not _findings(report, "precision/fp16-underflow-to-zero")


@pytest.mark.parametrize("fmt", ["mlprogram", "neuralnetwork"])
def test_a_layer_norm_epsilon_below_apples_is_flagged_as_stored(tmp_path: Path, fmt: str) -> None:
    """coremltools' float16 pass stores 1e-12 as 2^-24 (not 0): the rule reads the stored value."""
    rule = "precision/layer-norm-epsilon-fp16"
    report, _ = check_json(str(models.layer_norm(tmp_path / "bert", 1e-12, fmt)))
    [finding] = _findings(report, rule)
    stored = finding["values"]["epsilon"]
    assert finding["severity"] == "warning" and finding["op"] in ("layer_norm", "layerNormalization")
    assert stored == (2.0 ** -24 if fmt == "mlprogram" else pytest.approx(1e-12))
    for epsilon in (1e-5, 1e-7):  # the PyTorch default and Apple's choice
        report, _ = check_json(str(models.layer_norm(tmp_path / f"ok{epsilon}", epsilon, fmt)))
        assert not _findings(report, rule)


def test_missing_weight_file_is_a_warning_only_for_the_scan(tmp_path: Path) -> None:
    model = models.mil_with_weights(tmp_path / "m.mlpackage", [70000.0])
    (model / "Data" / "com.apple.CoreML" / "weights" / "weight.bin").unlink()
    report, result = check_json(str(model))
    [note] = _findings(report, "precision/fp16-overflow")
    assert note["severity"] == "warning" and "weights/weight.bin is missing" in note["message"]
    assert report["models"][0]["error"] is None and result.returncode == 0
    assert report["models"][0]["summary"]["layers"] > 0


def test_damaged_weight_file_is_a_warning(tmp_path: Path) -> None:
    model = models.mil_with_weights(tmp_path / "m.mlpackage", [70000.0])
    weight = model / "Data" / "com.apple.CoreML" / "weights" / "weight.bin"
    weight.write_bytes(weight.read_bytes()[:70])
    report, _ = check_json(str(model))
    [note] = _findings(report, "precision/fp16-overflow")
    assert note["severity"] == "warning" and "could not be read" in note["message"]


@pytest.mark.parametrize(("kind", "os", "expected", "absent"), [
    ("range", "ios16", {"layer-rule/range-shapes-default-shape-only"}, {"layer-rule/range-shapes-infrequent-reshape-hint"}),
    ("range", "ios17.4", {"layer-rule/range-shapes-default-shape-only", "layer-rule/range-shapes-infrequent-reshape-hint"}, set()),
    ("unbounded", "ios17.4", {"layer-rule/range-shapes-default-shape-only"}, set()),
    ("enumerated", "ios17", {"layer-rule/enumerated-shapes-stay-on-ane"}, {"layer-rule/range-shapes-default-shape-only"}),
    ("enumerated", "ios13.5", {"layer-rule/flexible-shapes-default-only-ios13"}, {"layer-rule/enumerated-shapes-stay-on-ane"}),
    ("fixed", "ios17.4", set(), {"layer-rule/range-shapes-default-shape-only", "layer-rule/enumerated-shapes-stay-on-ane"}),
])
def test_flexible_inputs_follow_the_rules_and_their_os(tmp_path: Path, kind: str, os: str, expected: set[str],
                                                        absent: set[str]) -> None:
    model = models.nn_flexible(tmp_path / f"{kind}.mlmodel", kind)
    report, _ = check_json(str(model), "--os", os)
    rules = {f["rule"] for f in report["models"][0]["findings"]}
    assert expected <= rules, rules
    assert not (absent & rules), rules


def test_range_input_is_a_risk_not_a_verdict(tmp_path: Path) -> None:
    """A "may fall back" rule is a warning: counted in risks, never moving the verdict (contract §6)."""
    model = models.nn_flexible(tmp_path / "range.mlmodel", "range")
    report, _ = check_json(str(model), "--os", "ios16")
    result = report["models"][0]
    assert result["verdict"] == "likely-all-ane"
    assert "layer-rule/range-shapes-default-shape-only" in result["summary"]["risks"]["rules"]
    assert result["summary"]["risks"]["warnings"] >= 1


def test_segments_and_switches(built: dict[str, Path]) -> None:
    report, _ = check_json(str(built["lstm_pool"]), "--device", "iPhone XS")
    summary = report["models"][0]["summary"]
    # the disputed pooling rule is a warning: it stays on the ANE side; the confirmed LSTM rule moves the LSTM off
    assert [s["ane"] for s in summary["segments"]] == [True, False]
    assert summary["segments"][1]["layers"] == ["lstm"] and summary["switches"] == 1
    assert summary["risks"] == {"warnings": 1, "rules": ["layer-rule/pooling-kernel-too-large"]}


def _chain_of_inner_products(path: Path, bad: dict[int, list[float]], layers: int = 40) -> Path:
    builder = models.nn_builder((4,))
    previous = "x"
    for i in range(layers):
        weights = models.np.full(16, 0.5, models.np.float32)
        weights[: len(bad.get(i, []))] = bad.get(i, [])
        out = "y" if i == layers - 1 else f"t{i}"
        builder.add_inner_product(f"fc{i}", W=weights.reshape(4, 4), b=None, input_channels=4, output_channels=4,
                                  has_bias=False, input_name=previous, output_name=out)
        previous = out
    return models.save_nn(builder, path)


@pytest.mark.parametrize("batch", [1 << 20, 200])  # one batch for all, or a few weights a batch
def test_small_weights_counted_together_are_reported_one_by_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 batch: int) -> None:
    from ane_kb.check import blob_scan, check_model, precision_scan

    monkeypatch.setattr(precision_scan, "BATCH", batch)
    counted: list[int] = []
    original = blob_scan.count_buffer
    monkeypatch.setattr(precision_scan, "count_buffer",
                        lambda data, found: counted.append(len(data)) or original(data, found))
    model = _chain_of_inner_products(tmp_path / "chain.mlmodel", {3: [70000.0], 7: [1e-9] * 4, 30: [math.inf]})
    scan = ("precision/fp16-overflow", "precision/fp16-underflow-to-zero")
    findings = [(f.rule, f.layer) for f in check_model(model).findings if f.rule in scan]
    assert findings == [("precision/fp16-overflow", "fc3"), ("precision/fp16-underflow-to-zero", "fc7"),
                        ("precision/fp16-overflow", "fc30")]
    per_batch = min(40, batch // 64)  # each weight is 16 floats
    batches = math.ceil(40 / per_batch)
    dirty = len({i // per_batch for i in (3, 7, 30)})
    assert len(counted) == batches + dirty * per_batch  # a batch is counted weight by weight only when it holds a finding

    clean = _chain_of_inner_products(tmp_path / "clean.mlmodel", {})
    counted.clear()
    assert not [f for f in check_model(clean).findings if f.rule in scan]
    assert len(counted) == batches
