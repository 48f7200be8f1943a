"""Weights read in bounded memory: the precision scan over a sparse 512 MiB blob, window by window, in a child process
whose peak RSS is measured; the counts on bit patterns against a float64 reference, with numpy and without it; and the
range sources the browser page uses, in CPython."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ane_kb import cli, default
from ane_kb.check import blob_scan, ranges, resolve_target
from ane_kb.check.blob_scan import Counts, patterns
from ane_kb.check.runner import Checker
from tests.check.big_models import FP16_NAN, total_bytes, weight_file, write_package
from tests.conftest import ROOT

MIB = 1 << 20

PEAK = """
import json, resource, sys
from pathlib import Path
from ane_kb.check import check_models
import numpy
check_models([Path(sys.argv[1])])  # a small model with the same graph: every module loaded, every cache filled
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
[model] = check_models([Path(sys.argv[2])]).to_dict()["models"]
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before": before, "after": after, "messages": [f["message"] for f in model["findings"]]}))
"""


def test_scanning_a_sparse_512_mib_blob_grows_peak_rss_by_under_200_mib(tmp_path: Path) -> None:
    big = write_package(tmp_path, blocks=1, hidden=4096, ffn=32768, name="big.mlpackage", last=FP16_NAN)
    small = write_package(tmp_path, blocks=1, hidden=64, ffn=256, name="small.mlpackage")
    assert weight_file(big).stat().st_size > total_bytes(1, 4096, 32768) == 512 * MIB
    result = subprocess.run([sys.executable, "-c", PEAK, str(small), str(big)], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout)
    growth = (figures["after"] - figures["before"]) / 1024  # ru_maxrss is in KiB on Linux
    assert growth < 200, f"peak RSS grew by {growth:.0f} MiB while scanning 512 MiB of weights"
    # the NaN in the last two bytes of the last blob was found: the scan read the blobs to their end
    assert any("1 value(s) are NaN or infinite" in m for m in figures["messages"]), figures["messages"]


def _reference(values: Any, fp16_max: float, smallest_normal: float, zero_below: float) -> Counts:
    magnitude = np.abs(values.astype(np.float64))
    finite = np.isfinite(magnitude)
    over = finite & (magnitude > fp16_max)
    small = finite & (magnitude > 0) & (magnitude < smallest_normal)
    return Counts(int(over.sum()), int((~finite).sum()), int(small.sum()), int((small & (magnitude < zero_below)).sum()),
                  int((finite & (magnitude > 0)).sum()), float(magnitude[over].max()) if over.any() else 0.0)


THRESHOLDS = [(65504.0, 2.0 ** -14, 2.0 ** -25), (1000.0, 1e-3, 1e-6), (65504.0, 2.0 ** -14, 2.0 ** -24)]


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@pytest.mark.parametrize("scale", [0.02, 1e-5, 3e4, 1e-30, 7e4])
@pytest.mark.parametrize("specials", [True, False], ids=["zeros-and-nonfinite", "none"])
def test_counts_on_bit_patterns_match_float64_with_and_without_numpy(dtype: Any, scale: float, specials: bool) -> None:
    rng = np.random.default_rng(int(scale * 1000) % 97)
    with np.errstate(over="ignore"):
        values = rng.normal(0, scale, 20_011).astype(dtype)
    if specials:
        values[::97], values[3::1001], values[5::1003], values[7::555] = 0, np.inf, np.nan, -0.0
    else:  # no zero and nothing non-finite: the smallest and largest magnitudes settle the thresholds they bound
        values[(values == 0) | ~np.isfinite(values)] = min(scale, 1e4)
    if dtype == np.float32:  # values at and next to the thresholds' own patterns
        values[9::777], values[11::779], values[13::781], values[15::783] = 65504.5, 65280.5, 2.0 ** -14, 2.0 ** -25
    code = "e" if dtype == np.float16 else "f"
    for limits in THRESHOLDS:
        found = patterns(code, *limits)
        expected = _reference(values, *limits)
        assert blob_scan._count_numpy(np, memoryview(values.tobytes()), found) == expected
        assert blob_scan._count_bytes(values.tobytes(), found) == expected


def test_a_big_buffer_counted_on_several_threads_gives_the_counts_of_one(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    values = rng.normal(0, 1e-4, 50_003).astype(np.float16)
    values[::101], values[1::997], values[2::1009], values[3::89] = 0, np.inf, np.nan, 6e-8
    found = patterns("e", 1000.0, 1e-3, 1e-6)
    one = blob_scan._count_numpy(np, memoryview(values.tobytes()), found)
    assert one == _reference(values, 1000.0, 1e-3, 1e-6)
    monkeypatch.setattr(blob_scan, "STEP", 4096)
    monkeypatch.setattr(blob_scan, "PARALLEL_FROM", 10_000)
    monkeypatch.setattr(blob_scan, "_threads", lambda: 3)  # parts of whole steps, the last one shorter
    parts = blob_scan._split(values.size, 3)
    assert len(parts) == 3 and parts[0].start == 0 and parts[-1].stop == values.size
    assert all(a.stop == b.start and (a.stop - a.start) % 4096 == 0 for a, b in zip(parts, parts[1:]))
    called = []
    original = blob_scan._in_threads
    monkeypatch.setattr(blob_scan, "_in_threads", lambda jobs: called.append(len(jobs)) or original(jobs))
    assert blob_scan._count_numpy(np, memoryview(values.tobytes()), found) == one
    assert called == [3]


def test_the_command_line_check_gives_openblas_one_thread_unless_the_user_chose(
        built: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    assert cli.main(["check", str(built["mil_clean"]), "--format", "json"]) == 0
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"  # set before numpy loads, here or in a model's child process
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "3")
    assert cli.main(["check", str(built["mil_clean"]), "--format", "json"]) == 0
    assert os.environ["OPENBLAS_NUM_THREADS"] == "3"
    capsys.readouterr()


def test_a_failure_on_a_counting_thread_is_raised_in_the_caller() -> None:
    def broken() -> Counts:
        raise MemoryError("no room")

    with pytest.raises(MemoryError, match="no room"):
        blob_scan._in_threads([lambda: Counts(nonzero=1), broken])
    assert blob_scan._in_threads([lambda: Counts(nonzero=1), lambda: Counts(nonzero=2, largest=3.0)]) == \
        Counts(nonzero=3, largest=3.0)
    assert blob_scan._split(100, 1) == [slice(0, 100)]  # one core, or a small buffer: no threads


def test_where_no_thread_can_start_every_job_runs_on_the_calling_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    def refuse(self: Any) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    jobs = [lambda n=n: Counts(nonzero=n) for n in (1, 2, 4)]
    assert blob_scan._in_threads(jobs) == Counts(nonzero=7)


def test_without_numpy_the_counts_come_from_the_standard_library(monkeypatch: pytest.MonkeyPatch) -> None:
    values = np.array([70000.0, -1e6, 1e-9, 3e-5, 0.5, 0.0], np.float32)
    monkeypatch.setitem(sys.modules, "numpy", None)
    counts = blob_scan.count_buffer(values.tobytes(), patterns("f", 65504.0, 2.0 ** -14, 2.0 ** -25))
    assert counts == Counts(overflow=2, nonfinite=0, subnormal=2, to_zero=1, nonzero=5, largest=1e6)


def test_windows_are_at_most_the_window_size_and_cover_the_range(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "data.bin"
    data = bytes(range(256)) * 4099
    path.write_bytes(data)
    for mapped, small in ((True, 0), (False, 4096), (False, 0)):
        if not mapped and not small:  # where mmap is missing (or refuses), one reused buffer is read into
            monkeypatch.setattr(ranges.FileRanges, "_mapped", lambda self, at, size: None)
        source = ranges.FileRanges(path.open("rb"), window=4096, small=small)  # small windows are read, not mapped
        parts = [bytes(window) for window in source.windows(100, len(data) - 200)]
        assert all(len(p) <= 4096 for p in parts) and b"".join(parts) == data[100:-100]
        with pytest.raises(EOFError):
            list(source.windows(len(data) - 10, 20))
        source.close()


def test_a_registered_source_is_read_instead_of_its_placeholder(tmp_path: Path) -> None:
    """The browser page's design, in CPython: the weight file is an empty placeholder, its bytes come from a callback,
    and the report is the one for the file on disk."""
    real = write_package(tmp_path, blocks=2, hidden=64, ffn=256, sparse=False, name="real.mlpackage", last=FP16_NAN)
    placeholder = tmp_path / "placeholder.mlpackage"
    subprocess.run(["cp", "-r", str(real), str(placeholder)], check=True)
    weights = weight_file(placeholder)
    weights.write_bytes(b"")
    content = weight_file(real).read_bytes()
    asked: list[tuple[int, int]] = []

    def fetch(offset: int, length: int) -> bytes:
        asked.append((offset, length))
        return content[offset:offset + length]

    kb = default()
    checker = Checker(kb, resolve_target(kb, None, None))
    expected = checker.check(real, "model").to_dict()
    with ranges.external({str(weights): ranges.CallbackRanges(len(content), fetch, window=4096)}):
        got = checker.check(placeholder, "model").to_dict()
    assert got == expected and any("NaN" in f["message"] for f in got["findings"])
    assert asked and max(length for _, length in asked) <= 4096
    assert checker.check(placeholder, "model").to_dict() != expected  # unregistered: an empty file again
