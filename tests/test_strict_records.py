"""`python -m generator validate` on the broken records found by mutation (issue #17): exit 1, one line per problem
at the place it is, never a traceback, never a silent acceptance."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.lint import CHECKS, lint
from generator.kb import load_kb
from tests.conftest import ROOT

POOL = "layer-rule/pool-big.yaml"
SLOW = "anecdote/slow-fp16.yaml"
SOURCES = """sources:
  - url: https://example.org/slow
    title: A forum post
    kind: forum
    accessed: "2026-01-02\""""


def validate(kb: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "validate", str(kb)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def problems(kb: Path) -> list[str]:
    result = validate(kb)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stdout
    return [line for line in result.stdout.splitlines() if ": " in line and not line.startswith(" ")]


@pytest.mark.parametrize(("relpath", "old", "new", "where", "check"), [
    (POOL, "min: 1, max: 1", "min: 0b_, max: 1", ":22:25:", "yaml-typing"),
    (POOL, "min: 1, max: 1", "min: 0x_, max: 1", ":22:25:", "yaml-typing"),
    (POOL, "min: 1, max: 1", "min: 0b1, max: 1", ":22:25:", "yaml-typing"),
    (POOL, "min: 1, max: 1", "min: " + "9" * 5000 + ", max: 1", ":22:25:", "yaml-typing"),
    (POOL, "effect: {kind: falls-back, to: [cpu]}", "effect: " + "[" * 500 + "]" * 500, ":20:", "yaml-safety"),
    (SLOW, SOURCES, "sources: -1", ":14:10:", "schema"),
    (SLOW, "en: fp16 weights ran slower", "en: [a, b]", ":5:7:", "schema"),
    (SLOW, "en: fp16 weights ran slower", "en: fp16 weights \u202eran slower", ":5:20:", "bidi-override"),
    (SLOW, "en: fp16 weights ran slower", "en: fp16 weights \x01ran slower", ":5:20:", "control-character"),
    (SLOW, "en: fp16 weights ran slower", "en: fp16 weights \x7fran slower", ":5:20:", "control-character"),
    (POOL, "    source: https://example.org/pool\n  - chips: [chip/m4]",
     "    source: https://example.org/gone\n  - chips: [chip/m4]", ":28:13:", "references"),
    ("_vocab/tags.yaml", "  dtype: {en:", "  dtype: [x]\n  old: {en:", ":", "schema"),
], ids=["0b_", "0x_", "0b1", "5000-digits", "nested-500", "sources-int", "list-for-string", "bidi", "control", "del",
        "observation-source-gone", "vocab-wrong-type"])
def test_broken_record_is_one_line_at_its_place(minikb: Path, edit: Callable[[str, str, str], Path], relpath: str,
                                                old: str, new: str, where: str, check: str) -> None:
    edit(relpath, old, new)
    found = problems(minikb)
    assert any(relpath in line and where in line and f": {check}: " in line for line in found), found


def test_mixed_line_endings_are_refused(minikb: Path) -> None:
    path = minikb / SLOW
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_bytes("".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines[:-1])).encode())
    found = problems(minikb)
    assert found[0].endswith("line-endings: mixed line endings (CRLF and LF, or a lone CR); use LF on every line")
    assert f"{SLOW}:1:" in found[0] or f"{SLOW}:2:" in found[0]


def test_crlf_on_every_line_is_not_mixed(minikb: Path) -> None:
    path = minikb / SLOW
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert not any("line-endings" in line for line in validate(minikb).stdout.splitlines())


def test_a_check_that_crashes_becomes_a_problem(minikb: Path) -> None:
    def broken(ctx: object) -> list[object]:
        raise TypeError("'int' object is not iterable")
    broken.__module__ = "generator.lint.broken_check"
    found = lint(load_kb(minikb), (*CHECKS, broken))  # type: ignore[arg-type]
    assert [(p.check, p.path) for p in found] == [("broken-check", "kb")]
    assert "stopped on a value of an unexpected type (TypeError)" in found[0].message
