"""`ane-kb probe`: one clear line off macOS; on Linux, everything but the MLComputePlan call, with a fake plan."""

from __future__ import annotations

import json
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ane_kb import cli, default
from ane_kb.placement import spec_sha256
from ane_kb.probe import ProbeError, probe
from ane_kb.probe.build import chip_id, plan_ops
from generator import schemas
from tests.check.placement_fixtures import DATA, measured_models  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
MACOS = ROOT / "src" / "ane_kb" / "probe" / "macos.py"


# Shaped like coremltools.models.compute_device and compute_plan: devices are told apart by class name.
class MLCPUComputeDevice:
    pass


class MLGPUComputeDevice:
    pass


class MLNeuralEngineComputeDevice:
    pass


@dataclass
class Usage:
    preferred_compute_device: Any
    supported_compute_devices: list[Any]


@dataclass
class Cost:
    weight: float


@dataclass
class Named:
    name: str


@dataclass
class Operation:
    operator_name: str
    outputs: list[Named]
    blocks: list[Any] = field(default_factory=list)


@dataclass
class Block:
    operations: list[Operation]


@dataclass
class Layer:
    name: str
    type: str


class FakePlan:
    """A compute plan: `usage` maps an op's first output (or a layer's name) to its device usage."""

    def __init__(self, structure: Any, usage: dict[str, Usage], cost: float = 0.5) -> None:
        self.model_structure = structure
        self.usage, self.cost = usage, cost

    def get_compute_device_usage_for_mlprogram_operation(self, operation: Operation) -> Usage | None:
        return self.usage.get(operation.outputs[0].name)

    def get_compute_device_usage_for_neuralnetwork_layer(self, layer: Layer) -> Usage | None:
        return self.usage.get(layer.name)

    def get_estimated_cost_for_mlprogram_operation(self, operation: Operation) -> Cost | None:
        return Cost(self.cost) if operation.outputs[0].name in self.usage else None


def program(*operations: Operation) -> Any:
    function = types.SimpleNamespace(block=Block(list(operations)))
    return types.SimpleNamespace(program=types.SimpleNamespace(functions={"main": function}), neuralnetwork=None,
                                 pipeline=None)


CPU_ONLY = Usage(MLCPUComputeDevice(), [MLCPUComputeDevice()])
ANE_TOO = Usage(MLNeuralEngineComputeDevice(), [MLNeuralEngineComputeDevice(), MLCPUComputeDevice()])


def backend(plan: Any, chip_name: str = "Apple M4") -> Any:
    return types.SimpleNamespace(
        unavailable=lambda: None, compute_plan=lambda model, units: (plan, None),
        host=lambda: {"chip_name": chip_name, "device": "Mac16,12",
                      "os": {"platform": "macos", "version": "27.0.1", "build": "26A434"},
                      "tools": {"coremltools": "9.0"}})


def test_probe_off_macos_exits_2_with_one_line_naming_macos(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "placement.json"
    code = cli.main(["probe", str(tmp_path / "model.mlpackage"), "--out", str(out)])
    stdout, stderr = capsys.readouterr()
    assert code == 2 and stdout == "" and stderr.count("\n") == 1
    assert "macOS 14.4" in stderr and "MLComputePlan" in stderr and "Traceback" not in stderr
    assert not out.exists()


def test_the_macos_only_module_is_at_most_60_lines() -> None:
    assert len(MACOS.read_text(encoding="utf-8").splitlines()) <= 60


def test_the_plan_walk_reads_devices_costs_nested_blocks_and_skips_constants() -> None:
    inner = Block([Operation("relu", [Named("inner_relu")])])
    plan = FakePlan(program(Operation("const", [Named("w")]), Operation("conv", [Named("conv_0")]),
                            Operation("cond", [Named("branch")], [inner])),
                    {"conv_0": ANE_TOO, "branch": CPU_ONLY, "inner_relu": CPU_ONLY}, cost=1.5)
    ops = plan_ops(plan)
    assert [o["name"] for o in ops] == ["conv_0", "branch", "inner_relu"]
    assert ops[0] == {"name": "conv_0", "type": "conv", "supported": ["cpu", "ane"], "preferred": "ane",
                      "estimated_cost": 1.0}
    assert ops[1]["supported"] == ["cpu"] and ops[1]["preferred"] == "cpu"


def test_a_neuralnetwork_plan_and_an_op_without_usage() -> None:
    structure = types.SimpleNamespace(program=None, pipeline=None,
                                      neuralnetwork=types.SimpleNamespace(layers=[Layer("pool", "pooling"),
                                                                                  Layer("odd", "custom")]))
    ops = plan_ops(FakePlan(structure, {"pool": CPU_ONLY}))
    assert ops == [{"name": "pool", "type": "pooling", "supported": ["cpu"], "preferred": "cpu", "estimated_cost": None},
                   {"name": "odd", "type": "custom", "supported": None, "preferred": None, "estimated_cost": None}]


def test_chip_names_become_kb_chip_ids() -> None:
    kb = default()
    assert chip_id(kb, "Apple M4") == "m4" and chip_id(kb, "Apple M4 Pro") == "m4-pro"
    assert chip_id(kb, "Apple M99 Ultra") is None


def test_probe_writes_a_placement_file_that_check_compare_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               measured_models: dict[str, Path]) -> None:
    model = measured_models["m4-maxpool-k9"]
    plan = FakePlan(program(Operation("max_pool", [Named("max_pool_0")])), {"max_pool_0": CPU_ONLY}, cost=1.0)
    out = tmp_path / "placement.json"
    written = probe(str(model), "cpu-and-ne", str(out), default(), backend(plan))
    data = json.loads(written.read_text(encoding="utf-8"))
    assert [e.message for e in schemas.validator("placement.schema.json").iter_errors(data)] == []
    assert data["host"]["chip"] == "m4" and data["model"]["sha256"] == spec_sha256(model)
    assert data["model"]["format"] == "mlprogram" and data["examined"] == ["cpu", "ane"]
    assert data["source"]["measured_by"] == "contributor"
    assert data["ops"][0]["params"]["kernel_width"] == [9] and data["ops"][0]["params"]["kernel_size"] == [9, 9]
    code = cli.main(["check", str(model), "--compare", str(out), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["models"][0]["comparison"]["ops"][0]["outcome"] == "agrees"


def test_probe_failures_are_one_line_and_write_nothing(tmp_path: Path, measured_models: dict[str, Path]) -> None:
    model = str(measured_models["m4-conv3x3"])
    plan = FakePlan(program(Operation("conv", [Named("conv_0")])), {"conv_0": ANE_TOO})
    with pytest.raises(ProbeError, match="does not exist"):
        probe(model, "all", str(tmp_path / "nowhere" / "p.json"), default(), backend(plan))

    def broken(model: str, units: str) -> Any:
        raise RuntimeError("compiler\nsaid no")

    failing = types.SimpleNamespace(unavailable=lambda: None, compute_plan=broken, host=lambda: {})
    with pytest.raises(ProbeError) as caught:
        probe(model, "all", str(tmp_path / "p.json"), default(), failing)
    assert "\n" not in str(caught.value) and "compiler said no" in str(caught.value)
    with pytest.raises(ProbeError, match="no such model"):
        probe(str(tmp_path / "missing.mlpackage"), "all", str(tmp_path / "p.json"), default(), backend(plan))
    assert list(tmp_path.iterdir()) == []
