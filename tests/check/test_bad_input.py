"""Each bad input gets exit 2 and one clear line for that model; the other models are still reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.check.conftest import check_json, copy_package, run_check


def _single_error(bad: Path, good: Path, expected: str) -> None:
    report, result = check_json(str(bad), str(good))
    assert result.returncode == 2
    first, second = report["models"]
    assert first["error"] is not None and expected in first["error"], first["error"]
    assert second["error"] is None and second["verdict"] != "unknown"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0] == f"ane-kb: error: {bad}: {first['error']}"
    assert "Traceback" not in result.stderr


def test_missing_file(tmp_path: Path, built: dict[str, Path]) -> None:
    _single_error(tmp_path / "absent.mlmodel", built["nn_clean"], "file not found")


def test_empty_file(tmp_path: Path, built: dict[str, Path]) -> None:
    empty = tmp_path / "empty.mlmodel"
    empty.write_bytes(b"")
    _single_error(empty, built["nn_clean"], "is empty")


def test_random_bytes(tmp_path: Path, built: dict[str, Path]) -> None:
    noise = tmp_path / "noise.mlmodel"
    noise.write_bytes(bytes(range(256)) * 7)
    _single_error(noise, built["nn_clean"], "not a Core ML model")


def test_truncated_protobuf(tmp_path: Path, built: dict[str, Path]) -> None:
    data = built["lstm_pool"].read_bytes()
    cut = tmp_path / "cut.mlmodel"
    cut.write_bytes(data[: len(data) // 2])
    report, result = check_json(str(cut), str(built["nn_clean"]))
    assert result.returncode == 2
    assert report["models"][0]["error"] in (
        "the file is not a Core ML model (its bytes do not parse as a Core ML spec)",
        "the file holds no model: it is empty, truncated or not a Core ML spec")


def test_package_without_manifest(tmp_path: Path, built: dict[str, Path]) -> None:
    package = copy_package(built["mil_clean"], tmp_path / "m.mlpackage")
    (package / "Manifest.json").unlink()
    _single_error(package, built["nn_clean"], "Manifest.json is missing")


def test_package_without_weights_folder(tmp_path: Path, built: dict[str, Path]) -> None:
    package = copy_package(built["mil_clean"], tmp_path / "m.mlpackage")
    shutil.rmtree(package / "Data" / "com.apple.CoreML" / "weights")
    _single_error(package, built["nn_clean"], "weights")


def test_compiled_model_folder(tmp_path: Path, built: dict[str, Path]) -> None:
    compiled = tmp_path / "m.mlmodelc"
    compiled.mkdir()
    (compiled / "model.espresso.net").write_text("{}", encoding="utf-8")
    _single_error(compiled, built["nn_clean"], "model.espresso.net cannot be read: it has no list of layers")


@pytest.mark.parametrize(("name", "kind"), [("m.pt", "PyTorch"), ("m.onnx", "ONNX"), ("m.tflite", "TensorFlow Lite")])
def test_other_frameworks(tmp_path: Path, built: dict[str, Path], name: str, kind: str) -> None:
    other = tmp_path / name
    other.write_bytes(b"\x00\x01not core ml")
    _single_error(other, built["nn_clean"], "convert it with coremltools first")
    assert kind in check_json(str(other))[0]["models"][0]["error"]


@pytest.mark.parametrize(("device", "expected"), [
    ("Nokia 3310", "no device named 'Nokia 3310'"),
    ("MacBook Pro 14-inch", "is ambiguous; candidates: "),
])
def test_bad_device_is_refused_before_any_model_is_read(tmp_path: Path, built: dict[str, Path], device: str, expected: str) -> None:
    result = run_check(str(built["nn_clean"]), str(tmp_path / "absent.mlmodel"), "--device", device)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and lines[0].startswith("ane-kb: error: ")


def test_ambiguous_device_lists_the_candidates(built: dict[str, Path]) -> None:
    result = run_check(str(built["nn_clean"]), "--device", "MacBook Pro 14-inch")
    assert "macbook-pro-14-inch-2021" in result.stderr and "macbook-pro-14-inch-2024" in result.stderr


def test_bad_os(built: dict[str, Path]) -> None:
    result = run_check(str(built["nn_clean"]), "--os", "android14")
    assert result.returncode == 2 and "unknown OS target 'android14'" in result.stderr


def test_unknown_ignore_rule(built: dict[str, Path]) -> None:
    result = run_check(str(built["nn_clean"]), "--ignore", "layer-rule/nope")
    assert result.returncode == 2 and "--ignore: no record 'layer-rule/nope'" in result.stderr


def test_weight_file_alone_missing_still_checks(tmp_path: Path, built: dict[str, Path]) -> None:
    package = copy_package(built["mil_dilated"], tmp_path / "m.mlpackage")
    (package / "Data" / "com.apple.CoreML" / "weights" / "weight.bin").unlink()
    report, result = check_json(str(package))
    model = report["models"][0]
    assert model["error"] is None
    assert any(f["rule"] == "layer-rule/dilated-convolution" for f in model["findings"])
    assert json.dumps(report)
