"""Reading constant values: NeuralNetwork weight fields and ML Program blobs (weights/weight.bin).

Only the precision scan reads them, and only floats. The blob file holds, for each constant, a
64-byte header (sentinel 0xDEADBEEF, data type, size, data offset) followed by the data.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .graph import Node
from .mil_values import BlobRef
from .weight_use import user_of

SENTINEL = 0xDEADBEEF
BLOB_FORMATS = {1: "e", 2: "f"}  # float16, float32; other blob types hold no floats to scan


class WeightsUnreadable(Exception):
    """The weight file is missing or damaged; the message says which."""


@dataclass
class Constant:
    """Float values stored in a model, named after the layer or op that uses them (`weight` is the field or constant)."""

    name: str
    op: str
    path: str
    values: Any  # a sequence of floats (list or memoryview)
    weight: str = ""
    node: Node | None = None  # the ML Program const op


def _floats(raw: bytes, code: str) -> Any:
    """The bytes as a sequence of floats ('e' float16, 'f' float32, little-endian)."""
    size = struct.calcsize(code)
    count = len(raw) // size
    if count and code == "f":
        view: Any = memoryview(raw[:count * size])
        return view.cast("f")
    return struct.unpack(f"<{count}{code}", raw[:count * size])


def nn_constants(nodes: list[Node]) -> Iterator[Constant]:
    for node in nodes:
        if node.format == "neuralnetwork":
            for field_name, weights in _weight_params(node.raw):
                if weights.floatValue:
                    yield Constant(node.name, node.op, node.path, weights.floatValue, field_name)
                if weights.float16Value:
                    yield Constant(node.name, node.op, node.path, _floats(weights.float16Value, "e"), field_name)


def _weight_params(message: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for descriptor, value in message.ListFields():
        if descriptor.message_type is None:
            continue
        items = [value] if hasattr(value, "ListFields") else list(value)
        for item in items:
            name = f"{prefix}{descriptor.name}"
            if descriptor.message_type.name == "WeightParams":
                yield name, item
            else:
                yield from _weight_params(item, name + ".")


class BlobReader:
    """Reads float blobs from a package's weights folder, opening each file once."""

    def __init__(self, weights_dir: Path | None) -> None:
        self.weights_dir = weights_dir
        self._files: dict[str, bytes] = {}

    def _file(self, reference: str) -> bytes:
        name = reference.rsplit("/", 1)[-1]
        if name not in self._files:
            path = self.weights_dir / name if self.weights_dir else None
            if path is None or not path.is_file():
                raise WeightsUnreadable(f"weights/{name} is missing")
            self._files[name] = path.read_bytes()
        return self._files[name]

    def read(self, blob: BlobRef) -> Any | None:
        data = self._file(blob.file)
        header = data[blob.offset:blob.offset + 32]
        if len(header) < 32:
            raise WeightsUnreadable(f"weights/{blob.file.rsplit('/', 1)[-1]} is truncated")
        sentinel, dtype, size, offset, _ = struct.unpack("<IIQQQ", header)
        if sentinel != SENTINEL or offset + size > len(data):
            raise WeightsUnreadable(f"weights/{blob.file.rsplit('/', 1)[-1]} is damaged at offset {blob.offset}")
        code = BLOB_FORMATS.get(dtype)
        return _floats(data[offset:offset + size], code) if code else None


def mil_constants(const_nodes: list[Node], reader: BlobReader) -> Iterator[Constant]:
    for node in const_nodes:
        value = node.scope.consts.get(node.name)
        if isinstance(value, BlobRef):
            floats = reader.read(value)
        elif isinstance(value, list) and value and isinstance(value[0], float):
            floats = value
        else:
            continue
        if floats is not None:
            user = user_of(node) or node
            yield Constant(user.name, user.op, user.path, floats, node.name, node)
