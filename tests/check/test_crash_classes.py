"""Each crash class found on real and mutated models (issue #17): a clean result or a clean one-line error for
that model, never a traceback, never an internal error, and valid JSON for every model of the run."""

from __future__ import annotations

import json
import math
import os
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.check import models
from tests.check.conftest import run_check
from tests.check.mutations import copy_model, main_ops, manifest_of, mutated, nn_layer, op_named, with_manifest

WEIGHTS = Path("Data") / "com.apple.CoreML" / "weights"


def strict_json(text: str) -> Any:
    """JSON as the standard says it: NaN and Infinity are refused."""
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=refuse)


def checked(bad: Path, good: Path) -> tuple[dict[str, Any], dict[str, Any], subprocess.CompletedProcess[str]]:
    """The bad model's and the good model's reports from one run, after the checks every case shares."""
    result = run_check(str(bad), str(good), "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    report = strict_json(result.stdout)
    first, second = report["models"]
    assert second["error"] is None and second["verdict"] != "unknown"
    if first["error"]:
        assert "internal error" not in first["error"], first["error"]
        assert "\n" not in first["error"]
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [f"ane-kb: error: {bad}: {first['error']}"]
    else:
        assert result.returncode in (0, 1)
    return first, second, result


def unreadable_weights(model: dict[str, Any]) -> list[dict[str, Any]]:
    """The warnings that say the weights could not be read (the other checks still ran)."""
    return [f for f in model["findings"] if f["severity"] == "warning" and "weights could not be read" in f["message"]]


def test_custom_layer_with_parameters(tmp_path: Path, built: dict[str, Path]) -> None:
    model = models.nn_custom(tmp_path / "custom.mlmodel")
    first, _, result = checked(model, built["nn_clean"])
    assert first["error"] is None and first["format"] == "neuralnetwork"
    found = {(f["rule"], f["layer"]) for f in first["findings"]}
    assert ("layer-rule/custom-layers", "custom") in found
    overflow = [f for f in first["findings"] if f["rule"] == "precision/fp16-overflow"]
    assert overflow and overflow[0]["layer"] == "custom" and overflow[0]["values"]["weight"].startswith("custom.")


def test_pooling_type_outside_its_enum(tmp_path: Path, built: dict[str, Path]) -> None:
    bad = mutated(built["nn_clean"], tmp_path / "m.mlmodel", lambda s: setattr(nn_layer(s, "pooling").pooling, "type", 99))
    first, _, _ = checked(bad, built["nn_clean"])
    assert first["error"] is None and first["summary"]["layers"] == 2


def _lut_without_lut(spec: Any) -> None:
    op = main_ops(spec).add()
    op.type = "constexpr_lut_to_dense"
    op.inputs["lut"].SetInParent()
    op.outputs.add().name = "palettized"


@pytest.mark.parametrize("change", [
    _lut_without_lut,
    lambda s: op_named(s, "conv").inputs["weight"].ClearField("arguments"),
    lambda s: op_named(s, "conv").inputs["x"].ClearField("arguments"),
    lambda s: op_named(s, "max_pool").ClearField("inputs"),
], ids=["lut-input-without-binding", "weight-without-binding", "x-without-binding", "op-without-inputs"])
def test_mil_inputs_without_bindings(tmp_path: Path, built: dict[str, Path], change: Any) -> None:
    bad = mutated(built["mil_dilated"], tmp_path / "m.mlpackage", change)
    first, _, _ = checked(bad, built["nn_clean"])
    assert first["error"] is None


def test_function_without_block_specializations(tmp_path: Path, built: dict[str, Path]) -> None:
    bad = mutated(built["mil_clean"], tmp_path / "m.mlpackage",
                  lambda s: s.mlProgram.functions["main"].block_specializations.clear())
    first, _, _ = checked(bad, built["nn_clean"])
    assert first["error"] and "main" in first["error"]


@pytest.mark.parametrize("manifest", [
    "[" * 100_000 + "]" * 100_000,
    '{"itemInfoEntries": ' + "{\"a\": " * 50_000 + "1" + "}" * 50_001,
    {"itemInfoEntries": [], "rootModelIdentifier": "x"},
    {"itemInfoEntries": 7, "rootModelIdentifier": "x"},
    {"itemInfoEntries": {"x": {"path": 5}}, "rootModelIdentifier": "x"},
    {"itemInfoEntries": {"x": {"path": "com.apple.CoreML/model.mlmodel"}}, "rootModelIdentifier": 3},
    "\ufeff{}",
    "\xff\xfe",
], ids=["nested-lists", "nested-objects", "entries-list", "entries-int", "path-int", "root-int", "bom", "not-json"])
def test_broken_manifests(tmp_path: Path, built: dict[str, Path], manifest: Any) -> None:
    bad = with_manifest(built["mil_clean"], tmp_path / "m.mlpackage", manifest)
    first, _, _ = checked(bad, built["nn_clean"])
    assert first["error"] and "Manifest.json" in first["error"], first["error"]


def test_blob_file_name_that_does_not_exist(tmp_path: Path, built: dict[str, Path]) -> None:
    def rename(spec: Any) -> None:
        for op in main_ops(spec):
            if op.type == "const" and op.attributes["val"].WhichOneof("value") == "blobFileValue":
                op.attributes["val"].blobFileValue.fileName = "@model_path/weights/nope.bin"
    bad = mutated(built["mil_dilated"], tmp_path / "m.mlpackage", rename)
    first, _, _ = checked(bad, built["nn_clean"])
    assert first["error"] is None
    unreadable = unreadable_weights(first)
    assert len(unreadable) == 1 and "weights/nope.bin is missing" in unreadable[0]["message"]


def test_path_that_is_not_utf8(tmp_path: Path, built: dict[str, Path]) -> None:
    folder = os.fsencode(tmp_path)
    name = folder + b"/caf\xe9\xff.mlmodel"
    with open(name, "wb") as handle:
        handle.write(built["nn_clean"].read_bytes())
    for fmt in ("json", "text", "sarif"):
        result = subprocess.run([sys.executable, "-m", "ane_kb", "check", name, os.fsencode(built["lstm_pool"]),
                                 "--format", fmt], capture_output=True)
        assert result.returncode == 1, result.stderr
        assert b"Traceback" not in result.stderr
        text = result.stdout.decode("utf-8")
        if fmt == "text":
            assert "caf\\xe9\\xff.mlmodel" in text
        else:
            assert "caf\\\\xe9\\\\xff.mlmodel" in text
            strict_json(text)
        if fmt == "json":
            assert [m["error"] for m in strict_json(text)["models"]] == [None, None]


def test_nan_and_infinite_values_are_valid_json(tmp_path: Path, built: dict[str, Path]) -> None:
    from coremltools.models.neural_network import NeuralNetworkBuilder  # noqa: F401 (the builders need it loaded)

    builder = models.nn_builder()
    builder.add_upsample("up", scaling_factor_h=2, scaling_factor_w=2, input_name="x", output_name="y", mode="BILINEAR")
    layer = builder.spec.neuralNetwork.layers[0]
    layer.upsample.ClearField("scalingFactor")
    layer.upsample.fractionalScalingFactor.extend([math.nan, math.inf])
    bad = models.save_nn(builder, tmp_path / "nan.mlmodel")
    first, _, result = checked(bad, built["nn_clean"])
    assert first["error"] is None
    assert "NaN" not in result.stdout.replace('"NaN"', "")
    text = run_check(str(bad), "--format", "sarif")
    strict_json(text.stdout)


def test_blob_header_claiming_two_gib(tmp_path: Path, built: dict[str, Path]) -> None:
    bad = copy_model(built["mil_dilated"], tmp_path / "m.mlpackage")
    blob = bad / WEIGHTS / "weight.bin"
    data = bytearray(blob.read_bytes())
    struct.pack_into("<IIQQ", data, 64, 0xDEADBEEF, 2, 2**31, 128)
    blob.write_bytes(bytes(data))
    first, _, _ = checked(bad, built["nn_clean"])
    assert first["error"] is None
    assert unreadable_weights(first)


@pytest.mark.parametrize("where", ["model", "manifest", "inner", "weights"])
def test_fifo_is_refused_without_hanging(tmp_path: Path, built: dict[str, Path], where: str) -> None:
    if where == "model":
        bad = tmp_path / "fifo.mlmodel"
        os.mkfifo(bad)
    else:
        bad = copy_model(built["mil_dilated"], tmp_path / "m.mlpackage")
        target = {"manifest": bad / "Manifest.json", "inner": bad / "Data" / "com.apple.CoreML" / "model.mlmodel",
                  "weights": bad / WEIGHTS / "weight.bin"}[where]
        target.unlink()
        os.mkfifo(target)
    first, _, _ = checked(bad, built["nn_clean"])
    assert first["error"] and "FIFO" in first["error"]


def test_device_file_is_refused(built: dict[str, Path]) -> None:
    first, _, _ = checked(Path("/dev/zero"), built["nn_clean"])
    assert first["error"] and "FIFO, device or socket" in first["error"]


def test_manifest_is_left_as_it_was(tmp_path: Path, built: dict[str, Path]) -> None:
    package = copy_model(built["mil_clean"], tmp_path / "m.mlpackage")
    before = manifest_of(package)
    checked(package, built["nn_clean"])
    assert manifest_of(package) == before
