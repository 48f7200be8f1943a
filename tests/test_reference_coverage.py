"""Every fact of the reference files and every seed section maps to records, or says why not."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.reference_ids import SHARED, from_references, snapshot

COVERAGE = ROOT / "tests" / "data" / "reference-coverage.yaml"


@pytest.fixture(scope="module")
def coverage() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COVERAGE.read_text(encoding="utf-8"))["facts"]
    return data


def test_snapshot_matches_the_reference_files() -> None:
    if not SHARED.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} is missing in CI")
        pytest.skip("../shared/reference is not beside this checkout")
    assert snapshot() == from_references(), "run `python -m tests.reference_ids` to refresh the snapshot"


def test_every_fact_is_accounted_for(coverage: dict[str, Any]) -> None:
    missing = [fact for fact in snapshot() if fact not in coverage]
    assert missing == []


def test_every_entry_names_existing_records_or_a_reason(coverage: dict[str, Any]) -> None:
    problems = []
    for fact, entry in coverage.items():
        records = entry.get("records") or []
        reason = entry.get("left_out")
        if not records and not (isinstance(reason, str) and len(reason) > 10):
            problems.append(f"{fact}: needs records or a left_out reason")
        for ref in records:
            kind, _, record_id = ref.partition("/")
            if not (ROOT / "kb" / kind / f"{record_id}.yaml").is_file():
                problems.append(f"{fact}: {ref} does not exist")
    assert problems == []


def test_rule_and_precision_facts_map_to_records(coverage: dict[str, Any]) -> None:
    """The rules issue's bar: a layer-rule or precision fact is carried by a record, or merged with a reason."""
    facts = [f for f in snapshot() if f.startswith(("layer-", "place-", "prec-", "precision-"))]
    assert facts, "no rule facts found"
    unmapped = [f for f in facts if not coverage[f].get("records") and "merged" not in str(coverage[f].get("left_out"))]
    assert unmapped == []


def test_every_rule_with_a_condition_has_worked_examples() -> None:
    missing = []
    for path in sorted((ROOT / "kb" / "layer-rule").glob("*.yaml")) + sorted((ROOT / "kb" / "precision").glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        expects = {e["expect"] for e in record.get("examples", [])}
        if "condition" in record and not {"match", "no-match"} <= expects:
            missing.append(path.name)
    assert missing == []
