"""How long `validate` takes, against the floor of only parsing the same files with libyaml.

Prints medians and ratios measured side by side in one run. Goals (issue: foundation tooling):
validate on the real KB within 3x the parse floor, and linear growth (10k / 1k records <= 12).
Run it with `make bench` or `.venv/bin/python benchmarks/validate.py`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generator.cli import check_kb  # noqa: E402
from goals import TINY, at_most, runs, summary  # noqa: E402
from synthetic_kb import ROOT, make  # noqa: E402


def median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def parse_floor(kb_dir: Path) -> None:
    for path in sorted(kb_dir.rglob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)  # noqa: the floor is a plain safe parse


def validate(kb_dir: Path) -> int:
    return sum(1 for p in check_kb(kb_dir)[1] if not p.warning)


def compare(label: str, kb_dir: Path, count: int, goal: float | None = None) -> float:
    errors = validate(kb_dir)  # also warms caches (schemas, imports)
    if errors:
        print(f"note: {label} has {errors} errors; its timing includes reporting them")
    files = len(list(kb_dir.rglob("*.yaml")))
    floor = median_seconds(lambda: parse_floor(kb_dir), runs(count))
    full = median_seconds(lambda: validate(kb_dir), runs(count))
    ratio = at_most(f"{label} against the parse floor", full / floor, goal) if goal else f"{full / floor:.2f}x"
    print(f"{label:<22} {files:>6} files  parse floor {floor * 1000:8.1f} ms  validate {full * 1000:8.1f} ms"
          f"  ratio {ratio}")
    return full


def main() -> None:
    print("median of several runs, measured side by side in this process")
    compare("real KB (kb/)", ROOT / "kb", 7, goal=3.0)
    small_n, large_n = (20, 200) if TINY else (1_000, 10_000)
    with tempfile.TemporaryDirectory() as tmp:
        small = compare(f"synthetic {small_n:,}", make(Path(tmp) / "k1", small_n), 5)
        large = compare(f"synthetic {large_n:,}", make(Path(tmp) / "k10", large_n), 3)
    print(f"growth {large_n:,} / {small_n:,}: {at_most('validate growth', large / small, 12.0, '')}")
    summary("validate")


if __name__ == "__main__":
    main()
