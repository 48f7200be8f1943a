"""Every record the checker's code names exists in the knowledge base, under that exact kind/id: a guessed or
renamed id would otherwise only show when the code path runs (or, for a threshold, never: it falls back to a
default). The checker's tests and benchmarks are held to the same, since a misspelt id makes an assertion that a
finding is absent pass for nothing. Also every built-in model type the checker knows has a record that speaks
for it."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from ane_kb import load
from ane_kb.check.stages import BUILTIN

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "ane_kb"
NOT_RECORDS = {"layer-rule/nope"}  # test_bad_input.py: an id that must be refused
KINDS = ("layer-rule", "precision", "howto", "anecdote", "chip", "device")
REF = re.compile(r"""["'](?P<ref>(?:%s)/[a-z0-9][a-z0-9-]*)["']""" % "|".join(KINDS))


def _references(*folders: Path) -> list[tuple[str, str]]:
    """(file, kind/id) of each quoted record id in the Python files of `folders`; a prefix (ending in "-") is none."""
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            for match in REF.finditer(path.read_text(encoding="utf-8")):
                if not match["ref"].endswith("-") and match["ref"] not in NOT_RECORDS:
                    found.append((str(path.relative_to(ROOT)), match["ref"]))
    return sorted(set(found))


def _threshold_calls() -> list[tuple[str, str, str]]:
    """(module, record, threshold name) of each `threshold(kb, RECORD, "name", default)` call in the checker."""
    found = []
    for path in sorted((PACKAGE / "check").rglob("*.py")):
        module_name = "ane_kb." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "threshold":
                ref_arg, name_arg = node.args[1], node.args[2]
                assert isinstance(name_arg, ast.Constant), f"{path.name}: threshold name must be a literal"
                if isinstance(ref_arg, ast.Name):
                    ref = getattr(importlib.import_module(module_name), ref_arg.id)
                else:
                    assert isinstance(ref_arg, ast.Constant), f"{path.name}: threshold record must be a name or literal"
                    ref = ref_arg.value
                found.append((path.name, ref, name_arg.value))
    return found


REFERENCES = _references(PACKAGE, ROOT / "tests" / "check", ROOT / "benchmarks")
THRESHOLDS = _threshold_calls()


def test_the_scan_finds_the_checkers_references() -> None:
    refs = {ref for where, ref in REFERENCES if where.startswith("src/")}
    assert {"precision/fp16-overflow", "layer-rule/classical-pipeline-stages"} <= refs
    assert {(ref, name) for _, ref, name in THRESHOLDS} >= {("precision/fp16-overflow", "fp16_max")}


@pytest.mark.parametrize(("where", "ref"), REFERENCES, ids=[f"{w}:{r}" for w, r in REFERENCES])
def test_a_record_the_code_names_exists(where: str, ref: str) -> None:
    assert ref in load().document["records"], f"{where} names {ref}, which is not a record in kb/"


@pytest.mark.parametrize(("where", "ref", "name"), THRESHOLDS, ids=[f"{r}:{n}" for _, r, n in THRESHOLDS])
def test_a_threshold_the_code_reads_exists(where: str, ref: str, name: str) -> None:
    record = load().document["records"].get(ref)
    assert record is not None, f"{where} reads thresholds of {ref}, which is not a record in kb/"
    assert name in {t["name"] for t in record.get("thresholds", [])}, f"{where} reads {ref}'s {name}, which it lacks"


@pytest.mark.parametrize("stage", BUILTIN)
def test_each_built_in_model_type_has_one_record(stage: str) -> None:
    kb = load()
    matched = [m.rule.ref for m in kb.rules.matching_model(format="neuralnetwork", params={"builtin_stages": [stage]})
               if m.certain and m.rule.family == "builtin-models"]
    assert len(matched) == 1, f"{stage}: {matched}"
