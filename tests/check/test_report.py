"""Reports: the JSON contract, text in both languages, targets, ignores, exit codes, nesting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ane_kb.check import check_model
from generator import schemas
from tests.check.conftest import check_json, run_check


def _validator() -> Any:
    return schemas.validator("check.schema.json")


def _rules(model: dict[str, Any], severity: str | None = None) -> set[str]:
    return {f["rule"] for f in model["findings"] if severity is None or f["severity"] == severity}


def test_json_matches_the_contract_schema(built: dict[str, Path]) -> None:
    report, result = check_json(*(str(p) for p in built.values()), "--device", "iPhone 12 Pro", "--os", "ios17.4")
    errors = [e.message for e in _validator().iter_errors(report)]
    assert errors == []
    assert report["tool"]["name"] == "ane-kb"
    assert [m["path"] for m in report["models"]] == [str(p) for p in built.values()]
    assert result.returncode == 1


def test_lstm_and_big_pooling_are_both_found(built: dict[str, Path]) -> None:
    report, _ = check_json(str(built["lstm_pool"]), "--device", "iPhone XS")
    model = report["models"][0]
    lstm = [f for f in model["findings"] if f["rule"] == "layer-rule/recurrent-layers"]
    pool = [f for f in model["findings"] if f["rule"] == "layer-rule/pooling-kernel-too-large"]
    assert lstm and lstm[0]["layer"] == "lstm" and lstm[0]["op"] == "uniDirectionalLSTM" and lstm[0]["severity"] == "error"
    assert pool and pool[0]["values"] == {"kernel_size": [15, 15]}
    assert pool[0]["docs"].endswith("/layer-rule/pooling-kernel-too-large/")
    assert all(s.startswith("https://") for s in pool[0]["sources"])


def test_just_under_the_threshold_is_clean(built: dict[str, Path]) -> None:
    report, _ = check_json(str(built["lstm_pool_13"]), "--device", "iPhone XS")
    assert "layer-rule/pooling-kernel-too-large" not in _rules(report["models"][0])


def test_changing_the_device_changes_the_risks(built: dict[str, Path]) -> None:
    old, _ = check_json(str(built["mil_dilated"]), "--device", "iPhone XS")
    new, _ = check_json(str(built["mil_dilated"]), "--device", "iPad Pro 13-inch (2024)")
    assert "layer-rule/dilated-convolution" in _rules(old["models"][0])
    assert "layer-rule/dilated-convolution" not in _rules(new["models"][0])
    # the dilated-convolution rule is disputed: a warning, counted as a risk, never an op off the ANE
    assert old["models"][0]["summary"]["risks"]["rules"] == ["layer-rule/dilated-convolution"]
    assert new["models"][0]["summary"]["risks"]["rules"] == []
    assert old["models"][0]["verdict"] == new["models"][0]["verdict"] == "likely-all-ane"


def test_a_device_whose_ane_core_ml_cannot_use(built: dict[str, Path]) -> None:
    report, result = check_json(str(built["mil_clean"]), "--device", "iPhone X")
    model = report["models"][0]
    blocker = [f for f in model["findings"] if f["layer"] is None and f["severity"] == "error" and f["rule"] == "chip/a11"]
    assert blocker and "Core ML cannot use the Neural Engine" in blocker[0]["message"]
    assert model["verdict"] == "unlikely" and result.returncode == 1


def test_a_device_with_several_chips_names_them(built: dict[str, Path]) -> None:
    report, _ = check_json(str(built["lstm_pool"]), "--device", "Mac Studio (2025)")
    lstm = [f for f in report["models"][0]["findings"] if f["rule"] == "layer-rule/recurrent-layers"]
    assert lstm and "M3 Ultra" in lstm[0]["message"] and "M4 Max" in lstm[0]["message"]


def test_chip_id_as_device(built: dict[str, Path]) -> None:
    report, result = check_json(str(built["mil_dilated"]), "--device", "m4")
    assert result.returncode in (0, 1) and report["models"][0]["verdict"] == "likely-all-ane"


def test_ignore_drops_the_rule_and_says_so(built: dict[str, Path]) -> None:
    report, _ = check_json(str(built["lstm_pool"]), "--ignore", "layer-rule/recurrent-layers", "--ignore", "recurrent-layers")
    model = report["models"][0]
    assert "layer-rule/recurrent-layers" not in _rules(model)
    assert model["summary"]["ignored_rules"] == ["layer-rule/recurrent-layers"]


@pytest.mark.parametrize(("fail_on", "code"), [("error", 1), ("warning", 1), ("never", 0)])
def test_fail_on(built: dict[str, Path], fail_on: str, code: int) -> None:
    assert run_check(str(built["lstm_pool"]), "--fail-on", fail_on).returncode == code


def test_clean_model_passes_with_default_fail_on(built: dict[str, Path]) -> None:
    result = run_check(str(built["mil_clean_big"]), "--device", "m4")
    assert result.returncode == 0, result.stdout
    report, _ = check_json(str(built["mil_clean_big"]), "--device", "m4")
    assert report["models"][0]["verdict"] == "likely-all-ane"
    assert not [f for f in report["models"][0]["findings"] if f["severity"] != "info"]


def test_tree_ensemble_is_not_applicable(built: dict[str, Path]) -> None:
    report, result = check_json(str(built["tree"]))
    model = report["models"][0]
    assert (model["verdict"], model["error"], result.returncode) == ("not-applicable", None, 0)
    assert "not a neural network" in model["message"]


def test_nested_networks_are_walked(built: dict[str, Path]) -> None:
    nn, _ = check_json(str(built["nn_nested"]), "--device", "iPhone XS")
    inner = [f for f in nn["models"][0]["findings"] if f["rule"] == "layer-rule/dilated-convolution"]
    assert inner and inner[0]["path"] == "branch/if" and inner[0]["layer"] == "inner_conv"
    mil, _ = check_json(str(built["mil_nested"]), "--device", "iPhone XS")
    paths = {f["path"] for f in mil["models"][0]["findings"] if f["layer"]}
    assert "branch/block0" in paths and "branch/block1" in paths


def test_pipelines_are_walked(built: dict[str, Path]) -> None:
    for name in ("nn_pipeline", "mil_pipeline"):
        report, _ = check_json(str(built[name]), "--device", "iPhone XS")
        model = report["models"][0]
        assert model["format"] == "pipeline"
        assert any(f["path"].startswith("models[") for f in model["findings"])


def test_uncovered_ops_are_listed(built: dict[str, Path]) -> None:
    report, _ = check_json(str(built["mil_clean"]))
    assert "cast" in report["models"][0]["summary"]["uncovered_ops"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_text_report_is_readable(built: dict[str, Path], lang: str) -> None:
    result = run_check(str(built["lstm_pool"]), "--device", "iPhone XS", "--lang", lang)
    text = result.stdout
    if lang == "en":
        assert "ERRORS (" in text and "verdict:" in text and "A clean report is not a guarantee" in text
    else:
        assert "错误 (" in text and "结论" in text and "报告干净并不代表" in text and "循环" in text
    assert "uniDirectionalLSTM" in text and "docs" in text or "详见" in text


def test_python_api_returns_typed_objects(built: dict[str, Path]) -> None:
    report = check_model(built["lstm_pool"], device="iPhone XS", os="ios17.4")
    assert report.format == "neuralnetwork"
    assert any(f.rule == "layer-rule/recurrent-layers" for f in report.findings)
    assert report.summary.layers == 3
    assert json.loads(json.dumps(report.to_dict()))["verdict"] == report.verdict


def test_findings_in_chinese(built: dict[str, Path]) -> None:
    report, _ = check_json(str(built["lstm_pool"]), "--lang", "zh")
    lstm = [f for f in report["models"][0]["findings"] if f["rule"] == "layer-rule/recurrent-layers"][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lstm["message"])
    assert "/zh/layer-rule/recurrent-layers/" in lstm["docs"]


def test_the_checker_does_not_start_coremltools(built: dict[str, Path]) -> None:
    import subprocess
    import sys

    code = ("import sys; from ane_kb.check import check_model; "
            f"check_model({str(built['lstm_pool'])!r}); print('coremltools' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_text_lines_fit_the_terminal_and_keep_the_evidence_whole(tmp_path: Path, lang: str) -> None:
    from ane_kb.check.text_report import WIDTH
    from ane_kb.wrapping import columns
    from tests.check import models

    result = run_check(str(models.layer_norm(tmp_path / "bert", 1e-12, "mlprogram")), "--lang", lang, "--verbose")
    lines = result.stdout.splitlines()
    assert any(line.strip() == "epsilon: 5.96046e-08 < 1e-07" or line.endswith(" epsilon: 5.96046e-08 < 1e-07")
               for line in lines), result.stdout
    too_wide = [line for line in lines[1:] if columns(line) > WIDTH and "://" not in line]  # [0]: the path
    assert too_wide == []
    if lang == "zh":  # filled by display width: a full line of prose uses most of the columns
        assert max(columns(line) for line in lines) > WIDTH * 3 // 4
