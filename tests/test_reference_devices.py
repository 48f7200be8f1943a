"""Every device entry of the reference, typed as the reference writes it, finds its record."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from ane_kb import AmbiguousNameError, KnowledgeBase, load
from tests.conftest import ROOT

ROWS: list[dict[str, Any]] = yaml.safe_load(
    (ROOT / "tests" / "data" / "reference-devices.yaml").read_text(encoding="utf-8"))["devices"]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load(ROOT / "src" / "ane_kb" / "data" / "kb.json")


def test_every_reference_entry_is_listed() -> None:
    assert len(ROWS) == 139  # 132 rows under the chips, 7 on the "no Neural Engine" list
    assert sum(1 for r in ROWS if r["section"] == "1.3") == 132


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['line']}@{r['chip']}")
def test_reference_line_finds_its_record(kb: KnowledgeBase, row: dict[str, Any]) -> None:
    expected = set(row.get("records") or [row["record"]])
    try:
        found = {kb.devices.lookup(row["line"]).ref}
    except AmbiguousNameError as exc:
        found = {f"device/{c}" for c in exc.candidates}
    assert found == expected
    for ref in expected:
        device = kb.devices[ref]
        assert f"chip/{row['chip']}" in device.chip_refs
        assert row["name"] in device.aliases or row["name"] == device.name


def test_no_ane_devices_are_marked(kb: KnowledgeBase) -> None:
    for row in ROWS:
        if row["section"] == "1.5":
            for ref in row.get("records") or [row["record"]]:
                assert kb.devices[ref].has_ane is False
                assert kb.coreml_can_use_ane(kb.devices[ref]) is False
