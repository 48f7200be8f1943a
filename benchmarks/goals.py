"""What every benchmark script shares: goals printed next to their figures, and a tiny mode for tests.

A missed goal prints MISS beside the figure; it never fails the run (timings here are noisy). With
ANE_KB_BENCH_TINY=1 each script runs its smallest sizes once, so a test can catch a crash without timing."""

from __future__ import annotations

import os

TINY = os.environ.get("ANE_KB_BENCH_TINY") == "1"
_missed: list[str] = []


def at_most(label: str, figure: float, goal: float, unit: str = "x") -> str:
    """'1.15x (goal <= 2.0x) ok' or '... MISS'; a miss is remembered for the summary."""
    mark = "ok" if figure <= goal else "MISS"
    if mark == "MISS":
        _missed.append(label)
    return f"{figure:.2f}{unit} (goal <= {goal:g}{unit}) {mark}"


def summary(script: str) -> None:
    print(f"{script}: {'every goal met' if not _missed else 'MISS: ' + ', '.join(_missed)}"
          + (" (tiny mode: sizes too small to mean anything)" if TINY else ""))


def runs(normal: int) -> int:
    return 1 if TINY else normal


def byte_compiled() -> None:
    """Byte-compile the package first, as an installed wheel is: a source checkout run with
    PYTHONDONTWRITEBYTECODE would otherwise compile every module in every measured process."""
    import compileall

    import ane_kb

    compileall.compile_dir(os.path.dirname(ane_kb.__file__), quiet=1)
