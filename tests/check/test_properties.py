"""Property-based robustness of the checker (Hypothesis): mutated specs of both formats and of pipelines, flipped
bytes, damaged packages. Every example gives a clean report or a clean one-line input error, never an internal
error, and its JSON is valid. Deterministic (derandomize) and bounded: at most 200 examples per strategy, and
an example that runs longer than 30 s fails (a hang guard, not a speed goal)."""

from __future__ import annotations

import json
import math
import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ane_kb import default
from ane_kb.check import Target
from ane_kb.check.runner import Checker
from ane_kb.check.report import ModelReport
from tests.check.mutations import copy_model, load_spec, manifest_of, spec_file

HANG_GUARD = 30
PROPERTY = settings(derandomize=True, max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

INTS = [0, 1, -1, 2, 3, 15, 100, 2**31 - 1, 2**31, 2**32, 2**62, -(2**62), 2**63 - 1, -(2**63), 2**64 - 1]
FLOATS = [0.0, -0.0, 1e-45, 70000.0, -1e300, 1e300, math.nan, math.inf, -math.inf]
TEXTS = ["", "a\r\nERRORS (0)", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\u202eevil", "x" * 5000,
         "../../etc/passwd", "/proc/self/mem", "\x00", "名字", "@model_path/weights/missing.bin",
         "@model_path/../../outside.bin", "main", "CoreML5", "conv", "const"]


@contextmanager
def hang_guard(seconds: int = HANG_GUARD) -> Iterator[None]:
    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"an example ran longer than {seconds} s")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(default(), Target())


def assert_clean(report: ModelReport) -> None:
    """A clean result or one clean line for the user; its JSON is valid JSON (no NaN, no Infinity)."""
    if report.error is not None:
        assert "internal error" not in report.error, report.error
        assert "\n" not in report.error and report.error.strip()
    json.dumps(report.to_dict(), allow_nan=False)


def check(checker: Checker, path: Path) -> ModelReport:
    with hang_guard():
        report = checker.check(path, path.name)
    assert_clean(report)
    return report


def _fields(message: Any) -> list[tuple[Any, Any]]:
    """(message, field descriptor) of every set field, anywhere in the message."""
    found, stack = [], [message]
    while stack:
        current = stack.pop()
        for descriptor, value in current.ListFields():
            found.append((current, descriptor))
            if descriptor.message_type is None:
                continue
            if descriptor.message_type.GetOptions().map_entry:
                if descriptor.message_type.fields_by_name["value"].message_type is not None:
                    stack.extend(value[key] for key in value)
            elif hasattr(value, "ListFields"):
                stack.append(value)
            else:
                stack.extend(value)
    return found


def _new_value(data: st.DataObject, descriptor: Any) -> Any:
    kind = descriptor.cpp_type
    if kind in (descriptor.CPPTYPE_INT32, descriptor.CPPTYPE_INT64, descriptor.CPPTYPE_UINT32,
                descriptor.CPPTYPE_UINT64, descriptor.CPPTYPE_ENUM):
        return data.draw(st.sampled_from(INTS + [99]))
    if kind in (descriptor.CPPTYPE_FLOAT, descriptor.CPPTYPE_DOUBLE):
        return data.draw(st.sampled_from(FLOATS))
    if kind == descriptor.CPPTYPE_BOOL:
        return data.draw(st.booleans())
    if descriptor.type == descriptor.TYPE_BYTES:
        return data.draw(st.binary(max_size=64))
    return data.draw(st.sampled_from(TEXTS) | st.text(max_size=20))


def mutate(data: st.DataObject, spec: Any) -> None:
    """One to six changes anywhere in the spec: a field removed, a number made extreme, a name made hostile,
    a repeated field emptied or grown."""
    for _ in range(data.draw(st.integers(1, 6))):
        fields = _fields(spec)
        if not fields:
            return
        message, descriptor = fields[data.draw(st.integers(0, len(fields) - 1))]
        action = data.draw(st.sampled_from(["clear", "set", "set", "set"]))
        try:
            if action == "clear" or descriptor.message_type is not None:
                message.ClearField(descriptor.name)
            elif hasattr(getattr(message, descriptor.name), "extend"):
                field = getattr(message, descriptor.name)
                del field[:]
                field.extend(_new_value(data, descriptor) for _ in range(data.draw(st.sampled_from([0, 1, 2, 100]))))
            else:
                setattr(message, descriptor.name, _new_value(data, descriptor))
        except (ValueError, TypeError, OverflowError):
            pass  # a value its field cannot hold: protobuf refuses it before a model file could carry it


def _write_mutated(source: Path, spec: Any, folder: Path) -> Path:
    target = copy_model(source, folder / source.name)
    spec_file(target).write_bytes(spec.SerializeToString())
    return target


@pytest.mark.parametrize("name", ["nn_clean", "lstm_pool", "nn_nested", "nn_pipeline", "mil_dilated", "mil_nested",
                                  "mil_pipeline"])
def test_mutated_specs(built: dict[str, Path], checker: Checker, name: str) -> None:
    source = built[name]

    @PROPERTY
    @given(st.data())
    def run(data: st.DataObject) -> None:
        spec = load_spec(source)
        mutate(data, spec)
        with tempfile.TemporaryDirectory() as folder:
            check(checker, _write_mutated(source, spec, Path(folder)))

    run()


@pytest.mark.parametrize("name", ["lstm_pool", "mil_dilated", "nn_pipeline"])
def test_flipped_bytes(built: dict[str, Path], checker: Checker, name: str) -> None:
    source = built[name]
    original = spec_file(source).read_bytes()

    @PROPERTY
    @given(st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)), min_size=1, max_size=8),
           st.integers(0, len(original)))
    def run(flips: list[tuple[int, int]], cut: int) -> None:
        data = bytearray(original[:cut] if cut > len(original) // 2 else original)
        for at, value in flips:
            if at < len(data):
                data[at] = value
        with tempfile.TemporaryDirectory() as folder:
            target = copy_model(source, Path(folder) / source.name)
            spec_file(target).write_bytes(bytes(data))
            check(checker, target)

    run()


def test_specification_versions_and_shapes(built: dict[str, Path], checker: Checker) -> None:
    @PROPERTY
    @given(st.sampled_from([0, 1, 4, 999, 2**31 - 1]),
           st.lists(st.sampled_from([0, 1, 3, 32, 2**62]), min_size=0, max_size=100))
    def run(version: int, shape: list[int]) -> None:
        spec = load_spec(built["nn_clean"])
        spec.specificationVersion = version
        array = spec.description.input[0].type.multiArrayType
        del array.shape[:]
        array.shape.extend(shape)
        with tempfile.TemporaryDirectory() as folder:
            check(checker, _write_mutated(built["nn_clean"], spec, Path(folder)))

    run()


def test_damaged_packages(built: dict[str, Path], checker: Checker) -> None:
    source = built["mil_dilated"]

    @PROPERTY
    @given(st.sampled_from(TEXTS) | st.text(max_size=30), st.integers(0, 2**64 - 1), st.booleans(),
           st.sampled_from(["none", "inside", "outside", "dangling", "loop"]))
    def run(path: str, offset: int, truncate: bool, link: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            package = copy_model(source, Path(folder) / "m.mlpackage")
            manifest = manifest_of(package)
            entries = manifest["itemInfoEntries"]
            entries[next(k for k in entries if k != manifest["rootModelIdentifier"])]["path"] = path
            (package / "Manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
            spec = load_spec(package)
            for op in spec.mlProgram.functions["main"].block_specializations["CoreML6"].operations:
                if op.type == "const" and op.attributes["val"].WhichOneof("value") == "blobFileValue":
                    op.attributes["val"].blobFileValue.offset = offset
            spec_file(package).write_bytes(spec.SerializeToString())
            weights = package / "Data" / "com.apple.CoreML" / "weights" / "weight.bin"
            if truncate:
                weights.write_bytes(weights.read_bytes()[:100])
            if link != "none":
                weights.unlink()
                target = {"inside": "../model.mlmodel", "outside": str(source / "Manifest.json"),
                          "dangling": "nothing.bin", "loop": "weight.bin"}[link]
                os.symlink(target, weights)
            check(checker, package)

    run()


def test_one_hundred_thousand_layers(tmp_path: Path, built: dict[str, Path], checker: Checker) -> None:
    spec = load_spec(built["nn_clean"])
    layers = spec.neuralNetwork.layers
    for i in range(100_000):
        layer = layers.add()
        layer.name = f"relu{i}"
        layer.activation.ReLU.SetInParent()
        layer.input.append("y" if i == 0 else f"r{i - 1}")
        layer.output.append(f"r{i}")
    report = check(checker, _write_mutated(built["nn_clean"], spec, tmp_path))
    assert report.error is None and report.summary.layers == 100_002


def test_nesting_two_hundred_levels_deep(tmp_path: Path, built: dict[str, Path], checker: Checker) -> None:
    spec = load_spec(built["nn_clean"])
    network = spec.neuralNetwork
    for depth in range(200):
        layer = network.layers.add()
        layer.name = f"branch{depth}"
        layer.input.append("x")
        network = layer.branch.ifBranch
    report = check(checker, _write_mutated(built["nn_clean"], spec, tmp_path))
    assert report.error is not None  # protobuf refuses to parse a message nested this deep: a clean input error
