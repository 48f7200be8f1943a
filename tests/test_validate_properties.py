"""Property-based robustness of `python -m generator validate` (Hypothesis): a record mutated by byte flips, a BOM,
CRLF, NUL bytes, tabs, deep nesting or huge strings gives exit 0 or 1 with `file:line:col` problems, never a
traceback. Deterministic (derandomize), at most 200 examples, 30 s per example at most (a hang guard)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from tests.check.test_properties import hang_guard
from tests.conftest import copy_minikb

PROPERTY = settings(derandomize=True, max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
RECORDS = ["layer-rule/pool-big.yaml", "anecdote/slow-fp16.yaml", "chip/a12.yaml", "_vocab/tags.yaml"]
PROBLEM = re.compile(r"^\S.*:\d+:\d+: (warning: )?[a-z0-9-]+: .+$")
SUMMARY = re.compile(r"^(\d+ error\(s\), \d+ warning\(s\)|.*: \d+ records valid.*)$")
INSERTS = ["\ufeff", "\r\n", "\x00", "\t", "\r", "\u202e", "[" * 200, "{a: " * 200, "x" * 200_000, "0x_", "0b101",
           "9" * 5000, ": :", "- ", "&a ", "*a", "!!python/object:os.system ", "'", '"', "{", "]", "\n  - ", "~"]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_minikb(tmp_path_factory.mktemp("pristine") / "kb")


def _validate(kb: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    with hang_guard():
        code = main(["validate", str(kb)])
    out, err = capsys.readouterr()
    return code, [line for line in (out + err).splitlines() if line.strip()]


@pytest.mark.parametrize("record", RECORDS)
def test_mutated_records(pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], record: str) -> None:
    original = (pristine / record).read_bytes()

    @PROPERTY
    @given(st.lists(st.tuples(st.integers(0, len(original)), st.sampled_from(INSERTS) | st.text(max_size=8)),
                    max_size=4),
           st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)), max_size=4),
           st.booleans())
    def run(inserts: list[tuple[int, str]], flips: list[tuple[int, int]], crlf: bool) -> None:
        data = bytearray(original)
        for at, value in flips:
            data[at] = value
        for at, text in sorted(inserts, reverse=True):
            data[at:at] = text.encode("utf-8", "surrogatepass")
        if crlf:
            data = bytearray(bytes(data).replace(b"\n", b"\r\n"))
        kb = tmp_path / "kb"
        if kb.exists():
            shutil.rmtree(kb)
        shutil.copytree(pristine, kb)
        (kb / record).write_bytes(bytes(data))
        code, lines = _validate(kb, capsys)
        assert code in (0, 1), lines
        assert not any("Traceback" in line for line in lines), lines
        problems = [line for line in lines if PROBLEM.match(line)]
        others = [line for line in lines if not PROBLEM.match(line) and not line.startswith(" ")
                  and not SUMMARY.match(line)]
        assert others == [], others
        assert bool(problems) == (code == 1) or all(": warning: " in line for line in problems), lines

    run()
