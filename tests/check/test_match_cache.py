"""Rule matches are cached per op and extracted values: alike ops share one evaluation, different values never do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ane_kb.check import check_model
from ane_kb.check.runner import Checker, frozen
from tests.check.models import ct, mb, mil_save, np


def test_keys_tell_numbers_and_booleans_apart() -> None:
    keys = {frozen({"stride": [1]}), frozen({"stride": [1.0]}), frozen({"stride": [True]}), frozen({"stride": 1})}
    assert len(keys) == 4
    assert frozen({"kernel_size": [3, 3]}) == frozen({"kernel_size": [3, 3]})


def test_values_that_are_not_plain_data_are_not_cached() -> None:
    assert frozen({"value": object()}) is None
    assert frozen({"value": np.float32(1.0)}) is None


def _pools(path: Path) -> Path:
    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 8, 64, 64))], opset_version=ct.target.iOS16)
    def prog(x: Any) -> Any:
        a = mb.max_pool(x=x, kernel_sizes=[3, 3], strides=[1, 1], pad_type="same", name="small_a")
        b = mb.max_pool(x=a, kernel_sizes=[3, 3], strides=[1, 1], pad_type="same", name="small_b")
        return mb.max_pool(x=b, kernel_sizes=[31, 31], strides=[1, 1], pad_type="same", name="big")

    return mil_save(prog, path)


def test_alike_ops_are_matched_once_and_each_is_reported(tmp_path: Path, monkeypatch: Any) -> None:
    calls: list[str] = []
    uncached = Checker._match_uncached

    def counting(self: Checker, node: Any, params: dict[str, Any], named_only: bool) -> Any:
        calls.append(node.op)
        return uncached(self, node, params, named_only)

    monkeypatch.setattr(Checker, "_match_uncached", counting)
    report = check_model(_pools(tmp_path / "pools.mlpackage"))
    assert calls.count("max_pool") == 2  # the two 3x3 pools share one evaluation
    pooled = {f.layer for f in report.findings if f.op == "max_pool"}
    assert pooled and all(layer.startswith("big") for layer in pooled)
