"""Values and types of an ML Program (MIL) spec as plain Python, with the standard library only."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

DTYPES = {1: "bool", 2: "string", 10: "fp16", 11: "fp32", 12: "fp64", 13: "bf16", 21: "int8", 22: "int16",
          23: "int32", 24: "int64", 25: "int4", 31: "uint8", 32: "uint16", 33: "uint32", 34: "uint64", 35: "uint4",
          36: "uint2", 37: "uint1", 38: "uint6", 39: "uint3", 40: "fp8e4m3", 41: "fp8e5m2"}
_PACKED = {10: "e", 21: "b", 31: "B", 22: "h", 32: "H"}


@dataclass(frozen=True)
class BlobRef:
    """A constant stored in weights/weight.bin, read only when a check needs it."""

    file: str
    offset: int
    dtype: str
    shape: tuple[int, ...]


def tensor_type(value_type: Any) -> Any | None:
    return value_type.tensorType if value_type.WhichOneof("type") == "tensorType" else None


def dtype_of(value_type: Any) -> str | None:
    tensor = tensor_type(value_type)
    return DTYPES.get(tensor.dataType) if tensor is not None else None


def dims_of(value_type: Any) -> tuple[int | None, ...] | None:
    """The shape with None for each unknown or symbolic dimension, or None when the rank is unknown too."""
    if value_type.WhichOneof("type") != "tensorType":
        return None
    return _once(_DIMS, value_type.SerializeToString(), lambda: tuple(  # type: ignore[no-any-return]
        dim.constant.size if dim.WhichOneof("dimension") == "constant" else None
        for dim in value_type.tensorType.dimensions))


def _once(cache: dict[bytes, Any], key: bytes, make: Callable[[], Any]) -> Any:
    """`make()`, once per serialized key: a model has few distinct types and small values, repeated thousands of
    times. The cache is emptied when it holds _KEPT entries, so a model of many distinct ones cannot grow it."""
    found = cache.get(key, _UNSEEN)
    if found is _UNSEEN:
        if len(cache) >= _KEPT:
            cache.clear()
        found = cache[key] = make()
    return found


_DIMS: dict[bytes, tuple[int | None, ...]] = {}
_TENSORS: dict[bytes, tuple[str | None, tuple[int, ...] | None]] = {}
_VALUES: dict[bytes, Any] = {}
_KEPT = 4096
_SHARED_BYTES = 256
_UNSEEN = object()


def tensor_of(value_type: Any) -> tuple[str | None, tuple[int, ...] | None]:
    """(dtype, static shape) of a type, read once per distinct type."""
    return _once(_TENSORS, value_type.SerializeToString(),  # type: ignore[no-any-return]
                 lambda: (dtype_of(value_type), shape_of(value_type)))


def shape_of(value_type: Any) -> tuple[int, ...] | None:
    """The static shape, or None when any dimension is unknown or symbolic."""
    dims = dims_of(value_type)
    if dims is None or None in dims:
        return None
    return dims  # type: ignore[return-value]


def decode(value: Any) -> Any:
    """A MIL Value as a Python number, list or BlobRef. Scalars (rank 0) come back unwrapped."""
    kind = value.WhichOneof("value")
    if kind == "blobFileValue":
        tensor = tensor_type(value.type)
        return BlobRef(value.blobFileValue.fileName, value.blobFileValue.offset,
                       DTYPES.get(tensor.dataType, "unknown") if tensor is not None else "unknown",
                       shape_of(value.type) or ())
    if kind != "immediateValue":
        return None
    immediate = value.immediateValue
    which = immediate.WhichOneof("value")
    if which == "tensor":
        return _tensor(immediate.tensor, value.type)
    if which == "list":
        return [decode(v) for v in immediate.list.values]
    if which == "tuple":
        return [decode(v) for v in immediate.tuple.values]
    return None


def decode_shared(value: Any) -> Any:
    """`decode`, once per distinct small value: a big graph repeats the same strides, paddings and flags
    thousands of times. Callers must not change what they get."""
    key = value.SerializeToString()
    return decode(value) if len(key) > _SHARED_BYTES else _once(_VALUES, key, lambda: decode(value))


def _tensor(tensor: Any, value_type: Any) -> Any:
    kind = tensor.WhichOneof("value")
    declared = tensor_type(value_type)
    data_type = declared.dataType if declared is not None else 0
    if kind == "bytes":
        code = _PACKED.get(data_type)
        raw = tensor.bytes.values
        values: list[Any] = list(struct.unpack(f"<{len(raw) // struct.calcsize(code)}{code}", raw)) if code else []
    elif kind:
        values = list(getattr(tensor, kind).values)
    else:
        values = []
    rank = declared.rank if declared is not None else 1
    if rank == 0 and len(values) == 1:
        return values[0]
    return values
