"""The verdict from errors alone, risks, cost-model notes, meaningful underflow and the quiet text report (#16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ane_kb import default
from ane_kb.check.severity import severity
from tests.check import models
from tests.check.conftest import check_json, run_check

TINY = "layer-rule/tiny-model-stays-on-cpu"
SWITCH = "layer-rule/segment-switch-cost"
UNDERFLOW = "precision/fp16-underflow-to-zero"


@pytest.fixture(scope="module")
def cnn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return models.mil_clean_cnn(tmp_path_factory.mktemp("cnn") / "cnn.mlpackage")


def _findings(report: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in report["models"][0]["findings"] if f["rule"] == rule]


def test_a_clean_cnn_is_likely_all_on_the_ane(cnn: Path) -> None:
    report, result = check_json(str(cnn))
    model = report["models"][0]
    assert model["verdict"] == "likely-all-ane", [(f["rule"], f["severity"]) for f in model["findings"]]
    assert model["summary"]["risks"] == {"warnings": 0, "rules": []}
    assert result.returncode == 0


def test_random_fp16_weights_give_no_underflow_warning(cnn: Path) -> None:
    report, _ = check_json(str(cnn))
    found = _findings(report, UNDERFLOW)
    assert found and all(f["severity"] == "info" and f["layer"] is None for f in found)
    assert len(found) == 1, "subnormal-only tensors give one note per model"


def test_underflow_warns_when_values_really_flush_to_zero(tmp_path: Path) -> None:
    flushing = models.mil_with_weights(tmp_path / "flush.mlpackage", [1e-9] * 5)
    report, _ = check_json(str(flushing))
    [warning] = [f for f in _findings(report, UNDERFLOW) if f["severity"] == "warning"]
    assert warning["values"]["to_zero"] == 5 and warning["layer"]


def test_one_flushed_value_in_many_is_not_a_warning(tmp_path: Path) -> None:
    few = models.mil_with_weights(tmp_path / "few.mlpackage", [1e-9], channels=64)  # 1 of 256 values
    report, _ = check_json(str(few))
    assert [f["severity"] for f in _findings(report, UNDERFLOW)] == ["info"]


def test_a_weightless_matmul_gets_no_tiny_model_finding(tmp_path: Path) -> None:
    report, _ = check_json(str(models.mil_weightless_matmul(tmp_path / "mm.mlpackage")))
    assert not _findings(report, TINY)
    assert report["models"][0]["verdict"] == "likely-all-ane"


def test_a_small_model_with_weights_gets_a_cost_model_note(cnn: Path) -> None:
    report, _ = check_json(str(cnn))
    [note] = _findings(report, TINY)
    assert note["severity"] == "info"


def test_prefers_cpu_is_information_even_when_confirmed() -> None:
    kb = default()
    rules = [r for r in kb.rules if r.effect and r.effect.kind == "prefers-cpu"]
    assert {TINY, SWITCH, "layer-rule/sdpa-small-shapes-prefer-cpu"} <= {r.ref for r in rules}
    assert {severity(r, True) for r in rules} == {"info"}


def test_segment_switch_cost_counts_only_error_level_fallbacks(built: dict[str, Path]) -> None:
    speculative, _ = check_json(str(built["mil_dilated"]), "--device", "iPhone XS")
    assert _findings(speculative, "layer-rule/dilated-convolution")[0]["severity"] == "warning"
    assert not _findings(speculative, SWITCH)
    confirmed, _ = check_json(str(built["lstm_pool"]), "--device", "iPhone XS")
    assert [f["severity"] for f in _findings(confirmed, SWITCH)] == ["info"]


def test_warnings_never_move_an_op_off_in_segments(built: dict[str, Path]) -> None:
    report, _ = check_json(str(built["mil_dilated"]), "--device", "iPhone XS")
    model = report["models"][0]
    assert all(s["ane"] for s in model["summary"]["segments"])
    assert model["summary"]["risks"]["warnings"] >= 1 and model["verdict"] == "likely-all-ane"


@pytest.mark.parametrize("name", ["lstm_pool", "mil_dilated", "mil_clean", "nn_clean", "nn_nested"])
def test_the_exit_code_agrees_with_the_verdict(built: dict[str, Path], name: str) -> None:
    report, result = check_json(str(built[name]), "--device", "iPhone XS")
    verdict = report["models"][0]["verdict"]
    assert (verdict == "likely-all-ane") == (result.returncode == 0), verdict


def test_a_clean_cnn_report_fits_one_screen(cnn: Path) -> None:
    lines = run_check(str(cnn)).stdout.rstrip("\n").splitlines()
    assert len(lines) <= 25 and max(len(line) for line in lines) <= 100, "\n".join(lines)


def test_the_last_line_says_why_the_exit_code_is_not_zero(built: dict[str, Path]) -> None:
    result = run_check(str(built["lstm_pool"]), "--device", "iPhone XS")
    assert result.returncode == 1
    assert result.stdout.rstrip("\n").splitlines()[-1].startswith("exit code 1: ")
    zh = run_check(str(built["lstm_pool"]), "--device", "iPhone XS", "--lang", "zh")
    assert zh.stdout.rstrip("\n").splitlines()[-1].startswith("退出码 1")
    clean = run_check(str(built["mil_clean"]))
    assert clean.returncode == 0 and "exit code" not in clean.stdout


def test_unevaluable_rules_are_one_line_unless_verbose(tmp_path: Path) -> None:
    model = str(models.mil_flexible_matmul(tmp_path / "flex.mlpackage"))
    quiet = run_check(model).stdout
    assert "could not be evaluated" in quiet and "could not be checked" not in quiet
    loud = run_check(model, "--verbose").stdout
    assert "could not be evaluated" not in loud and "could not be checked" in loud


@pytest.mark.parametrize("transpose_x", [False, True])
def test_a_matmul_reduction_depth_is_read_from_its_operand(tmp_path: Path, transpose_x: bool) -> None:
    deep = models.mil_weightless_matmul(tmp_path / "deep.mlpackage", size=2, depth=40000, transpose_x=transpose_x)
    report, _ = check_json(str(deep), "--device", "iPad Pro 13-inch (2024)")
    [finding] = _findings(report, "layer-rule/matmul-reduction-over-32768")
    assert finding["severity"] == "error" and finding["values"]["matmul_inner_dim"] == [40000]
    shallow, _ = check_json(str(models.mil_weightless_matmul(tmp_path / "mm.mlpackage")))
    assert not [f for f in shallow["models"][0]["findings"] if "matmul-reduction" in f["rule"]]


def test_the_text_report_counts_warnings_in_one_risks_line(built: dict[str, Path]) -> None:
    lines = run_check(str(built["mil_dilated"]), "--device", "iPhone XS").stdout.splitlines()
    risks = [line for line in lines if line.startswith("  risks: ")]
    assert len(risks) == 1 and "layer-rule/dilated-convolution" in risks[0] and "do not change the verdict" in risks[0]
