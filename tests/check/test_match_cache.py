"""Rule matches are cached per op and extracted values: alike ops share one evaluation, different values never do;
and a checked graph is freed by reference counting, not left to the cycle collector."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ane_kb.check import check_model
from ane_kb.check.properties import ModelProperties
from ane_kb.check.runner import Checker, frozen
from tests.check.models import ct, mb, mil_save, nn_conv_pool, np


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
    calls: list[tuple[str, str | None]] = []
    uncached = Checker._match_uncached

    def counting(self: Checker, node: Any, params: dict[str, Any], named_only: bool) -> Any:
        if node.op == "max_pool":
            calls.append((node.name.split("_cast")[0], frozen(params)))
        return uncached(self, node, params, named_only)

    monkeypatch.setattr(Checker, "_match_uncached", counting)
    report = check_model(_pools(tmp_path / "pools.mlpackage"))
    evaluated = {name for name, _ in calls}
    assert len(calls) == len(set(calls))  # no values are evaluated twice
    assert "small_a" in evaluated and "big" in evaluated
    assert "small_b" not in evaluated  # the second 3x3 pool reuses every evaluation of the first
    pooled = {f.layer for f in report.findings if f.op == "max_pool"}
    assert pooled and all(layer.startswith("big") for layer in pooled)


def test_the_cycle_collector_is_paused_per_model_and_restored(tmp_path: Path, monkeypatch: Any) -> None:
    import gc

    from ane_kb.check import check_models

    seen: list[bool] = []
    inner = Checker._check

    def watching(self: Checker, path: Path, shown: str) -> Any:
        seen.append(gc.isenabled())
        return inner(self, path, shown)

    monkeypatch.setattr(Checker, "_check", watching)
    model = _pools(tmp_path / "pools.mlpackage")
    assert gc.isenabled()
    check_models([model, model])
    assert seen == [False, False] and gc.isenabled()


@pytest.mark.parametrize("build", [_pools, nn_conv_pool])
def test_a_checked_graph_leaves_no_cycles_for_the_collector(tmp_path: Path, build: Any) -> None:
    """A checked graph is freed when its report is done: nothing of it is left for the cycle collector, whose pass
    over a big graph's objects once took a tenth of the check."""
    import gc

    from ane_kb.check.graph import Node, Scope

    model = build(tmp_path / ("model.mlpackage" if build is _pools else "model.mlmodel"))
    check_model(model)  # every module and cache loaded
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        check_model(model)
        gc.collect()
        left = [type(item).__name__ for item in gc.garbage if isinstance(item, (Node, Scope, ModelProperties))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []
