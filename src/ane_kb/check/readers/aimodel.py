"""The Core AI reader: an .aimodel folder (main.mlirb, main.hash, metadata.json) into the checker's op graph.

The folder is checked first: its parts present and inside it, main.mlirb starting with the MLIR bytecode
magic, main.hash equal to its sha256. Only then is the program parsed, by coreai-core in a child process
(`coreai_adapter`) with a time limit, because the native parser aborts or segfaults on a bad file: a crash
or a timeout is that model's one-line error and the other models of the run go on.

Op names are Core AI's own (`conv2d`, `broadcasting_batch_matmul`); `kb/_vocab/identifiers.yaml` lists
them, with their ML Program counterparts, and rules name them under the `coreai` format.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from ..graph import Node, Scope
from . import LoadedModel, ModelInputError

SUFFIX = ".aimodel"
PARTS = ("main.mlirb", "main.hash", "metadata.json")
MAGIC = b"ML\xefR"
TIMEOUT_ENV = "ANE_KB_COREAI_TIMEOUT"
DEFAULT_TIMEOUT = 120.0
CONST_PRESERVING = ("transpose", "reshape", "cast", "expand_dims", "shrink_dims", "dequantize", "lut_to_dense",
                    "blockwise_shift_scale", "sparse_with_bitmask_to_dense", "broadcast_to")
OTHER_SUFFIXES = {".aimodelc": "aimodelc", ".pte": "pte"}


def claims(path: Path) -> bool:
    """Whether `path` is for this reader: an .aimodel, .aimodelc or .pte, or a folder holding main.mlirb."""
    suffix = path.suffix.lower()
    if suffix == SUFFIX or suffix in OTHER_SUFFIXES:
        return True
    return path.is_dir() and (path / "main.mlirb").exists() and not (path / "Manifest.json").exists()


def read(path: Path) -> LoadedModel:
    suffix = path.suffix.lower()
    if suffix in OTHER_SUFFIXES:
        raise ModelInputError(OTHER_SUFFIXES[suffix])
    if not path.exists():
        raise ModelInputError("missing")
    if not path.is_dir():
        raise ModelInputError("aimodel_not_folder")
    validate(path)
    return CoreAIModel(path, parse(path))


def _part(folder: Path, name: str) -> Path:
    """A part of the folder, refused when missing or when a link takes it outside the folder.
    (A local check; the shared confinement helpers will replace it.)"""
    part = folder / name
    if not part.exists() and not part.is_symlink():
        raise ModelInputError("aimodel_missing_part", part=name)
    try:
        inside = part.resolve(strict=True).is_relative_to(folder.resolve(strict=True))
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        raise ModelInputError("aimodel_outside", part=name)
    if not part.is_file():
        raise ModelInputError("aimodel_missing_part", part=name)
    return part


def validate(folder: Path) -> None:
    """The checks that come before the native parser sees a byte."""
    import hashlib  # here, not at import time: OpenSSL costs megabytes that Core ML checks never need
    program, digest, metadata = (_part(folder, name) for name in PARTS)
    with program.open("rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise ModelInputError("aimodel_not_bytecode")
    sha = hashlib.sha256()
    with program.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    if digest.read_bytes() != sha.digest():
        raise ModelInputError("aimodel_bad_hash")
    try:
        if not isinstance(json.loads(metadata.read_text(encoding="utf-8")), dict):
            raise ValueError("not an object")
    except (ValueError, UnicodeDecodeError):
        raise ModelInputError("aimodel_bad_metadata") from None


def library_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("coreai") is not None


def timeout() -> float:
    try:
        return float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def parse(folder: Path) -> dict[str, Any]:
    """The adapter's JSON for the program, from a child process."""
    import subprocess

    from . import coreai_adapter

    if not library_available():
        raise ModelInputError("aimodel_no_library")
    package_root = str(Path(__file__).resolve().parents[3])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p))
    limit = timeout()
    try:
        done = subprocess.run([sys.executable, "-m", coreai_adapter.__name__, str(folder)], capture_output=True,
                              timeout=limit, env=env, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise ModelInputError("aimodel_timeout", seconds=f"{limit:g}") from None
    if done.returncode < 0:
        raise ModelInputError("aimodel_crashed", why=_signal_name(-done.returncode))
    if done.returncode == coreai_adapter.EXIT_NO_LIBRARY:
        raise ModelInputError("aimodel_no_library")
    try:
        data = json.loads(done.stdout)
    except ValueError:
        data = None
    if done.returncode == coreai_adapter.EXIT_REFUSED and isinstance(data, dict) and "error" in data:
        raise ModelInputError("aimodel_refused", why=str(data["error"]))
    if done.returncode != 0 or not isinstance(data, dict) or not isinstance(data.get("functions"), list):
        raise ModelInputError("aimodel_crashed", why=f"exit code {done.returncode}")
    return data


def _signal_name(number: int) -> str:
    import signal

    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class CoreAIModel(LoadedModel):
    """An .aimodel as the runner walks it: the op graph comes from the adapter's JSON, not from a spec."""

    def __init__(self, path: Path, program: dict[str, Any]) -> None:
        self.program = program
        self._nodes = _nodes(program)
        inputs = [i for f in program["functions"] for i in f["inputs"]]
        outputs = [o for f in program["functions"] for o in f["outputs"]]
        super().__init__(path, None, None, notes=_foreign_ops(self._nodes),
                         properties=_properties(program, inputs, outputs),
                         unscanned_weights=None)

    def kind(self) -> str:
        return "coreai"

    def formats(self) -> list[str]:
        return ["coreai"]

    def nodes(self) -> list[Node]:
        return list(self._nodes)

    def classical_stages(self) -> list[Any]:
        return []

    def note(self, lang: str) -> str | None:
        return NOTE["zh" if lang == "zh" else "en"]

    def requires_os(self) -> tuple[str, dict[str, str]] | None:
        return OS_RULE, dict.fromkeys(("ios", "ipados", "macos", "tvos", "visionos", "watchos"), "27")


OS_RULE = "layer-rule/coreai-requires-os-27"
NOTE = {
    "en": "Core AI model: checked for eligibility against Apple's published Neural Engine rules. Where each op runs is "
          "decided on the device when the model is specialized (OS 27), so it cannot be measured here; confirm on a "
          "Mac with Instruments' Core AI template.",
    "zh": "Core AI 模型：这里检查的是它是否符合 Apple 公布的神经引擎规则。每个算子实际在哪个计算单元上运行，"
          "要到设备上特化模型时（27 版系统）才决定，这里无法测得；请在 Mac 上用 Instruments 的 Core AI 模板确认。",
}


def _nodes(program: dict[str, Any]) -> list[Node]:
    values: dict[str, Any] = program.get("values", {})
    functions = program["functions"]
    nodes = []
    for function in functions:
        scope = Scope("coreai", None)
        fpath = "" if len(functions) == 1 else f"functions[{function['name']}]"
        names = {o["id"]: o["name"] for o in function["outputs"]}
        for op in function["ops"]:
            for vid in op["results"]:
                entry = values.get(vid, {})
                scope.types[vid] = entry.get("type")
                scope.producers[vid] = op["op"]
            for vid in op["operands"]:
                entry = values.get(vid, {})
                scope.types.setdefault(vid, entry.get("type"))
                scope.producers.setdefault(vid, entry.get("producer", "input"))
            const = op["op"] == "constant"
            if const:
                for vid in op["results"]:
                    scope.consts[vid] = values.get(vid, {}).get("value")
            elif op["op"] in CONST_PRESERVING and op["operands"] and op["operands"][0] in scope.consts:
                for vid in op["results"]:
                    scope.consts[vid] = None
            first = op["results"][0] if op["results"] else op["op"]
            name = names.get(first, first)
            path = "/".join(p for p in (fpath, op["path"]) if p)
            nodes.append(Node("coreai", op["op"], name, path, op, scope, list(op["operands"]), list(op["results"]),
                              is_const=const, source=op.get("source")))
    return nodes


def _foreign_ops(nodes: list[Node]) -> list[str]:
    """Ops of other dialects (their names keep a dotted prefix): listed with the uncovered ops."""
    return sorted({n.op for n in nodes if "." in n.op})


def _properties(program: dict[str, Any], inputs: list[dict[str, Any]], outputs: list[dict[str, Any]]) -> dict[str, Any]:
    shapes = [i["type"].get("shape") for i in inputs if i.get("type")]
    dynamic = any(s is None or any(d < 0 for d in s) for s in shapes)
    fixed = [d for s in shapes if s for d in s if d >= 0]
    return {
        "input_shape_kind": "unbounded" if dynamic else "fixed",
        "enumerated_shape_count": 0,
        "max_input_dim": None if dynamic else max(fixed, default=None),
        "weight_bytes": int(program.get("constant_bytes", 0)),
        "io_last_axis_bytes": _last_axis_bytes([*inputs, *outputs]),
        "function_count": len(program["functions"]),
    }


BYTES = {"fp16": 2, "bf16": 2, "fp32": 4, "fp64": 8, "int8": 1, "uint8": 1, "int16": 2, "uint16": 2,
         "int32": 4, "uint32": 4, "int64": 8, "uint64": 8, "bool": 1}


def _last_axis_bytes(features: list[dict[str, Any]]) -> int | None:
    """The smallest last axis, in bytes, among the graph inputs and outputs with a known size."""
    sizes = []
    for feature in features:
        t = feature.get("type") or {}
        shape, width = t.get("shape"), BYTES.get(t.get("dtype") or "")
        if shape and width and shape[-1] > 0:
            sizes.append(shape[-1] * width)
    return min(sizes, default=None)
