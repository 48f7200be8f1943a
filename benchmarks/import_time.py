"""Import cost of ane_kb and the speed of rules.matching(), measured side by side in one run.

Goals (issue #22): `from ane_kb import rules; len(rules)` within 2.0x the process time of `python -c pass`
(median of 20 interleaved runs). Also printed: the json.load floor of the data that import and a first
match read, and matching() timed against a dict look-up over 100,000 calls. The package is byte-compiled
first, as an installed wheel is, so the figure is not the cost of compiling its sources.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from goals import TINY, at_most, byte_compiled, runs, summary  # noqa: E402

IMPORT = "from ane_kb import rules; len(rules)"
FIRST_MATCH = "from ane_kb import rules; rules.matching(format='mlprogram', op='max_pool', params={})"
BASELINE = "pass"
KINDS = Path(__file__).resolve().parent.parent / "src" / "ane_kb" / "data" / "kinds"
FLOOR = ("import json, sys; [json.load(open(p, encoding='utf-8')) for p in sys.argv[1:]]",
         str(KINDS / "layer-rule.json"), str(KINDS / "_vocab.json"), str(KINDS / "chip.json"))


def one_process(args: tuple[str, ...]) -> tuple[float, int]:
    """Wall time in seconds and peak RSS in KiB of one `python -c code` process."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", *args])
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"python -c {args[0]!r} failed")
    return elapsed, usage.ru_maxrss


def processes(count: int) -> None:
    byte_compiled()
    cases = {"python -c pass": (BASELINE,), IMPORT: (IMPORT,), "json.load floor of a first match": FLOOR,
             "first rules.matching()": (FIRST_MATCH,)}
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in cases}
    for _ in range(count):  # interleaved, so every case sees the same machine load
        for name, args in cases.items():
            samples[name].append(one_process(args))
    medians = {name: (statistics.median(s[0] for s in rows), statistics.median(s[1] for s in rows))
               for name, rows in samples.items()}
    base_t, base_m = medians["python -c pass"]
    for name, (t, m) in medians.items():
        print(f"{name:<38} {t * 1000:7.1f} ms  {m / 1024:6.1f} MiB  {t / base_t:5.2f}x  {m / base_m:5.2f}x memory")
    t, _ = medians[IMPORT]
    print(f"import ratio: {at_most('import time', t / base_t, 2.0)}")
    floor, first = medians["json.load floor of a first match"][0], medians["first rules.matching()"][0]
    print(f"first match against its json.load floor: {first / floor:.2f}x (informational)")


def matching(calls: int) -> None:
    from ane_kb import rules

    params = {"kernel_size": [3, 3], "stride": [1, 1]}
    table = {("mlprogram", "max_pool"): [r for r in rules if "max_pool" in r.identifiers.get("mlprogram", ())]}
    started = time.perf_counter()
    for _ in range(calls):
        table[("mlprogram", "max_pool")]
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(calls):
        rules.matching(format="mlprogram", op="max_pool", params=params)
    spent = time.perf_counter() - started
    print(f"{calls:,} dict look-ups       {baseline * 1000:9.1f} ms")
    print(f"{calls:,} rules.matching()    {spent * 1000:9.1f} ms  ({spent / calls * 1e6:.1f} µs a call, "
          f"{spent / baseline:.0f}x the look-up)")


if __name__ == "__main__":
    processes(runs(20))
    matching(100 if TINY else 100_000)
    summary("import_time")
