"""Calibration: the checker's answers against published placement measurements.

Each case in benchmarks/placement/ is a placement file (schema/placement.schema.json) with the source's
measurement and a `build` description of the measured model. This script rebuilds every model (once, into
.cache/placement-models/), checks it with `ane-kb check` for the case's chip and compares:

- per op: an `error` finding on a key op means "predicted off the ANE", a warning, a note or nothing means
  "predicted on"; a rule on the op that could not be evaluated counts as a disagreement. The measurement says
  "on" when the ANE is among the op's supported devices (ane_kb.placement.measured).
- per model: the verdict against the measurement (`likely-all-ane` expected when every key op can run on
  the ANE, `partly` or `unlikely` when one cannot).

Targets: per-op agreement >= 95 %; `likely-all-ane` on >= 90 % of placed cases; `partly`/`unlikely` on >= 90 %
of the rest. A missed target is printed with MISS. `--tiny` runs a handful of cases (the test suite uses it).
Run with `.venv/bin/python benchmarks/placement.py` (add `--all` to list every key op).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ane_kb import default  # noqa: E402
from ane_kb.check import resolve_target  # noqa: E402
from ane_kb.check.runner import Checker  # noqa: E402
from ane_kb.placement import ANE, NOT_ANE, measured  # noqa: E402
from placement_models import build_model, ct  # noqa: E402

CASES = Path(__file__).resolve().parent / "placement"
CACHE = ROOT / ".cache" / "placement-models"
TARGETS = {"per-op agreement": 0.95, "likely-all-ane on placed cases": 0.90, "partly/unlikely on the rest": 0.90}
OFF_VERDICTS = ("partly", "unlikely")


@dataclass
class OpResult:
    case: str
    chip: str
    generation: int | None
    op: str
    measured: str
    predicted: str
    rules: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return (self.predicted, self.measured) in (("off", NOT_ANE), ("on", ANE))


@dataclass
class CaseResult:
    case: str
    chip: str
    generation: int | None
    placed: bool | None
    verdict: str
    ops: list[OpResult]
    prefers_cpu_predicted: bool = False
    preferred_elsewhere: bool | None = None


def load_cases(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    import jsonschema

    schema = json.loads((ROOT / "schema" / "placement.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    cases, problems = [], []
    for path in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            problems.append(f"{path.relative_to(ROOT)}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}")
            continue
        for error in validator.iter_errors(data):
            where = "/".join(map(str, error.absolute_path)) or "document"
            problems.append(f"{path.relative_to(ROOT)}: {where}: {error.message[:160]}")
        if "build" not in data:
            problems.append(f"{path.relative_to(ROOT)}: build: a calibration case needs a build description")
        cases.append((path, data))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        raise SystemExit(1)
    return cases


def tiny_selection(cases: list[tuple[Path, dict[str, Any]]]) -> list[tuple[Path, dict[str, Any]]]:
    """Two placed and two not-placed cases from different folders, small models only."""
    chosen: list[tuple[Path, dict[str, Any]]] = []
    wanted = {ANE: 2, NOT_ANE: 2}
    folders: set[tuple[str, str]] = set()
    for path, data in cases:
        states = {measured(op, data["examined"]) for op in data["ops"] if op.get("key")}
        state = NOT_ANE if NOT_ANE in states else ANE if states == {ANE} else None
        if state is None or not wanted[state] or (path.parent.name, state) in folders:
            continue
        if any(isinstance(v, dict) and "random" in v for op in data["build"].get("ops", []) for v in op.get("args", {}).values()):
            continue
        chosen.append((path, data))
        folders.add((path.parent.name, state))
        wanted[state] -= 1
    return chosen


def case_chip(data: dict[str, Any]) -> str | None:
    target = data.get("compiler_target")
    return target["chip"] if target else data["host"]["chip"]


def evaluate(kb: Any, path: Path, data: dict[str, Any], cache: Path) -> CaseResult:
    chip = case_chip(data)
    model = build_model(data["build"], cache)
    report = Checker(kb, resolve_target(kb, chip), "en", (), verbose=True).check(model, str(model))
    if report.error:
        raise SystemExit(f"{path.relative_to(ROOT)}: the rebuilt model cannot be checked: {report.error}")
    names = {layer for seg in report.summary.segments for layer in seg["layers"]}
    generation = kb.chips[chip].ane.generation if chip and kb.chips[chip].ane else None
    ops = []
    for op in data["ops"]:
        if not op.get("key"):
            continue
        found = [f for f in report.findings if f.layer == op["name"]]
        if op["name"] not in names:
            predicted = "unmatched"
        elif any(f.severity == "error" for f in found):
            predicted = "off"
        elif any(f.unknown for f in found):
            predicted = "unevaluable"
        else:
            predicted = "on"
        rules = sorted({f"{f.rule}:{f.severity}" + ("?" if f.unknown else "") for f in found})
        ops.append(OpResult(path.stem, chip or "-", generation, op["name"], measured(op, data["examined"]), predicted, rules))
    states = {o.measured for o in ops}
    placed = False if NOT_ANE in states else True if states == {ANE} else None
    prefers = {f.rule for f in report.findings if _prefers_cpu(kb, f.rule)}
    elsewhere = [op.get("preferred") for op in data["ops"] if op.get("key") and op.get("preferred")]
    return CaseResult(path.stem, chip or "-", generation, placed, report.verdict, ops, bool(prefers),
                      any(p != "ane" for p in elsewhere) if elsewhere else None)


def _prefers_cpu(kb: Any, ref: str) -> bool:
    effect = getattr(kb.record(ref), "effect", None)
    return bool(effect is not None and effect.kind == "prefers-cpu")


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:5.1f} %" if whole else "0/0"


def report(results: list[CaseResult], show_all: bool) -> None:
    ops = [o for r in results for o in r.ops if o.measured != "unknown"]
    unscored = sum(1 for r in results for o in r.ops if o.measured == "unknown")
    print(f"\nper generation ({len(results)} cases; {unscored} key ops without a decidable ANE status are not scored)")
    print(f"  {'gen':>4} {'cases':>6} {'placed':>7} {'not':>5}   per-op agreement")
    by_gen: dict[Any, list[CaseResult]] = defaultdict(list)
    for r in results:
        by_gen[r.generation].append(r)
    for gen in sorted(by_gen, key=lambda g: (g is None, g or 0)):
        rs = by_gen[gen]
        gops = [o for r in rs for o in r.ops if o.measured != "unknown"]
        print(f"  {gen if gen is not None else '?':>4} {len(rs):>6} {sum(r.placed is True for r in rs):>7} "
              f"{sum(r.placed is False for r in rs):>5}   {share(sum(o.agrees for o in gops), len(gops))}")
    listed = ops if show_all else [o for o in ops if not o.agrees]
    print(f"\n{'all key ops' if show_all else 'disagreements'} ({len(listed)}): case, chip, op, measured, predicted, findings on the op")
    for o in listed:
        mark = "ok  " if o.agrees else "DIFF"
        print(f"  {mark} {o.case:<40} {o.chip:<6} {o.op:<28} {o.measured:<8} {o.predicted:<12} {' '.join(o.rules)}")
    verdicts = ("likely-all-ane", "partly", "unlikely", "unknown")
    print("\nverdict confusion table (rows: measurement; columns: verdict)")
    print(f"  {'':<12}" + "".join(f"{v:>16}" for v in verdicts))
    for label, flag in (("placed", True), ("not placed", False)):
        counts = Counter(r.verdict for r in results if r.placed is flag)
        print(f"  {label:<12}" + "".join(f"{counts.get(v, 0):>16}" for v in verdicts))
    wrong = [r for r in results if r.placed is not None and (r.verdict == "likely-all-ane") != r.placed]
    if wrong:
        print("  verdicts that disagree: " + ", ".join(f"{r.case} ({r.verdict})" for r in wrong))
    placed = [r for r in results if r.placed is True]
    not_placed = [r for r in results if r.placed is False]
    figures = {
        "per-op agreement": (sum(o.agrees for o in ops), len(ops)),
        "likely-all-ane on placed cases": (sum(r.verdict == "likely-all-ane" for r in placed), len(placed)),
        "partly/unlikely on the rest": (sum(r.verdict in OFF_VERDICTS for r in not_placed), len(not_placed)),
    }
    print("\ntargets")
    for name, (part, whole) in figures.items():
        goal = TARGETS[name]
        miss = "" if whole and part / whole >= goal else "   MISS"
        print(f"  {name:<32} {share(part, whole):<22} (target >= {goal:.0%}){miss}")
    pref = [r for r in results if r.preferred_elsewhere is not None]
    agree = sum(r.prefers_cpu_predicted == r.preferred_elsewhere for r in pref)
    print(f"\ncost-model notes (prefers-cpu) against the preferred device, no target: {share(agree, len(pref))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", action="store_true", help="a handful of small cases, built into a temporary folder")
    parser.add_argument("--all", action="store_true", help="list every key op, not only the disagreements")
    parser.add_argument("--case", default="", help="only cases whose name contains this text")
    parser.add_argument("--cases", type=Path, default=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    cases = [c for c in load_cases(args.cases) if args.case in c[0].stem]
    if args.tiny:
        cases = tiny_selection(cases)
    kb = default()
    print(f"placement calibration, {datetime.date.today()}, {platform.system()} {platform.machine()} "
          f"({os.cpu_count()} cores), Python {platform.python_version()}, coremltools {ct.__version__}, "
          f"data {kb.data_version}")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) if args.tiny else CACHE
        results = [evaluate(kb, path, data, cache) for path, data in cases]
    report(results, args.all)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
