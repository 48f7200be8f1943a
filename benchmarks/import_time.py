"""Import cost of ane_kb and the speed of rules.matching(), measured side by side in one run.

Goals (issue: the ane_kb package): `from ane_kb import rules; len(rules)` within 2.0x the process
time and peak memory of `python -c pass` (median of 20), and matching() timed against a dict
look-up baseline over 100,000 calls.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

IMPORT = "from ane_kb import rules; len(rules)"
BASELINE = "pass"


def one_process(code: str) -> tuple[float, int]:
    """Wall time in seconds and peak RSS in KiB of one `python -c code` process."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code])
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"python -c {code!r} failed")
    return elapsed, usage.ru_maxrss


def processes(runs: int = 20) -> None:
    samples: dict[str, list[tuple[float, int]]] = {IMPORT: [], BASELINE: []}
    for _ in range(runs):  # interleaved, so both see the same machine load
        for code in samples:
            samples[code].append(one_process(code))
    (t_base, m_base), (t_kb, m_kb) = (
        (statistics.median(s[0] for s in samples[c]), statistics.median(s[1] for s in samples[c])) for c in (BASELINE, IMPORT))
    print(f"python -c pass               {t_base * 1000:7.1f} ms  {m_base / 1024:6.1f} MiB")
    print(f"from ane_kb import rules     {t_kb * 1000:7.1f} ms  {m_kb / 1024:6.1f} MiB")
    print(f"ratio                        {t_kb / t_base:7.2f}x    {m_kb / m_base:6.2f}x   (goal <= 2.0x)")


def matching(calls: int = 100_000) -> None:
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
    processes()
    matching()
