"""Counting, in a buffer of raw float16 or float32 values, those that overflow fp16, are not finite, or underflow.

The counts are taken on the values' bit patterns, never on Python floats: with the sign bit cleared, the patterns of
non-negative floats sort as the values do, so "magnitude at least t" is "pattern at least P(t)", where P(t) is found
once per threshold by a binary search. numpy, where present (the command line: coremltools brings it), compares whole
arrays of patterns in cache-sized steps, a big buffer split among threads (one a core, at most four: numpy lets go of
the interpreter lock while it compares); a step's smallest and largest magnitudes settle every threshold outside them,
so most steps of real weights need no count at all. Without numpy (the browser page's Python has none) the same counts
come from the standard library: the top byte of each value, taken with a strided slice and classified with
`bytes.translate`, decides almost every value; the few whose top byte equals a threshold's are settled by the next
byte, or by comparing 16- or 32-bit lanes of one big integer. Both give exact counts.
"""

from __future__ import annotations

import os
import struct
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

WIDTHS = {"e": 2, "f": 4}
STEP = 1 << 20  # values compared at once by numpy: 2 or 4 MiB (fewer calls than 256K values, as fast per byte)
NUMPY_FROM = 16 << 20  # bytes counted from which numpy is worth importing (0.1 s: the standard library's time for 16 MiB)
NUMPY_BUFFER = 4 << 20  # a buffer this big means a big model: numpy at once
PARALLEL_FROM = 8 << 20  # values from which a buffer is split among threads (numpy releases the GIL as it counts)
MOST_THREADS = 4
_scanned = [0]


@dataclass
class Counts:
    overflow: int = 0
    nonfinite: int = 0
    subnormal: int = 0
    to_zero: int = 0
    nonzero: int = 0
    largest: float = 0.0

    def flushes(self, share: float) -> bool:
        """Whether enough of the tensor's non-zero values become 0 in fp16 to matter."""
        return self.to_zero > 0 and self.to_zero >= share * self.nonzero

    def add(self, other: Counts) -> Counts:
        return Counts(self.overflow + other.overflow, self.nonfinite + other.nonfinite, self.subnormal + other.subnormal,
                      self.to_zero + other.to_zero, self.nonzero + other.nonzero, max(self.largest, other.largest))


def _value(pattern: int, code: str) -> float:
    value: float = struct.unpack(f"<{code}", pattern.to_bytes(WIDTHS[code], "little"))[0]
    return value


def _first(code: str, predicate: Any) -> int:
    """The smallest non-negative pattern whose value satisfies `predicate` (monotonic), up to the infinity pattern."""
    low, high = 0, _infinity(code)
    while low < high:
        middle = (low + high) // 2
        if predicate(_value(middle, code)):
            high = middle
        else:
            low = middle + 1
    return low


def _infinity(code: str) -> int:
    return 0x7C00 if code == "e" else 0x7F800000


@dataclass(frozen=True)
class Patterns:
    """The thresholds as bit patterns of one float type: a magnitude pattern p counts as
    non-finite from `infinity`, overflowing from `over`, normal from `normal` and staying non-zero from `zero`."""

    code: str
    infinity: int
    over: int
    normal: int
    zero: int

    @property
    def width(self) -> int:
        return WIDTHS[self.code]


@lru_cache(maxsize=16)
def patterns(code: str, fp16_max: float, smallest_normal: float, zero_below: float) -> Patterns:
    infinity = _infinity(code)
    normal = max(1, _first(code, lambda v: v >= smallest_normal))
    zero = min(normal, max(1, _first(code, lambda v: v >= zero_below)))
    return Patterns(code, infinity, min(infinity, _first(code, lambda v: v > fp16_max)), normal, zero)


def count_buffer(data: Any, found: Patterns) -> Counts:
    """The counts over a buffer of little-endian values (a whole number of them). numpy is imported for a buffer of
    NUMPY_BUFFER bytes or more, or once the buffers counted in this process reach NUMPY_FROM bytes: for a small
    model the standard library is done before numpy would have loaded (about 0.1 s)."""
    size = memoryview(data).nbytes
    _scanned[0] += size
    try:
        if "numpy" not in sys.modules and _scanned[0] < NUMPY_FROM and size < NUMPY_BUFFER:
            raise ImportError
        import numpy as np
    except ImportError:
        return _count_bytes(data if isinstance(data, (bytes, bytearray)) else memoryview(data).cast("B").tobytes(), found)
    return _count_numpy(np, memoryview(data).cast("B"), found)


def _from_counts(at_least: Any, found: Patterns) -> Counts:
    """Counts from a function giving how many magnitude patterns are at least a given one."""
    nonzero_or_more = at_least(1)
    infinite = at_least(found.infinity)
    over = at_least(found.over) if found.over < found.infinity else infinite
    normal = at_least(found.normal)
    zero = at_least(found.zero) if found.zero > 1 else nonzero_or_more
    return Counts(overflow=over - infinite, nonfinite=infinite, subnormal=nonzero_or_more - normal,
                  to_zero=nonzero_or_more - zero, nonzero=nonzero_or_more - infinite)


def _count_numpy(np: Any, data: Any, found: Patterns) -> Counts:
    kind = np.uint16 if found.width == 2 else np.uint32
    values = np.frombuffer(data, dtype=kind, count=len(data) // found.width)
    total = _in_threads([lambda part=part: _count_values(np, values[part], found)
                         for part in _split(values.size, _threads())])
    del values
    return total


def _threads() -> int:
    """The threads a big buffer is counted on: the cores this process may run on, at most MOST_THREADS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MOST_THREADS))


def _split(size: int, threads: int) -> list[slice]:
    """Contiguous parts of `size` values, whole steps each, one a thread; one part below PARALLEL_FROM values."""
    if threads < 2 or size < PARALLEL_FROM:
        return [slice(0, size)]
    share = -(-size // threads // STEP) * STEP
    return [slice(at, min(at + share, size)) for at in range(0, size, share)]


def _in_threads(jobs: list[Any]) -> Counts:
    """The counts of every job, the first on this thread and each other on its own; a failure in one is raised
    here. (concurrent.futures would do the same for 4-5 ms more of imports, on a path its start-up already bounds.)"""
    if len(jobs) == 1:
        result: Counts = jobs[0]()
        return result
    import threading

    results: list[Any] = [None] * len(jobs)

    def run(index: int) -> None:
        try:
            results[index] = jobs[index]()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread below
            results[index] = exc

    threads = []
    for index in range(1, len(jobs)):
        thread = threading.Thread(target=run, args=(index,), daemon=True)
        try:
            thread.start()
        except RuntimeError:  # no threads here (a WebAssembly build): the job runs on this one
            run(index)
            continue
        threads.append(thread)
    run(0)
    for thread in threads:
        thread.join()
    total = Counts()
    for result in results:
        if isinstance(result, BaseException):
            raise result
        total = total.add(result)
    return total


def _count_values(np: Any, values: Any, found: Patterns) -> Counts:
    """The counts over an array of patterns, STEP values at a time in buffers of its own."""
    kind = values.dtype.type
    total = Counts()
    magnitudes = np.empty(min(STEP, values.size), dtype=kind)
    flags = np.empty(magnitudes.size, dtype=bool)
    sign_off = kind(0x7FFF if found.width == 2 else 0x7FFFFFFF)
    for at in range(0, values.size, STEP):
        part = values[at:at + STEP]
        magnitude = np.bitwise_and(part, sign_off, out=magnitudes[:part.size])
        largest = int(magnitude.max())
        if largest == 0:
            continue
        smallest = int(magnitude.min())
        flag = flags[:part.size]

        def at_least(pattern: int) -> int:
            if pattern > largest:
                return 0
            if pattern <= smallest:  # most weights: every threshold settled by the extremes, no count taken
                return int(part.size)
            if pattern <= 1:
                return int(np.count_nonzero(magnitude))
            return int(np.count_nonzero(np.greater_equal(magnitude, pattern, out=flag)))

        counts = _from_counts(at_least, found)
        if counts.overflow:
            beyond = magnitude[(magnitude >= found.over) & (magnitude < found.infinity)]
            counts.largest = _value(int(beyond.max()), found.code)
        total = total.add(counts)
    return total


@lru_cache(maxsize=64)
def _classes(threshold_byte: int) -> bytes:
    """A table for bytes.translate: a top byte (sign ignored) becomes 2 above the threshold's, 1 equal to it, 0 below."""
    return bytes(2 if (b & 0x7F) > threshold_byte else 1 if (b & 0x7F) == threshold_byte else 0 for b in range(256))


@lru_cache(maxsize=64)
def _at_least_byte(threshold_byte: int) -> bytes:
    return bytes(0xFF if b >= threshold_byte else 0 for b in range(256))


_EQUAL = bytes(0xFF if b == 1 else 0 for b in range(256))


@lru_cache(maxsize=4)
def _lanes(value: int, width: int, count: int) -> int:
    return int.from_bytes(value.to_bytes(width, "little") * count, "little")


def _count_bytes(data: bytes | bytearray, found: Patterns) -> Counts:
    width = found.width
    count = len(data) // width
    data = data[:count * width]
    if not count or data.count(0) == len(data):
        return Counts()
    top, second = data[width - 1::width], data[width - 2::width]
    lanes: list[int] = []

    def exact(pattern: int) -> int:
        """Lanes of one big integer: adding (half - pattern) to each magnitude sets its top bit exactly when the
        magnitude is at least the pattern, and no lane carries into the next."""
        if not lanes:
            lanes.append(int.from_bytes(data, "little") & _lanes((1 << (8 * width - 1)) - 1, width, count))
        half = 1 << (8 * width - 1)
        return ((lanes[0] + _lanes(half - pattern, width, count)) & _lanes(half, width, count)).bit_count()

    def at_least(pattern: int) -> int:
        if pattern == 1 and width == 2:
            # the zeros, +0 and -0: decoded as UTF-16 each value is one character (two values that form a surrogate
            # pair become one, but neither of them is a zero), and str.count finds them
            text = data.decode("utf-16-le", "surrogatepass")
            return count - text.count("\x00") - text.count("\u8000")
        shift = 8 * (width - 1)
        key, rest = pattern >> shift, pattern & ((1 << shift) - 1)
        classes = top.translate(_classes(key))
        above, equal = classes.count(2), classes.count(1)
        if not equal or not rest:
            return above + (equal if not rest else 0)
        low = rest & ((1 << (8 * (width - 2))) - 1)
        if low:
            return exact(pattern)
        same = int.from_bytes(classes.translate(_EQUAL), "little")
        enough = int.from_bytes(second.translate(_at_least_byte(rest >> (8 * (width - 2)))), "little")
        return above + (same & enough).bit_count() // 8

    counts = _from_counts(at_least, found)
    if counts.overflow:
        counts.largest = max(abs(v) for (v,) in struct.iter_unpack(f"<{found.code}", data)
                             if abs(v) != float("inf") and v == v and abs(v) >= _value(found.over, found.code))
    return counts
