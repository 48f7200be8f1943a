"""Every use of coreai-core's beta Python API, in one place: an .aimodel's program as plain JSON.

coreai-core (pinned exactly, see pyproject's `coreai` extra) is the only reader of the format, and its
Python API changes between betas: 1.0.0b2 kept the MLIR module at `program._mlir_module`, 1.0.0b3 at
`program._module._mlir_module`. Its native parser aborts the process on a corrupt file, so the checker
never imports this module itself: `aimodel.read` runs it as a child process,

    python -m ane_kb.check.readers.coreai_adapter MODEL.aimodel

which prints one JSON object on stdout (exit 0), or exits 3 when coreai-core is not installed and 4 with
a one-line JSON error when the library refuses the file. The JSON is plain data: functions, their
inputs and outputs, and their ops with operand ids, result types, small constant values and the source
line each op came from (`aimodel.py` turns it into the checker's op graph).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PINNED = "1.0.0b3"
EXIT_NO_LIBRARY = 3
EXIT_REFUSED = 4
CONST_VALUE_LIMIT = 64  # constants with more elements are described by type only (weights)
STRUCTURAL = ("coreai.output", "coreai.yield")
DTYPES = {"f16": "fp16", "f32": "fp32", "f64": "fp64", "bf16": "bf16", "i1": "bool",
          "i8": "int8", "si8": "int8", "ui8": "uint8", "i16": "int16", "si16": "int16", "ui16": "uint16",
          "i32": "int32", "si32": "int32", "ui32": "uint32", "i64": "int64", "si64": "int64", "ui64": "uint64"}
BITS = {"fp16": 16, "bf16": 16, "fp32": 32, "fp64": 64, "bool": 8, "int8": 8, "uint8": 8, "int16": 16,
        "uint16": 16, "int32": 32, "uint32": 32, "int64": 64, "uint64": 64}
_LOC = re.compile(r'loc\("([^"]+)":(\d+):\d+\)')
_COMPOSITE = re.compile(r'composite_declaration<"([^"]+)"')
_NAME = re.compile(r'coreai\.name = "([^"]*)"')


def op_name(full: str) -> str:
    """The identifier the knowledge base uses: `coreai.conv2d` → `conv2d`,
    `coreai.decomposable.broadcasting_add` → `broadcasting_add`; other dialects keep their prefix."""
    if full.startswith("coreai.decomposable."):
        return full[len("coreai.decomposable."):]
    if full.startswith("coreai."):
        return full[len("coreai."):]
    return full


def source_line(location: str) -> str | None:
    """`file:line` of the code that produced an op: the last location outside the converter's and torch's
    own modules (coreai-torch fuses the library frame with the user's), else the first one."""
    found = [(f, int(line)) for f, line in _LOC.findall(location)]
    if not found:
        return None
    user = [(f, n) for f, n in found if "site-packages/" not in f and "/torch/" not in f]
    file, line = (user or found)[-1] if user else found[0]
    return f"{file}:{line}"


def mlir_module(path: Path) -> Any:
    """The program's MLIR module, through whichever attribute this coreai-core version keeps it in."""
    import coreai.authoring  # noqa: F401  (must come before the dialect modules: circular imports)
    from coreai.authoring import AIModelAsset

    program = AIModelAsset.load(path).program
    inner = getattr(program, "_module", None)
    module = getattr(inner, "_mlir_module", None) or getattr(program, "_mlir_module", None)
    if module is None:
        raise RuntimeError(f"coreai-core {_version()} keeps the program where this adapter does not look")
    return module


def tensor_type(mlir_type: Any) -> dict[str, Any]:
    from coreai._compiler import ir

    try:
        ranked = ir.RankedTensorType(mlir_type)
    except (ValueError, TypeError):
        return {"dtype": None, "shape": None, "text": str(mlir_type)}
    dynamic = ir.ShapedType.get_dynamic_size()
    shape = [-1 if d == dynamic else int(d) for d in ranked.shape]
    element = str(ranked.element_type)
    return {"dtype": DTYPES.get(element, element), "shape": shape}


def _constant(op: Any, result_type: dict[str, Any]) -> Any:
    shape = result_type.get("shape")
    if shape is None or any(d < 0 for d in shape):
        return None
    count = 1
    for d in shape:
        count *= d
    if count > CONST_VALUE_LIMIT:
        return None
    import numpy as np

    try:
        return np.array(op.attributes["value"]).tolist()
    except (KeyError, ValueError, TypeError):
        return None


def _type_bytes(t: dict[str, Any]) -> int:
    shape, bits = t.get("shape"), BITS.get(t.get("dtype") or "")
    if shape is None or bits is None or any(d < 0 for d in shape):
        return 0
    count = 1
    for d in shape:
        count *= d
    return count * bits // 8


class _Walker:
    def __init__(self, module: Any) -> None:
        self.module = module
        self.graphs: dict[str, Any] = {}
        self.ids: dict[Any, str] = {}
        self.values: dict[str, dict[str, Any]] = {}
        self.count = 0
        self.const_bytes = 0

    def graph_ops(self, op: Any) -> Iterator[Any]:
        for region in op.regions:
            for block in region.blocks:
                for child in block.operations:
                    child = child.operation
                    if child.name == "coreai.graph":
                        yield child
                    elif child.regions:
                        yield from self.graph_ops(child)

    def run(self) -> dict[str, Any]:
        graphs = list(self.graph_ops(self.module.operation))
        for graph in graphs:
            self.graphs[str(graph.attributes["sym_name"]).strip('"')] = graph
        public = [g for g in graphs if "sym_visibility" not in g.attributes]
        functions = [self.function(g) for g in public]
        return {"functions": functions, "values": self.values, "constant_bytes": self.const_bytes,
                "library": _version()}

    def value_id(self, value: Any) -> str:
        if value not in self.ids:
            self.ids[value] = f"%{self.count}"
            self.count += 1
        return self.ids[value]

    def function(self, graph: Any) -> dict[str, Any]:
        name = str(graph.attributes["sym_name"]).strip('"')
        block = graph.regions[0].blocks[0]
        arg_names = _NAME.findall(str(graph.attributes["arg_attrs"])) if "arg_attrs" in graph.attributes else []
        res_names = _NAME.findall(str(graph.attributes["res_attrs"])) if "res_attrs" in graph.attributes else []
        inputs = []
        for i, arg in enumerate(block.arguments):
            vid = self.value_id(arg)
            t = tensor_type(arg.type)
            label = arg_names[i] if i < len(arg_names) else vid
            self.values[vid] = {"type": t, "producer": "input", "name": label}
            inputs.append({"name": label, "id": vid, "type": t})
        ops = list(self.block_ops(block, ""))
        outputs = []
        terminator = next((o for o in reversed(ops) if o["op"] == "output"), None)
        for i, vid in enumerate(terminator["operands"] if terminator else []):
            label = res_names[i] if i < len(res_names) else vid
            outputs.append({"name": label, "id": vid, "type": self.values.get(vid, {}).get("type")})
        return {"name": name, "inputs": inputs, "outputs": outputs, "ops": [o for o in ops if o["op"] != "output"]}

    def block_ops(self, block: Any, path: str) -> Iterator[dict[str, Any]]:
        for op in block.operations:
            yield from self.op(op.operation, path)

    def op(self, op: Any, path: str) -> Iterator[dict[str, Any]]:
        name = op_name(op.name)
        operands = [self.value_id(v) for v in op.operands]
        results = []
        for r in op.results:
            vid = self.value_id(r)
            t = tensor_type(r.type)
            entry: dict[str, Any] = {"type": t, "producer": name}
            if op.name == "coreai.constant":
                entry["value"] = _constant(op, t)
                self.const_bytes += _type_bytes(t)
            self.values[vid] = entry
            results.append(vid)
        record: dict[str, Any] = {"op": name, "path": path, "operands": operands, "results": results,
                                  "source": source_line(str(op.location))}
        if op.name == "coreai.invoke":
            callee = str(op.attributes["callee"]).lstrip("@").strip('"') if "callee" in op.attributes else ""
            target = self.graphs.get(callee)
            composite = _COMPOSITE.search(str(target.attributes["composite_decl"])) \
                if target is not None and "composite_decl" in target.attributes else None
            if composite:
                record["op"], record["composite"] = composite.group(1), callee
                yield record
                return
            yield record
            if target is not None:
                yield from self.block_ops(target.regions[0].blocks[0], _join(path, callee))
            return
        yield record
        for i, region in enumerate(op.regions):
            for j, block in enumerate(region.blocks):
                for arg in block.arguments:
                    vid = self.value_id(arg)
                    self.values[vid] = {"type": tensor_type(arg.type), "producer": "block-argument"}
                inner = _join(path, f"{results[0] if results else name}/region{i}" + (f".{j}" if j else ""))
                yield from self.block_ops(block, inner)


def _join(path: str, part: str) -> str:
    return f"{path}/{part}" if path else part


def _version() -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version("coreai-core")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def describe(path: Path) -> dict[str, Any]:
    """The program of the .aimodel at `path` as plain data (see the module docstring)."""
    return _Walker(mlir_module(path)).run()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m ane_kb.check.readers.coreai_adapter MODEL.aimodel", file=sys.stderr)
        return 2
    try:
        import coreai  # noqa: F401
    except ImportError:
        return EXIT_NO_LIBRARY
    try:
        data = describe(Path(argv[0]))
    except Exception as exc:  # the library's refusals come as many exception types; report one line
        print(json.dumps({"error": " ".join(str(exc).split())[:300] or type(exc).__name__}))
        return EXIT_REFUSED
    json.dump(data, sys.stdout, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
