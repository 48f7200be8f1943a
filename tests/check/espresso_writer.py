"""Compiled NeuralNetwork folders (.mlmodelc) written by hand: an Espresso net, its shape table, weights, metadata."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

METADATA = {"specificationVersion": 4, "modelType": {"name": "MLModelType_neuralNetwork"},
            "inputSchema": [{"name": "x", "type": "MultiArray", "dataType": "Float32", "shape": "[3, 32, 32]",
                             "hasShapeFlexibility": "0", "isOptional": "0"}]}


def espresso_folder(folder: Path, layers: list[dict[str, Any]], shapes: dict[str, list[int]] | None = None,
                    weights: bool = True, metadata: bool = True) -> Path:
    """`folder` as a compiled NeuralNetwork of `layers`; with `shapes` None, no model.espresso.shape."""
    folder.mkdir()
    net = {"storage": "model.espresso.weights", "format_version": 200, "properties": {}, "layers": layers}
    (folder / "model.espresso.net").write_text(json.dumps(net), encoding="utf-8")
    if shapes is not None:
        table = {name: dict(zip(("n", "k", "h", "w"), dims), _rank=4) for name, dims in shapes.items()}
        (folder / "model.espresso.shape").write_text(json.dumps({"layer_shapes": table}), encoding="utf-8")
    if weights:
        (folder / "model.espresso.weights").write_bytes(bytes(4096))
    if metadata:
        (folder / "metadata.json").write_text(json.dumps([METADATA]), encoding="utf-8")
    (folder / "coremldata.bin").write_bytes(bytes(16))
    return folder
