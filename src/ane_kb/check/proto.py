"""The Core ML protobuf modules, loaded without coremltools' package start-up.

coremltools ships the generated `*_pb2.py` modules of the Core ML specification. Importing them
through `coremltools.proto` runs coremltools' own start-up (about a second, and torch if it is
installed). Loading the same files as a private package takes a tenth of that, and works wherever
the files are, including a browser build that ships them without coremltools.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from functools import cache
from pathlib import Path
from typing import Any

PRIVATE = "_ane_kb_coreml_proto"


class ProtoUnavailable(RuntimeError):
    pass


def proto_dir() -> Path:
    """Where the spec modules are: a bundled copy if there is one, else coremltools' own folder."""
    bundled = importlib.util.find_spec("ane_kb_coreml_proto")
    if bundled is not None and bundled.submodule_search_locations:
        return Path(list(bundled.submodule_search_locations)[0])
    spec = importlib.util.find_spec("coremltools")
    if spec is None or spec.origin is None:
        raise ProtoUnavailable("ane-kb check needs coremltools to read Core ML files: pip install 'ane-kb[check]'")
    return Path(spec.origin).parent / "proto"


@cache
def modules() -> Any:
    """A namespace with Model_pb2, NeuralNetwork_pb2, MIL_pb2 and FeatureTypes_pb2."""
    folder = proto_dir()
    if not (folder / "Model_pb2.py").is_file():
        raise ProtoUnavailable(f"no Core ML spec modules in {folder}")
    package = sys.modules.get(PRIVATE)
    if package is None:
        package = types.ModuleType(PRIVATE)
        package.__path__ = [str(folder)]
        sys.modules[PRIVATE] = package
    try:
        loaded = {name: importlib.import_module(f"{PRIVATE}.{name}")
                  for name in ("Model_pb2", "NeuralNetwork_pb2", "MIL_pb2", "FeatureTypes_pb2")}
    except ImportError as exc:
        raise ProtoUnavailable(f"cannot load the Core ML spec modules ({exc}); is protobuf installed?") from None
    return types.SimpleNamespace(**loaded)
