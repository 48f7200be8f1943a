"""The repository workflows and forms: valid YAML, real Makefile targets, fields that mirror the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

GITHUB = ROOT / ".github"
FILES = sorted(GITHUB.rglob("*.yml"))


def _targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z0-9-]*):", makefile, re.M))


def _runs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "run" and isinstance(v, str)] + [r for v in node.values() for r in _runs(v)]
    if isinstance(node, list):
        return [r for item in node for r in _runs(item)]
    return []


def test_there_are_the_three_workflows_and_the_templates() -> None:
    names = {p.name for p in FILES}
    assert {"test.yml", "pages.yml", "release.yml", "report-finding.yml"} <= names
    assert (GITHUB / "PULL_REQUEST_TEMPLATE.md").is_file()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_parses_as_yaml(path: Path) -> None:
    assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict)


@pytest.mark.parametrize("path", [p for p in FILES if p.parent.name == "workflows"], ids=lambda p: p.name)
def test_every_make_command_exists(path: Path) -> None:
    targets = _targets()
    commands = [m for run in _runs(yaml.safe_load(path.read_text(encoding="utf-8")))
                for m in re.findall(r"\bmake ([a-z][a-z0-9-]*)", run)]
    assert commands, "a workflow should go through the Makefile"
    assert [c for c in commands if c not in targets] == []


def test_workflow_jobs_have_steps() -> None:
    for path in FILES:
        if path.parent.name == "workflows":
            workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
            assert workflow["jobs"] and all(job.get("steps") or job.get("uses") for job in workflow["jobs"].values())


def test_issue_form_mirrors_the_record_schema() -> None:
    form = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "report-finding.yml").read_text(encoding="utf-8"))
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    common = json.loads((ROOT / "schema" / "common.schema.json").read_text(encoding="utf-8"))["$defs"]
    assert fields["kind"]["attributes"]["options"] == sorted(common["kind"]["enum"], key=["layer-rule", "precision", "chip",
                                                                                          "device", "anecdote", "howto"].index)
    assert fields["confidence"]["attributes"]["options"] == common["confidence"]["enum"]
    assert fields["effect"]["attributes"]["options"] == common["effect"]["properties"]["kind"]["enum"]
    for required in ("title_en", "summary", "sources", "confidence", "observed_on"):
        assert required in fields


def test_pull_request_template_has_the_reviewer_checklist() -> None:
    text = (GITHUB / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    assert text.count("- [ ]") >= 6 and "tombstone" in text and "data_version" in text
