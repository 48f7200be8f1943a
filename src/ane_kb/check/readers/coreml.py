"""The Core ML reader: a .mlmodel file or an .mlpackage folder, parsed into its spec."""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import Any

from ..proto import modules
from ..weights import blob_file
from . import NOT_COREML, LoadedModel, ModelInputError
from .safe_files import exists, inside, kind_of, read_regular, shown_name

MANIFEST_LIMIT = 1 << 20


def read(path: Path) -> LoadedModel:
    """A .mlmodel file or an .mlpackage folder."""
    kind = kind_of(path)
    suffix = path.suffix.lower()
    if suffix == ".mlmodelc":
        raise ModelInputError("compiled")
    if suffix in NOT_COREML:
        raise ModelInputError("other_framework", what=suffix)
    if kind == "folder":
        return _read_package(path)
    return LoadedModel(path, _parse(read_regular(path, "file"), "file"), None)


def _parse(data: bytes, part: str) -> Any:
    if not data:
        raise ModelInputError("empty", part=part)
    from google.protobuf.message import DecodeError

    spec = modules().Model_pb2.Model()
    try:
        spec.ParseFromString(data)
    except (DecodeError, ValueError, RuntimeError):
        raise ModelInputError("not_coreml", part=part) from None
    if spec.WhichOneof("Type") is None:
        raise ModelInputError("no_model", part=part)
    return spec


def _manifest(path: Path) -> tuple[dict[str, Any], str]:
    """The manifest's entries (each a mapping with a string `path`) and the root model's item path."""
    try:
        manifest = json.loads(read_regular(path / "Manifest.json", "Manifest.json", MANIFEST_LIMIT).decode("utf-8"))
    except ModelInputError as exc:
        if exc.code == "missing":
            raise ModelInputError("no_manifest" if path.suffix.lower() == ".mlpackage" else "not_a_package") from None
        if exc.code == "too_large":
            raise ModelInputError("bad_manifest") from None
        raise
    except (ValueError, RecursionError):
        raise ModelInputError("bad_manifest") from None
    entries = manifest.get("itemInfoEntries") if isinstance(manifest, dict) else None
    root = manifest.get("rootModelIdentifier") if isinstance(manifest, dict) else None
    if not isinstance(entries, dict) or not isinstance(root, str) or not isinstance(entries.get(root), dict):
        raise ModelInputError("bad_manifest")
    if not all(isinstance(item, dict) and isinstance(item.get("path"), str) for item in entries.values()):
        raise ModelInputError("bad_manifest")
    return entries, entries[root]["path"]


def _read_package(path: Path) -> LoadedModel:
    if not exists(path / "Manifest.json"):
        raise ModelInputError("no_manifest" if path.suffix.lower() == ".mlpackage" else "not_a_package")
    entries, root_item = _manifest(path)
    for item in entries.values():
        named = f"Data/{item['path']}"
        found = inside(path, str(PurePath("Data", item["path"])), item=named)
        if not exists(found):
            raise ModelInputError("missing_item", item=shown_name(item["path"]))
        kind_of(found, shown_name(named))
    model_file = inside(path, str(PurePath("Data", root_item)), item=f"Data/{root_item}")
    if kind_of(model_file, "package") != "file":
        raise ModelInputError("missing_model", item=shown_name(root_item))
    spec = _parse(read_regular(model_file, "package"), "package")
    weights = inside(model_file.parent, "weights")
    has_weights = exists(weights) and kind_of(weights, "weights") == "folder"
    blobs = _blob_files(spec)
    if spec.WhichOneof("Type") == "mlProgram" and blobs and not has_weights:
        raise ModelInputError("no_weights")
    for name in blobs:
        found = blob_file(model_file.parent, name)
        if exists(found):
            kind_of(found, shown_name(name))
    return LoadedModel(path, spec, weights if has_weights else None)


BLOB_OPS = ("const",)  # with the constexpr_ ops, the only ops whose attributes hold weights


def _blob_files(spec: Any) -> set[str]:
    """The file names of every blob an ML Program's constants point at, nested blocks included."""
    names: set[str] = set()
    if spec.WhichOneof("Type") != "mlProgram":
        return names
    blocks = [block for function in spec.mlProgram.functions.values() for block in function.block_specializations.values()]
    while blocks:
        for op in blocks.pop().operations:
            op_type = op.type
            if op_type in BLOB_OPS:  # a constant's value is its `val`
                attributes = op.attributes
                if "val" in attributes:
                    _add_blob(names, attributes["val"])
            elif op_type.startswith("constexpr_"):
                attributes = op.attributes
                for key in attributes:  # indexing a protobuf map costs less than iterating its values
                    _add_blob(names, attributes[key])
            elif op.blocks:
                blocks.extend(op.blocks)
    return names


def _add_blob(names: set[str], value: Any) -> None:
    if value.WhichOneof("value") == "blobFileValue":
        names.add(value.blobFileValue.fileName)
