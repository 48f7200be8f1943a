"""Reading constant values: NeuralNetwork weight fields and ML Program blobs (weights/weight.bin).

Only the precision scan reads them, and only floats. The blob file holds, for each constant, a
64-byte header (sentinel 0xDEADBEEF, data type, size, data offset) followed by the data.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .graph import Node
from .mil_values import BlobRef
from .proto_walk import nested_messages
from .weight_use import user_of

SENTINEL = 0xDEADBEEF
BLOB_FORMATS = {1: "e", 2: "f"}  # float16, float32; other blob types hold no floats to scan
NESTED_NETWORKS = frozenset({"NeuralNetwork"})  # a loop's or branch's layers are nodes of their own


class WeightsUnreadable(Exception):
    """The weight file is missing or damaged; the message says which."""


@dataclass
class Constant:
    """Float values stored in a model, named after the layer or op that uses them (`weight` is the field or constant)."""

    name: str
    op: str
    path: str
    values: Any  # a sequence of floats (list or memoryview), or a BlobValues read in parts
    weight: str = ""
    node: Node | None = None  # the ML Program const op

    def parts(self) -> Iterator[Any]:
        """The values as one or more sequences of floats."""
        if isinstance(self.values, BlobValues):
            yield from self.values.parts()
        else:
            yield self.values


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


def _weight_params(layer: Any) -> Iterator[tuple[str, Any]]:
    for name, message in nested_messages(layer, stop=NESTED_NETWORKS):
        if message.DESCRIPTOR.name == "WeightParams":
            yield name, message


MODEL_PATH = "@model_path/"
HEADER = struct.Struct("<IIQQQ")
CHUNK = 1 << 22  # bytes of a blob held in memory at once while it is scanned


def blob_file(model_folder: Path, reference: str) -> Path:
    """The file a blob reference names ("@model_path/weights/weight.bin"), resolved inside the model's
    folder; a reference that leaves it is an input error."""
    from .readers.safe_files import inside

    return inside(model_folder, reference.removeprefix(MODEL_PATH) or reference, item=reference)


def _read_at(handle: Any, offset: int, length: int, shown: str) -> bytes:
    try:
        handle.seek(offset)
        data: bytes = handle.read(length)
    except OSError as exc:
        raise WeightsUnreadable(f"{shown} cannot be read ({exc.strerror})") from None
    return data


@dataclass
class BlobValues:
    """The floats of one blob, read a chunk at a time when they are scanned."""

    handle: Any
    start: int
    size: int
    code: str
    shown: str

    def __len__(self) -> int:
        return self.size // struct.calcsize(self.code)

    def parts(self) -> Iterator[Any]:
        step = CHUNK - CHUNK % struct.calcsize(self.code)
        for at in range(self.start, self.start + self.size, step):
            length = min(step, self.start + self.size - at)
            raw = _read_at(self.handle, at, length, self.shown)
            if len(raw) < length:
                raise WeightsUnreadable(f"{self.shown} is truncated")
            yield _floats(raw, self.code)


class BlobReader:
    """Reads float blobs from a package's weights folder, opening each file once and reading each blob's
    header on its own: memory stays bounded whatever sizes the headers claim."""

    def __init__(self, weights_dir: Path | None) -> None:
        self.weights_dir = weights_dir
        self._files: dict[Path, tuple[Any, int]] = {}
        self._paths: dict[str, Path] = {}

    def _file(self, reference: str) -> tuple[Any, int, str]:
        from .readers.safe_files import open_regular

        if self.weights_dir is None:
            raise WeightsUnreadable(f"{reference.removeprefix(MODEL_PATH)} is missing")
        shown = reference.removeprefix(MODEL_PATH)
        if reference not in self._paths:  # thousands of blobs name one file: confine its name once
            self._paths[reference] = blob_file(self.weights_dir.parent, reference)
        path = self._paths[reference]
        if path not in self._files:
            try:
                handle = open_regular(path, shown)
            except FileNotFoundError:
                raise WeightsUnreadable(f"{shown} is missing") from None
            self._files[path] = (handle, os.fstat(handle.fileno()).st_size)
        handle, size = self._files[path]
        return handle, size, shown

    def read(self, blob: BlobRef) -> BlobValues | None:
        handle, file_size, shown = self._file(blob.file)
        header = _read_at(handle, blob.offset, HEADER.size, shown) if blob.offset < file_size else b""
        if len(header) < HEADER.size:
            raise WeightsUnreadable(f"{shown} is truncated")
        sentinel, dtype, size, offset, _ = HEADER.unpack(header)
        if sentinel != SENTINEL or offset + size > file_size:
            raise WeightsUnreadable(f"{shown} is damaged at offset {blob.offset}")
        code = BLOB_FORMATS.get(dtype)
        return BlobValues(handle, offset, size, code, shown) if code else None

    def close(self) -> None:
        for handle, _ in self._files.values():
            handle.close()
        self._files.clear()


def mil_constants(const_nodes: list[Node], reader: BlobReader) -> Iterator[Constant]:
    for node in const_nodes:
        value = node.scope.consts.get(node.name)
        floats: Any
        if isinstance(value, BlobRef):
            floats = reader.read(value)
        elif isinstance(value, list) and value and isinstance(value[0], float):
            floats = value
        else:
            continue
        if floats is not None:
            user = user_of(node) or node
            yield Constant(user.name, user.op, user.path, floats, node.name, node)
