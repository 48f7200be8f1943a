"""contracts §2: with --device and no --os, the target OS range is the device's supported range, and a rule
applies when its own OS range intersects it. --os, when given, wins over the device's range.

The checker runs against a copy of the packaged export with two changes: the iPhone XS gets the OS range under
test, and the pooling-kernel rule (which fires on the test model's 15x15 pooling) is limited to an OS range."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ane_kb import load
from ane_kb.check import check_model
from ane_kb.data import read_export

RULE = "layer-rule/pooling-kernel-too-large"
DEVICE = "device/iphone-xs-2018"


@pytest.fixture(scope="module")
def pieces() -> dict[str, Any]:
    document = read_export(None)
    assert "applies_to" not in document["records"][RULE]  # the test gives it its only filter
    return document


def _export(tmp: Path, pieces: dict[str, Any], device_os: dict[str, Any] | None, rule_os: dict[str, Any]) -> Path:
    document = copy.deepcopy(pieces)
    document["records"][RULE]["applies_to"] = {"os": rule_os}
    device = document["records"][DEVICE]
    if device_os is not None:
        device["os"] = device_os
        device["field_sources"] = {"os": [device["sources"][0]["url"]]}
    out = tmp / "kb.json"
    out.write_text(json.dumps(document), encoding="utf-8")
    return out


def _fired(model: Path, export: Path, os: str | None = None) -> bool:
    report = check_model(model, device="iPhone XS", os=os, kb=load(export))
    assert report.error is None, report.error
    return any(f.rule == RULE for f in report.findings)


@pytest.mark.parametrize(("device_os", "fires"), [
    ({"ios": {"min": "14"}}, False),                 # the rule stops at iOS 13, the device starts at 14
    ({"ios": {"min": "12.0", "max": "18"}}, True),
    ({"ios": {"min": "13.2"}}, True),                # "13" covers 13.x
    ({"macos": {"min": "14"}}, True),                # no platform in common: the rule is not excluded
    (None, True),                                    # no range recorded: OS ranges do not filter
])
def test_rule_limited_to_old_ios(built: dict[str, Path], tmp_path: Path, pieces: Any, device_os: Any,
                                 fires: bool) -> None:
    export = _export(tmp_path, pieces, device_os, {"ios": {"max": "13"}})
    assert _fired(built["lstm_pool"], export) is fires


def test_rule_for_newer_ios_than_the_device_runs(built: dict[str, Path], tmp_path: Path, pieces: Any) -> None:
    export = _export(tmp_path, pieces, {"ios": {"min": "12.0", "max": "18"}}, {"ios": {"min": "26"}})
    assert _fired(built["lstm_pool"], export) is False


def test_explicit_os_wins_over_the_device_range(built: dict[str, Path], tmp_path: Path, pieces: Any) -> None:
    export = _export(tmp_path, pieces, {"ios": {"min": "14"}}, {"ios": {"max": "13"}})
    assert _fired(built["lstm_pool"], export, os="ios13.1") is True
    assert _fired(built["lstm_pool"], export, os="ios17") is False
