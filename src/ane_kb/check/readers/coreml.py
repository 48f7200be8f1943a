"""The Core ML reader: a .mlmodel file or an .mlpackage folder, parsed into its spec."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..proto import modules
from . import NOT_COREML, LoadedModel, ModelInputError


def read(path: Path) -> LoadedModel:
    """A .mlmodel file or an .mlpackage folder."""
    if not path.exists():
        raise ModelInputError("missing")
    suffix = path.suffix.lower()
    if suffix == ".mlmodelc":
        raise ModelInputError("compiled")
    if suffix in NOT_COREML:
        raise ModelInputError("other_framework", what=suffix)
    if path.is_dir():
        return _read_package(path)
    return LoadedModel(path, _parse(path.read_bytes(), "file"), None)


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


def _read_package(path: Path) -> LoadedModel:
    manifest_path = path / "Manifest.json"
    if not manifest_path.is_file():
        raise ModelInputError("no_manifest" if path.suffix.lower() == ".mlpackage" else "not_a_package")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        entries = manifest["itemInfoEntries"]
        root = entries[manifest["rootModelIdentifier"]]
        model_file = path / "Data" / root["path"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ModelInputError("bad_manifest") from None
    for item in entries.values():
        if isinstance(item, dict) and not (path / "Data" / str(item.get("path", ""))).exists():
            raise ModelInputError("missing_item", item=str(item.get("path")))
    if not model_file.is_file():
        raise ModelInputError("missing_model", item=str(root.get("path")))
    spec = _parse(model_file.read_bytes(), "package")
    weights = model_file.parent / "weights"
    if spec.WhichOneof("Type") == "mlProgram" and _uses_blobs(spec) and not weights.is_dir():
        raise ModelInputError("no_weights")
    return LoadedModel(path, spec, weights if weights.is_dir() else None)


def _uses_blobs(spec: Any) -> bool:
    for function in spec.mlProgram.functions.values():
        for block in function.block_specializations.values():
            for op in block.operations:
                if op.type == "const" and op.attributes["val"].WhichOneof("value") == "blobFileValue":
                    return True
    return False
