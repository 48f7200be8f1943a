"""ML Program packages with gigabytes of weights, written directly: a small spec built from the Core ML proto
modules, and a weights/weight.bin laid out as coremltools lays it out (a 64-byte file header, then for each blob a
64-byte header at a 64-byte boundary: sentinel 0xDEADBEEF, data type, size, data offset).

The graph is a stack of MLP blocks, as in a language model: `linear` up from `hidden` to `ffn`, `relu`, `linear`
back down, each weight fp16. With `sparse=True` the blobs' data are holes (the file takes no disk space and reads
back as zeros); otherwise every blob is filled with a repeating pattern of small normal values and a few fp16
subnormals, so that the precision scan has real work. No coremltools converter is needed, nor the weights in RAM.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import Any

from ane_kb.check.proto import modules

FP16 = 10  # MIL data type codes
BLOB_FP16 = 1  # the blob file's own code for float16
FILE_HEADER = struct.Struct("<II56x")  # blob count, format version
BLOB_HEADER = struct.Struct("<IIQQQ24x")
ALIGN = 64
WEIGHTS = "@model_path/weights/weight.bin"
PATTERN_VALUES = 1 << 19  # values in the repeating fill pattern (1 MiB of fp16)
FP16_NAN = b"\x00\x7e"


def blob_bytes(hidden: int, ffn: int) -> int:
    return hidden * ffn * 2


def total_bytes(blocks: int, hidden: int, ffn: int) -> int:
    """The weight bytes of a package with `blocks` MLP blocks (two weights each)."""
    return blocks * 2 * blob_bytes(hidden, ffn)


def _tensor_type(message: Any, shape: tuple[int, ...]) -> None:
    message.tensorType.dataType = FP16
    message.tensorType.rank = len(shape)
    for size in shape:
        message.tensorType.dimensions.add().constant.size = size


def _name(op: Any, name: str) -> None:
    value = op.attributes["name"]
    value.type.tensorType.dataType = 2  # string
    value.immediateValue.tensor.strings.values.append(name)


def _const(block: Any, name: str, shape: tuple[int, ...], offset: int) -> None:
    op = block.operations.add()
    op.type = "const"
    output = op.outputs.add()
    output.name = name
    _tensor_type(output.type, shape)
    value = op.attributes["val"]
    _tensor_type(value.type, shape)
    value.blobFileValue.fileName = WEIGHTS
    value.blobFileValue.offset = offset
    _name(op, name)


def _op(block: Any, kind: str, name: str, inputs: dict[str, str], shape: tuple[int, ...]) -> None:
    op = block.operations.add()
    op.type = kind
    for key, source in inputs.items():
        op.inputs[key].arguments.add().name = source
    output = op.outputs.add()
    output.name = name
    _tensor_type(output.type, shape)
    _name(op, name)


def _spec(blocks: int, hidden: int, ffn: int, offsets: list[int]) -> Any:
    proto = modules()
    spec = proto.Model_pb2.Model()
    spec.specificationVersion = 7
    for feature, name in ((spec.description.input.add(), "x"), (spec.description.output.add(), "y")):
        feature.name = name
        feature.type.multiArrayType.shape.extend([1, hidden])
        feature.type.multiArrayType.dataType = 65552  # FLOAT16
    spec.mlProgram.version = 1
    function = spec.mlProgram.functions["main"]
    function.opset = "CoreML7"
    argument = function.inputs.add()
    argument.name = "x"
    _tensor_type(argument.type, (1, hidden))
    block = function.block_specializations["CoreML7"]
    previous = "x"
    for i in range(blocks):
        up, down = offsets[2 * i], offsets[2 * i + 1]
        _const(block, f"up{i}_weight", (ffn, hidden), up)
        _op(block, "linear", f"up{i}", {"x": previous, "weight": f"up{i}_weight"}, (1, ffn))
        _op(block, "relu", f"act{i}", {"x": f"up{i}"}, (1, ffn))
        _const(block, f"down{i}_weight", (hidden, ffn), down)
        last = i == blocks - 1
        _op(block, "linear", "y" if last else f"down{i}", {"x": f"act{i}", "weight": f"down{i}_weight"}, (1, hidden))
        previous = f"down{i}"
    block.outputs.append("y")
    return spec


def _pattern() -> bytes:
    """1 MiB of fp16 values: mostly normal magnitudes around 0.02, one in 4,096 a subnormal."""
    import numpy as np

    values = np.random.default_rng(20).normal(0.0, 0.02, PATTERN_VALUES).astype(np.float16)
    values[::4096] = np.float16(3e-6)
    return values.tobytes()


def _fill(fd: int, start: int, size: int, pattern: bytes) -> None:
    chunk = pattern * 16  # 16 MiB per write
    written = 0
    while written < size:
        part = chunk[:min(len(chunk), size - written)]
        os.pwrite(fd, part, start + written)
        written += len(part)


def write_weights(path: Path, sizes: list[int], sparse: bool = True, last: bytes = b"") -> list[int]:
    """weight.bin with one fp16 blob of each size; the blobs' header offsets. `last` replaces the last bytes of the
    last blob (a NaN there shows that a scan read to the end)."""
    offsets, at = [], ALIGN
    pattern = b"" if sparse else _pattern()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.pwrite(fd, FILE_HEADER.pack(len(sizes), 2), 0)
        for size in sizes:
            data = at + ALIGN
            os.pwrite(fd, BLOB_HEADER.pack(0xDEADBEEF, BLOB_FP16, size, data, 0), at)
            if not sparse:
                _fill(fd, data, size, pattern)
            offsets.append(at)
            at = data + size + (-size) % ALIGN
        if last and sizes:
            os.pwrite(fd, last, offsets[-1] + ALIGN + sizes[-1] - len(last))
        os.ftruncate(fd, at)
    finally:
        os.close(fd)
    return offsets


def write_package(folder: Path, blocks: int, hidden: int = 4096, ffn: int = 16384, sparse: bool = True,
                  name: str = "big.mlpackage", last: bytes = b"") -> Path:
    """`folder/name`: an .mlpackage with `blocks` MLP blocks of fp16 weights (see total_bytes)."""
    package = folder / name
    data = package / "Data" / "com.apple.CoreML"
    (data / "weights").mkdir(parents=True)
    offsets = write_weights(data / "weights" / "weight.bin", [blob_bytes(hidden, ffn)] * (2 * blocks), sparse, last)
    (data / "model.mlmodel").write_bytes(_spec(blocks, hidden, ffn, offsets).SerializeToString())
    entries = {"model": {"author": "com.apple.CoreML", "description": "CoreML Model Specification",
                         "name": "model.mlmodel", "path": "com.apple.CoreML/model.mlmodel"},
               "weights": {"author": "com.apple.CoreML", "description": "CoreML Model Weights",
                           "name": "weights", "path": "com.apple.CoreML/weights"}}
    manifest = {"fileFormatVersion": "1.0.0", "itemInfoEntries": entries, "rootModelIdentifier": "model"}
    (package / "Manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return package


def weight_file(package: Path) -> Path:
    return package / "Data" / "com.apple.CoreML" / "weights" / "weight.bin"


def write_stored_zip(package: Path, archive: Path, deflated: bool = False, small_deflated: bool = False,
                     zip64: bool = False) -> Path:
    """A zip of `package` whose entries are stored (not compressed), written without reading the weights: each big
    file's data is left as a hole of the zip, as it is in the sparse package. With `small_deflated` the small files
    (manifest, spec) are compressed, as `zip -n .bin` does. With `deflated` every big entry claims the deflate method
    instead (its data are then not a valid deflate stream, which the page never gets to read). The CRCs are those of
    the data, holes read as zeros. With `zip64` the central directory gives every size and offset in zip64 form, as
    a zip of more than 4 GiB must (the local headers keep 32-bit sizes, which suffices below 4 GiB)."""
    import zlib

    files = sorted(p for p in package.rglob("*") if p.is_file())
    central, at = [], 0
    fd = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        for path in files:
            name = (package.name + "/" + path.relative_to(package).as_posix()).encode()
            size = path.stat().st_size
            small = size <= (1 << 20)
            data = path.read_bytes() if small else b""
            crc = zlib.crc32(data) if small else _zero_crc(path)
            method = 8 if (deflated and not small) or (small_deflated and small) else 0
            if small and method == 8:
                packer = zlib.compressobj(9, zlib.DEFLATED, -15)
                data = packer.compress(data) + packer.flush()
            packed = len(data) if small else size
            local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, packed, size, len(name), 0) + name
            os.pwrite(fd, local, at)
            if data:
                os.pwrite(fd, data, at + len(local))
            else:
                _copy_data(path, fd, at + len(local))
            full = 0xFFFFFFFF
            extra = struct.pack("<HHQQQ", 1, 24, size, packed, at) if zip64 else b""
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, method, 0, 0, crc,
                                       full if zip64 else packed, full if zip64 else size, len(name), len(extra), 0, 0,
                                       0, 0, full if zip64 else at) + name + extra)
            at += len(local) + packed
        directory = b"".join(central)
        end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(files), len(files), len(directory), at, 0)
        if zip64:
            record = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(files), len(files), len(directory), at)
            locator = struct.pack("<IIQI", 0x07064B50, 0, at + len(directory), 1)
            end = record + locator + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, full, full, 0)
        os.pwrite(fd, directory + end, at)
    finally:
        os.close(fd)
    return archive


def _copy_data(path: Path, fd: int, at: int) -> None:
    """Copy the parts of a sparse file that hold data (its blob headers) to `at` in `fd`, leaving its holes as holes."""
    with path.open("rb") as handle:
        source, size, position = handle.fileno(), os.fstat(handle.fileno()).st_size, 0
        while position < size:
            try:
                start = os.lseek(source, position, os.SEEK_DATA)
            except OSError:  # no data after `position`
                return
            end = min(os.lseek(source, start, os.SEEK_HOLE), size)
            while start < end:
                part = os.pread(source, min(16 << 20, end - start), start)
                os.pwrite(fd, part, at + start)
                start += len(part)
            position = end


def _zero_crc(path: Path) -> int:
    """The CRC-32 of a file read in 16 MiB parts (its holes read back as zeros)."""
    import zlib

    crc = 0
    with path.open("rb") as handle:
        while part := handle.read(16 << 20):
            crc = zlib.crc32(part, crc)
    return crc
