"""Reading constant values: NeuralNetwork weight fields and ML Program blobs (weights/weight.bin).

Only the precision scan reads them, and only floats. The blob file holds, for each constant, a
64-byte header (sentinel 0xDEADBEEF, data type, size, data offset) followed by the data. A blob is read through
`ranges` a window of at most 64 MiB at a time, and only the blobs of float constants are read past their header.

A NeuralNetwork model keeps its weights inside the spec (`WeightParams`), so they are in memory with the parsed spec
already: the scan reads float16 fields in place and a repeated float field from its serialized bytes (one copy of up
to 64 MiB; a bigger field is copied a million values at a time), but the spec itself (up to 2 GiB, protobuf's
limit) is read and parsed whole. An ML Program's spec holds only references
into weight.bin, so its weights are never in memory at once.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .graph import Node
from .mil_values import BlobRef
from .proto_walk import messages_of_type
from .ranges import WINDOW, Ranges, open_file
from .weight_use import user_of

SENTINEL = 0xDEADBEEF
BLOB_FORMATS = {1: "e", 2: "f"}  # float16, float32; other blob types hold no floats to scan
FLOAT_FIELD_STEP = 1 << 20  # values of a repeated float field copied at once
NESTED_NETWORKS = frozenset({"NeuralNetwork"})  # a loop's or branch's layers are nodes of their own


class WeightsUnreadable(Exception):
    """The weight file is missing or damaged; the message says which."""


@dataclass
class Constant:
    """Float values stored in a model, named after the layer or op that uses them (`weight` is the field or constant)."""

    name: str
    op: str
    path: str
    values: Any  # a list of floats, a RawFloats (bytes of a spec field) or a BlobValues (a blob read in windows)
    weight: str = ""
    node: Node | None = None  # the ML Program const op

    def parts(self) -> Iterator[tuple[str | None, Any]]:
        """The values as (code, buffer of raw little-endian floats) parts, or (None, list of floats)."""
        if isinstance(self.values, (BlobValues, RawFloats)):
            yield from self.values.parts()
        else:
            yield None, self.values


@dataclass
class RawFloats:
    """Floats held in the spec: the bytes of a float16 field, or a repeated float field copied a part at a time."""

    source: Any
    code: str
    owner: Any = None  # the WeightParams holding a repeated float field

    def parts(self) -> Iterator[tuple[str, Any]]:
        if self.code == "e":
            view = memoryview(self.source)
            for at in range(0, len(view) - len(view) % 2, WINDOW):
                yield "e", view[at:min(at + WINDOW, len(view) - len(view) % 2)]
            return
        packed = _packed_floats(self.owner, len(self.source)) if self.owner is not None else None
        if packed is not None:
            yield "f", packed
            return
        from array import array

        step = FLOAT_FIELD_STEP  # a slice of a repeated field is a list of Python floats, 32 bytes each
        for at in range(0, len(self.source), step):
            yield "f", array("f", self.source[at:at + step])


PACKED_FROM_SPEC = 1 << 24  # floats of a repeated field taken from its serialized form at most (64 MiB)


def _packed_floats(weights: Any, count: int) -> memoryview | None:
    """The raw bytes of a WeightParams' `floatValue`: serialized, a packed repeated float field is field 1, so it
    comes first, as tag 0x0A, a varint length and the floats. Copying a field through Python floats costs fifty
    times more. None when the field is too big to copy at once or the bytes are not laid out so."""
    if count > PACKED_FROM_SPEC:
        return None
    data = weights.SerializeToString()
    if not data or data[0] != 0x0A:
        return None
    length, at, shift = 0, 1, 0
    while at < len(data) and shift < 64:
        byte = data[at]
        length |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not byte & 0x80:
            break
    if length != 4 * count or at + length > len(data):
        return None
    return memoryview(data)[at:at + length]


def nn_constants(nodes: list[Node]) -> Iterator[Constant]:
    for node in nodes:
        if node.format == "neuralnetwork":
            for field_name, weights in weight_params(node):
                if weights.floatValue:
                    yield Constant(node.name, node.op, node.path, RawFloats(weights.floatValue, "f", weights), field_name)
                if weights.float16Value:
                    yield Constant(node.name, node.op, node.path, RawFloats(weights.float16Value, "e"), field_name)


def weight_params(node: Node) -> list[tuple[str, Any]]:
    """(field path, WeightParams) of every weight field of a NeuralNetwork layer, its nested networks' layers left
    out; found once per node (the scan and the model's weight size both ask)."""
    if node.weights is None:
        node.weights = list(messages_of_type(node.raw, "WeightParams", stop=NESTED_NETWORKS))
    return node.weights


MODEL_PATH = "@model_path/"
HEADER = struct.Struct("<IIQQQ")


def blob_file(model_folder: Path, reference: str) -> Path:
    """The file a blob reference names ("@model_path/weights/weight.bin"), resolved inside the model's
    folder; a reference that leaves it is an input error."""
    from .readers.safe_files import inside

    return inside(model_folder, reference.removeprefix(MODEL_PATH) or reference, item=reference)


@dataclass
class BlobValues:
    """The floats of one blob, read a window at a time when they are scanned."""

    source: Ranges
    start: int
    size: int
    code: str
    shown: str

    def __len__(self) -> int:
        return self.size // struct.calcsize(self.code)

    def parts(self) -> Iterator[tuple[str, Any]]:
        width = struct.calcsize(self.code)
        try:
            for window in self.source.windows(self.start, self.size - self.size % width):
                yield self.code, window
        except EOFError:
            raise WeightsUnreadable(f"{self.shown} is truncated") from None
        except OSError as exc:
            raise WeightsUnreadable(f"{self.shown} cannot be read ({exc.strerror})") from None


class BlobReader:
    """Reads float blobs from a package's weights folder, opening each file once and reading each blob's
    header on its own: memory stays bounded whatever sizes the headers claim."""

    def __init__(self, weights_dir: Path | None) -> None:
        self.weights_dir = weights_dir
        self._files: dict[Path, Ranges] = {}
        self._paths: dict[str, Path] = {}

    def _file(self, reference: str) -> tuple[Ranges, str]:
        if self.weights_dir is None:
            raise WeightsUnreadable(f"{reference.removeprefix(MODEL_PATH)} is missing")
        shown = reference.removeprefix(MODEL_PATH)
        if reference not in self._paths:  # thousands of blobs name one file: confine its name once
            self._paths[reference] = blob_file(self.weights_dir.parent, reference)
        path = self._paths[reference]
        if path not in self._files:
            try:
                self._files[path] = open_file(path, shown)
            except FileNotFoundError:
                raise WeightsUnreadable(f"{shown} is missing") from None
            except OSError as exc:
                raise WeightsUnreadable(f"{shown} cannot be read ({exc.strerror})") from None
        return self._files[path], shown

    def read(self, blob: BlobRef) -> BlobValues | None:
        source, shown = self._file(blob.file)
        try:
            header = source.read(blob.offset, HEADER.size) if blob.offset < source.size else b""
        except OSError as exc:
            raise WeightsUnreadable(f"{shown} cannot be read ({exc.strerror})") from None
        if len(header) < HEADER.size:
            raise WeightsUnreadable(f"{shown} is truncated")
        sentinel, dtype, size, offset, _ = HEADER.unpack(header)
        if sentinel != SENTINEL or offset + size > source.size:
            raise WeightsUnreadable(f"{shown} is damaged at offset {blob.offset}")
        code = BLOB_FORMATS.get(dtype)
        return BlobValues(source, offset, size, code, shown) if code else None

    def close(self) -> None:
        for source in self._files.values():
            source.close()
        self._files.clear()


FLOAT_DTYPES = frozenset({"fp16", "fp32", "fp64"})


def mil_constants(const_nodes: list[Node], reader: BlobReader) -> Iterator[Constant]:
    for node in const_nodes:
        if not _may_hold_floats(node):
            continue
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


def _may_hold_floats(node: Node) -> bool:
    """A constant declared as floats, or one whose value is read already (then the value itself is looked at):
    the strides, paddings and names of a big graph are never decoded."""
    if node.scope.consts.decoded(node.name):
        return True
    tensor = node.scope.tensor(node.name)
    return tensor is None or tensor[0] in FLOAT_DTYPES
