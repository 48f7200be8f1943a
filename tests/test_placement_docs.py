"""The placement-file page (both languages): its examples follow the schema, and it covers every tool."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator import schemas
from tests.conftest import ROOT

PAGES = [ROOT / "docs" / "en" / "placement.md", ROOT / "docs" / "zh" / "placement.md"]
SWIFT = ROOT / "tools" / "ios" / "PlacementProbe.swift"


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.parent.name)
def test_every_json_example_is_a_valid_placement_file(page: Path) -> None:
    examples = blocks(page.read_text(encoding="utf-8"), "json")
    assert len(examples) >= 2
    validator = schemas.validator("placement.schema.json")
    for example in examples:
        assert [e.message for e in validator.iter_errors(json.loads(example))] == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.parent.name)
def test_the_page_covers_probe_compare_observe_and_ios(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for needle in ("ane-kb probe", "--compare", "python -m generator observe", "tools/ios/PlacementProbe.swift",
                   "xcode-performance-report", "--model"):
        assert needle in text, needle
    assert blocks(text, "swift") and "PlacementProbe.write(compiledModel:" in blocks(text, "swift")[0]


def test_the_swift_snippet_writes_the_fields_the_schema_requires() -> None:
    code = SWIFT.read_text(encoding="utf-8")
    schema = json.loads((ROOT / "schema" / "placement.schema.json").read_text(encoding="utf-8"))
    for name in schema["required"]:
        assert f'"{name}":' in code, name
    for name in schema["$defs"]["op"]["required"]:
        assert f'"{name}":' in code, name
    assert "static func write(compiledModel url: URL, modelName: String, to output: URL" in code
    assert "MLComputePlan.load(contentsOf:" in code and "@available(iOS 17.4" in code


@pytest.mark.parametrize(("guide", "heading"), [("CONTRIBUTING.md", "## I measured my model on a Mac"),
                                                ("CONTRIBUTING.zh.md", "## 我在 Mac 上测量了自己的模型")])
def test_the_contributing_guides_have_the_measurement_path(guide: str, heading: str) -> None:
    text = (ROOT / guide).read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    steps = re.findall(r"^\d+\. ", section, flags=re.M)
    assert len(steps) >= 5
    for command in ("ane-kb probe", "--compare placement.json", "-m generator observe placement.json --source",
                    "git apply observe.patch", "--model", "make validate"):
        assert command in section, command
