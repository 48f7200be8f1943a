"""Device fields in the package: lookup by machine identifier and model number, the OS range filter of
`device_rules`, and `ane-kb device --format json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ane_kb import UnknownIdError, load
from ane_kb.cli import main
from ane_kb.device_rules import for_device
from ane_kb.platforms import ranges_meet
from tests.device_kb import device_kb


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return device_kb(tmp_path_factory.mktemp("devkb"))


@pytest.mark.parametrize("code", ["iPhone11,2", "iphone11,2", "IPHONE11,2", " iPhone11,2 ", "A1920", "a2097"])
def test_lookup_by_machine_id_and_model_number(export: Path, code: str) -> None:
    assert load(export).devices.lookup(code).id == "iphone-xs"


def test_unknown_identifier_is_unknown(export: Path) -> None:
    with pytest.raises(UnknownIdError):
        load(export).devices.lookup("iPhone99,9")


def test_record_fields_are_typed(export: Path) -> None:
    device = load(export).devices["iphone-xs"]
    assert device.os == {"ios": ("12.0", "18")}
    assert device.machine_ids == ("iPhone11,2",) and device.model_numbers == ("A1920", "A2097")
    assert device.name_zh == "iPhone XS"
    assert device.field_sources["os"] == ("https://example.org/devices",)


def test_fields_absent_by_default(kb) -> None:  # type: ignore[no-untyped-def]
    device = kb.devices["iphone-xs"]
    assert (device.os, device.machine_ids, device.model_numbers, device.name_zh) == ({}, (), (), None)


@pytest.mark.parametrize(("rule", "device", "meets"), [
    ({"ios": ("13", "17.4")}, {"ios": ("12.0", "18")}, True),
    ({"ios": (None, "13")}, {"ios": ("14", None)}, False),
    ({"ios": (None, "13")}, {"ios": ("13.7", None)}, True),
    ({"ios": ("26", None)}, {"ios": ("12.0", "18")}, False),
    ({"ios": ("18.1", None)}, {"ios": ("12.0", "18")}, True),
    ({"macos": ("15", None)}, {"ios": ("12.0", "18")}, True),
    ({}, {"ios": ("14", None)}, True),
])
def test_ranges_meet(rule: dict, device: dict, meets: bool) -> None:  # type: ignore[type-arg]
    assert ranges_meet(rule, device) is meets


@pytest.mark.parametrize(("os", "fires"), [('{ios: {min: "14"}}', False), ('{ios: {min: "12"}}', True)])
def test_device_rules_honour_the_device_range(tmp_path: Path, os: str, fires: bool) -> None:
    kb = load(device_kb(tmp_path, os=os, rule_os='{ios: {max: "13"}}'))
    refs = [a.rule.ref for a in for_device(kb, kb.devices["iphone-xs"])]
    assert ("layer-rule/pool-big" in refs) is fires


def test_device_json_has_the_fields(export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["device", "A1920", "--format", "json", "--data", str(export)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["device"] == "device/iphone-xs"
    assert data["os"] == {"ios": {"min": "12.0", "max": "18"}}
    assert data["machine_ids"] == ["iPhone11,2"] and data["model_numbers"] == ["A1920", "A2097"]
    assert data["name_zh"] == "iPhone XS"
    assert data["field_sources"]["machine_ids"] == ["https://example.org/devices"]


@pytest.mark.parametrize(("lang", "expected"), [("en", "Machine identifiers: iPhone11,2"), ("zh", "机型标识符: iPhone11,2")])
def test_device_text_shows_the_fields(export: Path, capsys: pytest.CaptureFixture[str], lang: str,
                                      expected: str) -> None:
    assert main(["device", "iphone11,2", "--lang", lang, "--data", str(export)]) == 0
    assert expected in capsys.readouterr().out


def test_device_text_says_not_recorded(mini_export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["device", "iPhone XS", "--data", str(mini_export)]) == 0
    out = capsys.readouterr().out
    assert "Machine identifiers: not recorded" in out and "OS: not recorded" in out


@pytest.mark.parametrize("code", ["iPhone11,2", "a1920"])
def test_check_device_accepts_identifiers(export: Path, code: str) -> None:
    from ane_kb.check import resolve_target

    target = resolve_target(load(export), code)
    assert target.device is not None and target.device.id == "iphone-xs"
    assert target.label == "iPhone XS (2018)"


@pytest.mark.parametrize("code", ["iPhone13,3", "A2341"])
def test_the_packaged_data_finds_the_iphone_12_pro(capsys: pytest.CaptureFixture[str], code: str) -> None:
    """Issue #19's example, on the shipped records: an app's hw.machine value or the model number on the box."""
    assert main(["device", code, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["device"] == "device/iphone-12-pro-2020"
    assert "iPhone13,3" in data["machine_ids"] and "A2341" in data["model_numbers"]
