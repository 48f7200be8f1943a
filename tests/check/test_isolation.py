"""Isolation (contracts §6): a model the checker fails on becomes that model's error, with exit code 2, and every
other model of the run keeps its result in JSON, SARIF and text. Also: a closed pipe, escaped text, --device."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ane_kb import cli
from ane_kb.check import extract
from tests.check import models
from tests.check.conftest import check_json, run_check
from tests.check.mutations import mutated, nn_layer

BROKEN = "broken.mlmodel"


@pytest.fixture
def failing_on_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker itself fails (a bug, not bad input) on every op of models whose file is named BROKEN."""
    real = extract.parameters

    def parameters(node: Any, *args: Any, **kwargs: Any) -> Any:
        if node.name == "broken_layer":
            raise AttributeError("'str' object has no attribute 'ListFields'")
        return real(node, *args, **kwargs)

    monkeypatch.setattr(extract, "parameters", parameters)


def _broken(tmp_path: Path, good: Path) -> Path:
    return mutated(good, tmp_path / BROKEN, lambda s: setattr(nn_layer(s, "pooling"), "name", "broken_layer"))


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("failing_on_broken")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_internal_error_is_that_models_error(tmp_path: Path, built: dict[str, Path], capsys: pytest.CaptureFixture[str],
                                             lang: str) -> None:
    broken = _broken(tmp_path, built["nn_clean"])
    code, out, err = _run(capsys, str(built["lstm_pool"]), str(broken), str(built["mil_clean"]), "--format", "json",
                          "--lang", lang)
    assert code == 2
    first, second, third = json.loads(out)["models"]
    assert second["error"].startswith("internal error while checking" if lang == "en" else "检查这个模型时出现内部错误")
    assert "AttributeError" in second["error"] and "/issues" in second["error"] and "\n" not in second["error"]
    assert second["verdict"] == "unknown" and second["findings"] == []
    assert first["error"] is None and any(f["rule"] == "layer-rule/recurrent-layers" for f in first["findings"])
    assert third["error"] is None and third["verdict"] != "unknown"
    assert err.strip().splitlines() == [f"ane-kb: error: {broken}: {second['error']}"]


@pytest.mark.usefixtures("failing_on_broken")
def test_every_output_keeps_the_other_models(tmp_path: Path, built: dict[str, Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    broken = _broken(tmp_path, built["nn_clean"])
    code, sarif, _ = _run(capsys, str(broken), str(built["lstm_pool"]), "--format", "sarif")
    run = json.loads(sarif)["runs"][0]
    assert code == 2 and run["invocations"][0]["executionSuccessful"] is False
    assert "internal error" in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    assert any(r["ruleId"] == "layer-rule/recurrent-layers" for r in run["results"])
    code, text, _ = _run(capsys, str(broken), str(built["lstm_pool"]))
    assert code == 2 and f"{broken}: cannot be read: internal error while checking" in text
    assert "layer-rule/recurrent-layers" in text


@pytest.mark.usefixtures("failing_on_broken")
def test_debug_variable_gives_the_traceback(tmp_path: Path, built: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANE_KB_DEBUG", "1")
    with pytest.raises(AttributeError):
        cli.main(["check", str(_broken(tmp_path, built["nn_clean"]))])


def test_good_then_broken_model_prints_both(tmp_path: Path, built: dict[str, Path]) -> None:
    broken = tmp_path / "broken.mlmodel"
    broken.write_bytes(built["nn_clean"].read_bytes()[:-7] + b"\xff" * 7)
    report, result = check_json(str(built["nn_clean"]), str(broken))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    good, bad = report["models"]
    assert good["error"] is None and good["verdict"] != "unknown" and bad["error"]
    assert [m["path"] for m in report["models"]] == [str(built["nn_clean"]), str(broken)]


def test_closed_pipe_ends_quietly(built: dict[str, Path]) -> None:
    for args in (["check", str(built["lstm_pool"]), "--format", "json"], ["check", str(built["lstm_pool"])], ["rules"]):
        process = subprocess.Popen([sys.executable, "-m", "ane_kb", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        err = process.stderr.read().decode()
        assert process.wait(timeout=60) == cli.PIPE_CLOSED
        assert err == "", err


@pytest.mark.parametrize("name", ["a\r\nERRORS (0)", "evil\u202elayer", "bell\x07\x1b[2J"])
def test_names_from_the_model_are_escaped_in_text(tmp_path: Path, name: str) -> None:
    builder = models.nn_builder()
    builder.add_pooling(name, height=15, width=15, stride_height=1, stride_width=1, layer_type="MAX",
                        padding_type="SAME", input_name="x", output_name="y")
    model = models.save_nn(builder, tmp_path / "named.mlmodel")
    result = run_check(str(model), "--device", "device/iphone-xs-2018")
    assert result.returncode in (0, 1), result.stderr
    assert not any(ch in result.stdout for ch in "\r\x07\x1b\u202e")
    assert "ERRORS (0)" not in result.stdout.splitlines()
    escaped = name.encode("unicode_escape").decode().replace("\\r", "\\x0d").replace("\\n", "\\x0a")
    assert escaped in result.stdout
    report, _ = check_json(str(model))
    assert any(f["layer"] == name for f in report["models"][0]["findings"])


@pytest.mark.parametrize("device", ["A14", "Chip/A14", "a14 bionic", "M4 PRO", "IPHONE 12 PRO", "iphone 12 pro (2020)"])
def test_device_look_up_ignores_case(built: dict[str, Path], device: str) -> None:
    result = run_check(str(built["nn_clean"]), "--device", device)
    assert result.returncode == 0, result.stderr


def test_ambiguous_device_lists_each_candidate_once(built: dict[str, Path]) -> None:
    result = run_check(str(built["nn_clean"]), "--device", "macbook PRO 14-inch")
    assert result.returncode == 2
    candidates = result.stderr.strip().split("candidates: ", 1)[1].split(", ")
    assert len(candidates) > 1 and len(candidates) == len(set(candidates))
