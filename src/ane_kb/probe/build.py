"""A placement file (schema/placement.schema.json) from a compute plan: the part of `ane-kb probe` that runs anywhere.

`plan` is anything shaped like coremltools' `MLComputePlan` (coremltools.models.compute_plan): a
`model_structure` with `program.functions[...].block.operations` (each with `operator_name`, `outputs[].name` and
nested `blocks`), or `neuralnetwork.layers` (each with `name` and `type`), or `pipeline.sub_models`; and the
methods `get_compute_device_usage_for_mlprogram_operation`, `get_compute_device_usage_for_neuralnetwork_layer`
and `get_estimated_cost_for_mlprogram_operation`. Devices are told apart by their class names.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..knowledge import KnowledgeBase
from ..placement import FORMAT_VERSION, spec_sha256

DEVICES = {"MLCPUComputeDevice": "cpu", "MLGPUComputeDevice": "gpu", "MLNeuralEngineComputeDevice": "ane"}
ORDER = ("cpu", "gpu", "ane")
EXAMINED = {"all": ["cpu", "gpu", "ane"], "cpu-and-ne": ["cpu", "ane"]}


class ProbeError(Exception):
    """Probing cannot go on; the message is one line."""


def device(value: Any) -> str | None:
    return DEVICES.get(type(value).__name__)


def plan_ops(plan: Any) -> list[dict[str, Any]]:
    """Every op or layer of the plan, in order, with its supported and preferred devices and estimated cost."""
    ops: list[dict[str, Any]] = []
    _structure(plan, plan.model_structure, ops)
    return ops


def _structure(plan: Any, structure: Any, ops: list[dict[str, Any]]) -> None:
    if getattr(structure, "program", None) is not None:
        for function in structure.program.functions.values():
            _block(plan, function.block, ops)
    elif getattr(structure, "neuralnetwork", None) is not None:
        for layer in structure.neuralnetwork.layers:
            usage = plan.get_compute_device_usage_for_neuralnetwork_layer(layer)
            ops.append(_op(str(layer.name), str(layer.type), usage, None))
    elif getattr(structure, "pipeline", None) is not None:
        for _name, sub in structure.pipeline.sub_models:
            _structure(plan, sub, ops)


def _block(plan: Any, block: Any, ops: list[dict[str, Any]]) -> None:
    for operation in block.operations:
        if operation.operator_name != "const" and operation.outputs:
            usage = plan.get_compute_device_usage_for_mlprogram_operation(operation)
            cost = plan.get_estimated_cost_for_mlprogram_operation(operation)
            ops.append(_op(str(operation.outputs[0].name), str(operation.operator_name), usage, cost))
        for inner in operation.blocks:
            _block(plan, inner, ops)


def _op(name: str, kind: str, usage: Any, cost: Any) -> dict[str, Any]:
    supported = None
    preferred = None
    if usage is not None:
        found = {device(d) for d in usage.supported_compute_devices}
        supported = [d for d in ORDER if d in found]
        preferred = device(usage.preferred_compute_device)
    weight = getattr(cost, "weight", None)
    estimated = min(1.0, max(0.0, float(weight))) if isinstance(weight, (int, float)) and math.isfinite(weight) else None
    return {"name": name, "type": kind, "supported": supported, "preferred": preferred, "estimated_cost": estimated}


def chip_id(kb: KnowledgeBase, name: str) -> str | None:
    """The KB chip a machine reports ("Apple M4 Pro" is chip m4-pro); None for a chip the KB does not know."""
    key = " ".join(name.lower().split())
    key = key[len("apple "):] if key.startswith("apple ") else key
    if kb.chips.get(key.replace(" ", "-")) is not None:
        return key.replace(" ", "-")
    titled = [c.ref.split("/", 1)[1] for c in kb.chips
              if key in {" ".join(c.title.en.lower().split()), " ".join(c.title.zh.lower().split())}]
    return titled[0] if len(titled) == 1 else None


def model_parameters(model: str, kb: KnowledgeBase) -> tuple[str, dict[str, dict[str, Any]]]:
    """(the model's format, the condition parameters the KB reads for each op, by op name), read as the
    checker reads them."""
    from ..check import extract
    from ..check.properties import ModelProperties
    from ..check.proto import ProtoUnavailable
    from ..check.readers import ModelInputError, read_model
    from ..check.report import json_safe

    try:
        loaded = read_model(Path(model))
    except ModelInputError as exc:
        raise ProbeError(f"{model}: {exc.text('en')}") from None
    except ProtoUnavailable as exc:
        raise ProbeError(str(exc)) from None
    formats = [f for f in loaded.formats() if f in ("neuralnetwork", "mlprogram", "coreai")]
    if not formats:
        raise ProbeError(f"{model}: not a neural network model, so there is no placement to measure")
    nodes = [n for n in loaded.nodes() if not n.is_const]
    props = ModelProperties(loaded.spec, nodes, loaded.weights_dir, loaded.properties)
    params = {}
    for node in nodes:
        needed = frozenset().union(*(c.parameters_for(node.format, node.op) for c in (kb.rules, kb.precision)
                                     if node.op in kb.identifiers(node.format)))
        if needed:
            params[node.name] = json_safe(extract.parameters(node, kb.parameters, props, needed))
    return formats[0], params


def placement(model: str, ops: Iterable[dict[str, Any]], host: Mapping[str, Any], compute_units: str,
              kb: KnowledgeBase, tool: str, today: dt.date | None = None) -> dict[str, Any]:
    """The placement file's document for one probed model."""
    fmt, params = model_parameters(model, kb)
    described = dict(host)
    chip_name = str(described.get("chip_name") or "")
    described = {"chip": chip_id(kb, chip_name) if chip_name else None, **described}
    out_ops = []
    for op in ops:
        entry = dict(op)
        if params.get(op["name"]):
            entry = {**{k: v for k, v in entry.items() if k in ("name", "type")}, "params": params[op["name"]],
                     **{k: v for k, v in entry.items() if k not in ("name", "type")}}
        out_ops.append(entry)
    if not out_ops:
        raise ProbeError(f"{model}: the compute plan lists no ops")
    name = Path(model.rstrip("/")).name.rsplit(".", 1)[0] or "model"
    return {"format_version": FORMAT_VERSION,
            "model": {"name": name, "sha256": spec_sha256(model), "format": fmt},
            "host": described, "compute_units": compute_units, "method": "mlcomputeplan",
            "examined": EXAMINED[compute_units], "date": (today or dt.date.today()).isoformat(),
            "source": {"measured_by": "contributor", "tool": tool}, "ops": out_ops}


def write(document: Mapping[str, Any], out: str) -> Path:
    """Write the file whole or not at all (a temporary file beside it, then renamed)."""
    path = Path(out)
    if path.is_dir():
        raise ProbeError(f"--out {out}: is a folder; give a file name, e.g. placement.json")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ProbeError(f"--out {out}: the folder {folder} does not exist")
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    handle, staged = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(staged, path)
    except BaseException:
        if os.path.exists(staged):
            os.unlink(staged)
        raise
    return path
