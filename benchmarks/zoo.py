"""`ane-kb check` on a zoo of models that mimic real architectures, so that a change that adds noise shows up.

The project builds every model itself with coremltools' builders (no downloaded weights): a ResNet-style CNN,
a MobileNet-style depthwise net, a transformer block in the (B, C, 1, S) layout and one in the usual (B, S, C)
layout, an LSTM audio model, a detector head, the ResNet palettized to 4 bits and block-quantized to int4, a
NeuralNetwork CNN and a Create ML-style image classifier. For each model it runs the checker as a user does
(`python -m ane_kb check MODEL --format json`, median of 3 processes) and prints the time, the peak memory, the
findings by severity and the verdict, next to the targets: the verdict the model should get and the most
errors it should get. `--save FILE` writes the figures as JSON; `--against FILE` prints what changed since a
saved run (new or vanished findings, another verdict), which is how added noise shows.

Run with `.venv/bin/python benchmarks/zoo.py [--save zoo.json] [--against zoo.json]`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Target:
    verdicts: tuple[str, ...]   # the verdicts the model should get
    max_errors: int             # the most error findings it should get
    why: str


TARGETS = {
    "resnet": Target(("likely-all-ane",), 0, "convolutions, batch norm, ReLU, residual adds: all ANE layers"),
    "mobilenet": Target(("likely-all-ane",), 0, "depthwise and pointwise convolutions with ReLU6"),
    "transformer_bc1s": Target(("likely-all-ane",), 0, "Apple's ANE layout: 1x1 convolutions, channel layer norm"),
    "transformer_bsc": Target(("likely-all-ane", "partly"), 0, "linear, matmul, softmax, layer norm in (B, S, C)"),
    "lstm_audio": Target(("partly", "unlikely"), 1, "the LSTM runs on the CPU; the convolution front end does not"),
    "detector_head": Target(("likely-all-ane",), 0, "three heads concatenated into 8400 boxes: no axis over 16384"),
    "palettized_cnn": Target(("likely-all-ane",), 0, "4-bit palettized weights ran on the ANE in published models"),
    "block_int4_cnn": Target(("partly", "unlikely"), 99, "int4 blocks along the input axis: CPU only"),
    "nn_cnn": Target(("likely-all-ane",), 0, "a NeuralNetwork CNN: shapes propagate, no unknown rank"),
    "create_ml": Target(("partly", "unknown"), 0, "Vision's feature print decides; placement unknown"),
}


def build_zoo(folder: Path) -> dict[str, Path]:
    from benchmarks import zoo_models

    return zoo_models.build_all(folder)


def build_in_subprocess(folder: Path) -> dict[str, Path]:
    """Build in a child process: peak memory is inherited across fork, so this process must stay small."""
    code = (f"import sys, json; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; "
            f"from benchmarks.zoo import build_zoo; "
            f"print(json.dumps({{k: str(v) for k, v in build_zoo(Path({str(folder)!r})).items()}}))")
    result = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True)
    return {name: Path(path) for name, path in json.loads(result.stdout.splitlines()[-1]).items()}


def one_run(args: list[str]) -> tuple[float, int, str]:
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read().decode() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed")
    return elapsed, usage.ru_maxrss, out


def measure(model: Path, runs: int = 3) -> dict[str, Any]:
    args = [sys.executable, "-m", "ane_kb", "check", str(model), "--format", "json"]
    samples = [one_run(args) for _ in range(runs)]
    report = json.loads(samples[-1][2])["models"][0]
    severities = Counter(f["severity"] for f in report["findings"])
    return {
        "seconds": round(statistics.median(s[0] for s in samples), 3),
        "peak_mib": round(statistics.median(s[1] for s in samples) / 1024, 1),
        "layers": report["summary"]["layers"],
        "errors": severities["error"], "warnings": severities["warning"], "infos": severities["info"],
        "verdict": report["verdict"],
        "findings": sorted(f"{f['severity']} {f['rule']} @ {f['layer'] or '(model)'}" for f in report["findings"]),
    }


def print_row(name: str, figures: dict[str, Any]) -> bool:
    target = TARGETS[name]
    ok = figures["verdict"] in target.verdicts and figures["errors"] <= target.max_errors
    errors_goal = f"<= {target.max_errors}" if target.max_errors < 99 else ">= 1"
    if target.max_errors == 99:
        ok = ok and figures["errors"] >= 1
    print(f"{name:<17} {figures['seconds']:5.2f} s {figures['peak_mib']:6.1f} MiB {figures['layers']:4d} layers  "
          f"E {figures['errors']:2d} (goal {errors_goal:>5})  W {figures['warnings']:2d}  I {figures['infos']:2d}  "
          f"{figures['verdict']:<15} (goal {'/'.join(target.verdicts)})  {'ok' if ok else 'MISS'}")
    return ok


def print_changes(results: dict[str, dict[str, Any]], saved: dict[str, dict[str, Any]]) -> None:
    print("\nChanges since the saved run:")
    changed = False
    for name, figures in results.items():
        before = saved.get(name)
        if before is None:
            print(f"  {name}: new in the zoo")
            changed = True
            continue
        added = sorted(set(figures["findings"]) - set(before["findings"]))
        gone = sorted(set(before["findings"]) - set(figures["findings"]))
        if before["verdict"] != figures["verdict"]:
            print(f"  {name}: verdict {before['verdict']} -> {figures['verdict']}")
            changed = True
        for line in added:
            print(f"  {name}: + {line}")
        for line in gone:
            print(f"  {name}: - {line}")
        changed = changed or bool(added or gone)
    if not changed:
        print("  none")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--against", type=Path, help="print what changed since a run saved with --save")
    parser.add_argument("--show", action="store_true", help="list every finding of every model")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        models = build_in_subprocess(Path(tmp))
        results = {name: measure(path) for name, path in models.items()}
    print(f"{'model':<17} {'time':>7} {'peak':>10} {'':>11} findings by severity and verdict, next to the targets")
    met = sum(print_row(name, figures) for name, figures in results.items())
    print(f"\n{met} of {len(results)} models meet their targets; "
          f"{sum(r['warnings'] for r in results.values())} warnings in all")
    if options.show:
        for name, figures in results.items():
            print(f"\n{name}: {TARGETS[name].why}")
            for line in figures["findings"]:
                print(f"  {line}")
    if options.against:
        print_changes(results, json.loads(options.against.read_text(encoding="utf-8")))
    if options.save:
        options.save.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
