"""Damaged copies of valid models: the spec changed in place, a package's files replaced or redirected."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ane_kb.check.proto import modules

INNER = Path("Data") / "com.apple.CoreML" / "model.mlmodel"


def spec_file(model: Path) -> Path:
    """The file that holds a model's spec: the file itself, or a package's inner model file."""
    return model / INNER if model.is_dir() else model


def load_spec(model: Path) -> Any:
    spec = modules().Model_pb2.Model()
    spec.ParseFromString(spec_file(model).read_bytes())
    return spec


def copy_model(source: Path, dest: Path) -> Path:
    if source.is_dir():
        shutil.copytree(source, dest, symlinks=True)
    else:
        shutil.copyfile(source, dest)
    return dest


def mutated(source: Path, dest: Path, change: Callable[[Any], Any]) -> Path:
    """A copy of `source` at `dest` whose spec `change` has edited in place."""
    copy_model(source, dest)
    spec = load_spec(dest)
    change(spec)
    spec_file(dest).write_bytes(spec.SerializeToString())
    return dest


def with_manifest(source: Path, dest: Path, manifest: Any) -> Path:
    """A copy of a package whose Manifest.json is `manifest` (a str is written as it is, anything else as JSON)."""
    copy_model(source, dest)
    (dest / "Manifest.json").write_text(manifest if isinstance(manifest, str) else json.dumps(manifest), encoding="utf-8")
    return dest


def manifest_of(package: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((package / "Manifest.json").read_text(encoding="utf-8"))
    return loaded


def main_ops(spec: Any) -> Any:
    function = spec.mlProgram.functions["main"]
    return function.block_specializations[function.opset].operations


def op_named(spec: Any, op_type: str) -> Any:
    return next(op for op in main_ops(spec) if op.type == op_type)


def nn_layer(spec: Any, kind: str) -> Any:
    network = getattr(spec, spec.WhichOneof("Type"))
    return next(layer for layer in network.layers if layer.WhichOneof("layer") == kind)
