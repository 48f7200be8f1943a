"""Placement files (schema/placement.schema.json) and the calibration benchmark that reads them (#16)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from ane_kb.placement import ANE, NOT_ANE, UNKNOWN, PlacementError, load, measured

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "benchmarks" / "placement").rglob("*.json"))
SCHEMA = json.loads((ROOT / "schema" / "placement.schema.json").read_text())


def test_there_are_enough_cases_of_both_kinds() -> None:
    states = []
    for path in CASES:
        data = json.loads(path.read_text())
        keys = {measured(op, data["examined"]) for op in data["ops"] if op.get("key")}
        states.append(NOT_ANE if NOT_ANE in keys else ANE if keys == {ANE} else UNKNOWN)
    assert len(CASES) >= 60 and states.count(ANE) >= 20 and states.count(NOT_ANE) >= 20


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_case_follows_the_schema_and_cites_its_source(path: Path) -> None:
    data = json.loads(path.read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert data["id"] == path.stem
    assert data["source"]["url"].startswith("https://") and data["source"]["excerpt"].strip()
    assert any(op.get("key") for op in data["ops"]) and "build" in data


@pytest.mark.parametrize(("op", "examined", "expected"), [
    ({"supported": ["cpu", "ane"], "preferred": "cpu"}, ["cpu", "ane"], ANE),
    ({"supported": None, "preferred": "ane"}, ["cpu", "ane"], ANE),
    ({"supported": ["cpu"], "preferred": "cpu"}, ["cpu", "ane"], NOT_ANE),
    ({"supported": ["cpu"], "preferred": "cpu"}, ["cpu"], UNKNOWN),
    ({"supported": None, "preferred": "cpu"}, ["cpu", "ane"], UNKNOWN),
])
def test_measured_reads_the_ane_among_the_supported_devices(op: dict[str, object], examined: list[str],
                                                              expected: str) -> None:
    assert measured(op, examined) == expected


@pytest.mark.parametrize(("text", "problem"), [
    ("{", "not a JSON placement file"),
    ("[]", "the top level is not an object"),
    ('{"format_version": 9, "ops": [], "examined": []}', "format_version 9 is not supported"),
    ('{"format_version": 1, "ops": [], "examined": ["ane"]}', "ops: expected a non-empty list"),
])
def test_a_bad_placement_file_is_one_line_naming_it(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(PlacementError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and problem in message and "\n" not in message


def test_the_calibration_benchmark_runs_on_a_few_cases() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "placement.py"), "--tiny"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "verdict confusion table" in out and "per-op agreement" in out
    assert "4/4 = 100.0 %" in out.split("targets")[1].splitlines()[1], out


def _document(url: str) -> str:
    """A cited document without its commit: repository and path, or the whole URL."""
    head, _, tail = url.partition("/blob/")
    return f"{head}/{tail.partition('/')[2]}" if tail else url


def test_every_not_placed_measurement_is_an_observation_in_the_kb() -> None:
    from ane_kb import default

    kb = default()
    recorded = {(chip, _document(o.source or "")) for r in kb.rules for o in r.observed_on or () for chip in o.chips or ()}
    missing = set()
    for path in CASES:
        data = json.loads(path.read_text())
        target = data.get("compiler_target") or data["host"]
        chip = target.get("chip")
        keys = {measured(op, data["examined"]) for op in data["ops"] if op.get("key")}
        urls = [data["source"]["url"]] + [also["url"] for also in data["source"].get("also", [])]
        if chip and NOT_ANE in keys and not any((f"chip/{chip}", _document(url)) in recorded for url in urls):
            missing.add((chip, _document(data["source"]["url"])))
    assert not missing, missing
