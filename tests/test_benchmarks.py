"""Every benchmark script runs to the end in tiny mode (smallest sizes, one run), offline: a crash in a
benchmark is caught here. No timing is asserted; `make bench` prints the real figures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

HELPERS = ("goals", "synthetic_kb", "placement_models", "zoo_models")
SCRIPTS = sorted(p.name for p in (ROOT / "benchmarks").glob("*.py") if p.stem not in HELPERS)
# placement.py and zoo.py have tests of their own (tests/test_placement.py, tests/check/test_zoo.py)
TINY = [name for name in SCRIPTS if "from goals import" in (ROOT / "benchmarks" / name).read_text(encoding="utf-8")]


def test_every_script_is_in_make_bench() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert SCRIPTS and all(f"benchmarks/{name}" in makefile for name in SCRIPTS)


@pytest.mark.parametrize("script", TINY)
def test_benchmark_runs_in_tiny_mode(script: str) -> None:
    env = dict(os.environ, ANE_KB_BENCH_TINY="1")
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith(script.removesuffix(".py")) and "tiny mode" in last, result.stdout[-1000:]


def test_a_missed_goal_is_marked_and_remembered() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import goals
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    assert goals.at_most("fast", 1.5, 2.0).endswith(" ok")
    assert goals.at_most("slow", 3.0, 2.0) == "3.00x (goal <= 2x) MISS"
    assert "slow" in goals._missed and "fast" not in goals._missed


def test_the_check_floor_parses_the_spec_without_importing_ane_kb(tmp_path: Path) -> None:
    """The check benchmark's floor is Python, the spec modules and the parse: importing the checker's package
    there would put its start-up in the floor and flatter the ratio."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from check import FLOOR, PROTO
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    from tests.check.models import nn_with_weights

    model = nn_with_weights(tmp_path / "m.mlmodel", [1.0, 2.0])
    probe = FLOOR + "; print(sorted(name for name in sys.modules if name.split('.')[0] == 'ane_kb'), " \
                    "'Model_pb2' in str(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe, str(model), str(PROTO)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["[]", "True"]
