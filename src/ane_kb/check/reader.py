"""Reading a Core ML file (.mlmodel or .mlpackage) into its spec, with one clear line for bad input."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .proto import modules

PACKAGE_MODEL = "com.apple.CoreML"


class ModelInputError(Exception):
    """The model cannot be read; the message is one line meant for the user."""


@dataclass
class LoadedModel:
    path: Path
    spec: Any
    weights_dir: Path | None


_NOT_COREML = {
    ".pt": "a PyTorch file", ".pth": "a PyTorch file", ".onnx": "an ONNX model", ".tflite": "a TensorFlow Lite model",
    ".pb": "a TensorFlow graph", ".h5": "a Keras model", ".keras": "a Keras model", ".safetensors": "a weights file",
    ".gguf": "a GGUF model",
}


def read_model(path: Path) -> LoadedModel:
    if not path.exists():
        raise ModelInputError("file not found")
    suffix = path.suffix.lower()
    if suffix == ".mlmodelc":
        raise ModelInputError("this is a compiled .mlmodelc folder; point me at the .mlmodel or .mlpackage it came from")
    if suffix in _NOT_COREML:
        raise ModelInputError(f"this is {_NOT_COREML[suffix]}, not a Core ML model; convert it with coremltools first")
    if path.is_dir():
        return _read_package(path)
    return LoadedModel(path, _parse(path.read_bytes(), "file"), None)


def _parse(data: bytes, what: str) -> Any:
    if not data:
        raise ModelInputError(f"the {what} is empty")
    from google.protobuf.message import DecodeError

    spec = modules().Model_pb2.Model()
    try:
        spec.ParseFromString(data)
    except (DecodeError, ValueError, RuntimeError):
        raise ModelInputError(f"the {what} is not a Core ML model (its bytes do not parse as a Core ML spec)") from None
    if spec.WhichOneof("Type") is None:
        raise ModelInputError(f"the {what} holds no model: it is empty, truncated or not a Core ML spec")
    return spec


def _read_package(path: Path) -> LoadedModel:
    manifest_path = path / "Manifest.json"
    if not manifest_path.is_file():
        raise ModelInputError("not a valid .mlpackage: Manifest.json is missing")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        entries = manifest["itemInfoEntries"]
        root = entries[manifest["rootModelIdentifier"]]
        model_file = path / "Data" / root["path"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ModelInputError("not a valid .mlpackage: Manifest.json cannot be read") from None
    for item in entries.values():
        if isinstance(item, dict) and not (path / "Data" / str(item.get("path", ""))).exists():
            raise ModelInputError(f"not a valid .mlpackage: the manifest lists Data/{item.get('path')}, which is missing")
    if not model_file.is_file():
        raise ModelInputError(f"not a valid .mlpackage: its model file Data/{root.get('path')} is missing")
    spec = _parse(model_file.read_bytes(), "package's model file")
    weights = model_file.parent / "weights"
    if spec.WhichOneof("Type") == "mlProgram" and _uses_blobs(spec) and not weights.is_dir():
        raise ModelInputError("not a valid .mlpackage: the weights folder is missing")
    return LoadedModel(path, spec, weights if weights.is_dir() else None)


def _uses_blobs(spec: Any) -> bool:
    for function in spec.mlProgram.functions.values():
        for block in function.block_specializations.values():
            for op in block.operations:
                if op.type == "const" and op.attributes["val"].WhichOneof("value") == "blobFileValue":
                    return True
    return False
