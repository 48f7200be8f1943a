"""Writes an ML Program spec as the text of a compiled model's model.mil, and a whole .mlpackage as an
.mlmodelc folder, so that tests can check one model in both forms.

Two styles, as Core ML's compiler writes them: program 1.0 spells every scalar as a rank-0 tensor
(`tensor<string, []>("x")`) and keeps each op's `name` attribute; program 1.3 writes scalars by their type
(`string("x")`) and drops the names. Nested blocks are written `label(inputs) { ... } -> (outputs)` after
their op.
"""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path
from typing import Any

from ane_kb.check.mil_values import DTYPES
from ane_kb.check.readers.mil_text import OPSETS

OPSET_TEXT = {v: k for k, v in OPSETS.items()}
PACKED = {10: "e", 21: "b", 31: "B", 22: "h", 32: "H"}


class MilWriter:
    def __init__(self, version: str = "1.0", names: bool | None = None) -> None:
        self.version = version
        self.long_scalars = version == "1.0"
        self.names = self.long_scalars if names is None else names

    def program(self, program: Any, build_info: dict[str, str] | None = None) -> str:
        info = build_info or {"coremlc-version": "3500.14.1", "coremltools-version": "9.0"}
        key = self._type_of_scalar("string")
        entries = ", ".join("{" + json.dumps(k) + ", " + json.dumps(v) + "}" for k, v in info.items())
        lines = [f"program({self.version})", f"[buildInfo = dict<{key}, {key}>({{{entries}}})]", "{"]
        for name, function in program.functions.items():
            lines += self._function(name, function)
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _function(self, name: str, function: Any) -> list[str]:
        params = ", ".join(f"{self.type(p.type)} {p.name}" for p in function.inputs)
        attrs = self._attributes(function.attributes)
        head = f"    func {name}<{OPSET_TEXT.get(function.opset, function.opset)}>({params}){' ' + attrs if attrs else ''} {{"
        block = function.block_specializations[function.opset]
        return [head, *self._operations(block, 2), f"    }} -> ({', '.join(block.outputs)});"]

    def _operations(self, block: Any, depth: int) -> list[str]:
        pad = "    " * depth
        lines = []
        for op in block.operations:
            outputs = ", ".join(f"{self.type(o.type)} {o.name}" for o in op.outputs)
            args = ", ".join(f"{k} = {self._bindings(op.inputs[k])}" for k in sorted(op.inputs))
            attributes = {k: v for k, v in op.attributes.items() if self.names or k != "name"}
            text = f"{pad}{outputs} = {op.type}({args}){self._attributes(attributes)}"
            if not op.blocks:
                lines.append(text + ";")
                continue
            lines.append(text)
            for i, nested in enumerate(op.blocks):
                params = ", ".join(f"{self.type(p.type)} {p.name}" for p in nested.inputs)
                lines.append(f"{pad}    block{i}({params}) {{")
                lines += self._operations(nested, depth + 2)
                end = ";" if i == len(op.blocks) - 1 else ""
                lines.append(f"{pad}    }} -> ({', '.join(nested.outputs)}){end}")
        return lines

    def _bindings(self, argument: Any) -> str:
        parts = [b.name if b.WhichOneof("binding") == "name" else self.value(b.value) for b in argument.arguments]
        return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"

    def _attributes(self, attributes: Any) -> str:
        if not attributes:
            return ""
        return "[" + ", ".join(f"{k} = {self.value(attributes[k])}" for k in sorted(attributes)) + "]"

    def _type_of_scalar(self, dtype: str) -> str:
        return f"tensor<{dtype}, []>" if self.long_scalars else dtype

    def type(self, value_type: Any) -> str:
        kind = value_type.WhichOneof("type")
        if kind == "tensorType":
            tensor = value_type.tensorType
            dtype = DTYPES[tensor.dataType]
            if tensor.rank == 0:
                return self._type_of_scalar(dtype)
            dims = ", ".join(str(d.constant.size) if d.WhichOneof("dimension") == "constant" else "?"
                             for d in tensor.dimensions)
            return f"tensor<{dtype}, [{dims}]>"
        if kind == "listType":
            length = value_type.listType.length
            size = str(length.constant.size) if length.WhichOneof("dimension") == "constant" else "?"
            return f"list<{self.type(value_type.listType.type)}, {size}>"
        if kind == "tupleType":
            return "tuple<" + ", ".join(self.type(t) for t in value_type.tupleType.types) + ">"
        if kind == "dictionaryType":
            d = value_type.dictionaryType
            return f"dict<{self.type(d.keyType)}, {self.type(d.valueType)}>"
        return f"state<{self.type(value_type.stateType.wrappedType)}>"

    def value(self, value: Any) -> str:
        written = self.type(value.type)
        if value.WhichOneof("value") == "blobFileValue":
            path = f"{self._type_of_scalar('string')}({json.dumps(value.blobFileValue.fileName)})"
            offset = f"{self._type_of_scalar('uint64')}({value.blobFileValue.offset})"
            return f"{written}(BLOBFILE(path = {path}, offset = {offset}))"
        immediate = value.immediateValue
        which = immediate.WhichOneof("value")
        if which == "tuple":
            return f"{written}((" + ", ".join(self.value(v) for v in immediate.tuple.values) + "))"
        if which == "list":
            return f"{written}([" + ", ".join(self.value(v) for v in immediate.list.values) + "])"
        if which == "dictionary":
            pairs = ", ".join("{" + self.value(p.key) + ", " + self.value(p.value) + "}"
                              for p in immediate.dictionary.values)
            return f"{written}({{{pairs}}})"
        tensor_type = value.type.tensorType
        items = [_literal(v) for v in _values(immediate.tensor, tensor_type.dataType)]
        if tensor_type.rank == 0:
            return f"{written}({items[0] if items else ''})"
        dims = [d.constant.size for d in tensor_type.dimensions]
        return f"{written}({_nest(items, dims)})"


def _values(tensor: Any, data_type: int) -> list[Any]:
    kind = tensor.WhichOneof("value")
    if kind == "bytes":
        code = PACKED[data_type]
        raw = tensor.bytes.values
        return list(struct.unpack(f"<{len(raw) // struct.calcsize(code)}{code}", raw))
    return list(getattr(tensor, kind).values) if kind else []


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, (bytes, str)):
        return json.dumps(value.decode() if isinstance(value, bytes) else value, ensure_ascii=False)
    return str(value)


def _nest(items: list[str], dims: list[int]) -> str:
    if len(dims) <= 1:
        return "[" + ", ".join(items) + "]"
    step = len(items) // dims[0] if dims[0] else 0
    return "[" + ", ".join(_nest(items[i * step:(i + 1) * step], dims[1:]) for i in range(dims[0])) + "]"


def compile_package(package: Path, dest: Path, version: str = "1.0", names: bool | None = None,
                    weights: bool = True) -> Path:
    """An .mlmodelc folder made by hand from an .mlpackage: model.mil, weights/, metadata.json."""
    from ane_kb.check.readers.coreml import read

    loaded = read(package)
    dest.mkdir(parents=True)
    (dest / "model.mil").write_text(MilWriter(version, names).program(loaded.spec.mlProgram), encoding="utf-8")
    if weights and loaded.weights_dir is not None:
        shutil.copytree(loaded.weights_dir, dest / "weights")
    metadata = [{"specificationVersion": loaded.spec.specificationVersion,
                 "modelType": {"name": "MLModelType_mlProgram"}}]
    (dest / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    (dest / "coremldata.bin").write_bytes(b"\0" * 16)
    return dest
