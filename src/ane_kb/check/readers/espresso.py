"""The Espresso reader: a compiled NeuralNetwork's model.espresso.net (JSON), with the blob shapes of
model.espresso.shape, read into a NeuralNetwork spec whose layers carry what the rules read.

Espresso's layer types and fields are not documented. LAYERS maps the types seen in published Espresso
networks to the Core ML NeuralNetwork layer each comes from, with the fields the parameter vocabulary reads;
a type outside the table, or an elementwise operation code outside ELEMENTWISE, becomes a layer of unknown
type and is listed (as `espresso:<type>`) with the model's uncovered ops. The weights
(model.espresso.weights) are not read: only their size is, for the model's weight bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..proto import modules
from . import ModelInputError

MAX_NET_BYTES = 256 * 1024 * 1024
MAX_LAYERS = 200_000
NOT_LAYERS = ("input",)

Fill = Callable[[Any, dict[str, Any]], None]


def _ints(layer: dict[str, Any], *keys: str) -> list[int] | None:
    values = [layer.get(k) for k in keys]
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in values):
        return None
    return [int(v) for v in values]  # type: ignore[arg-type]


def _set(target: Any, values: list[int] | None) -> None:
    if values is not None:
        target.extend(values)


def _convolution(params: Any, layer: dict[str, Any]) -> None:
    _set(params.kernelSize, _ints(layer, "Ny", "Nx"))
    _set(params.stride, _ints(layer, "stride_y", "stride_x"))
    _set(params.dilationFactor, _ints(layer, "dilation_y", "dilation_x"))
    for field, key in (("outputChannels", "C"), ("kernelChannels", "K"), ("nGroups", "n_groups")):
        value = _ints(layer, key)
        if value:
            setattr(params, field, max(value[0], 0))
    params.hasBias = bool(layer.get("has_biases"))


def _deconvolution(params: Any, layer: dict[str, Any]) -> None:
    _convolution(params, layer)
    params.isDeconvolution = True


def _pooling(params: Any, layer: dict[str, Any]) -> None:
    kinds = modules().NeuralNetwork_pb2.PoolingLayerParams.PoolingType
    kind = layer.get("avg_or_max")
    if kind in (0, 1):
        params.type = kinds.Value("MAX" if kind == 1 else "AVERAGE")
    params.globalPooling = bool(layer.get("is_global"))
    _set(params.kernelSize, _ints(layer, "size_y", "size_x"))
    _set(params.stride, _ints(layer, "stride_y", "stride_x"))


def _inner_product(params: Any, layer: dict[str, Any]) -> None:
    sizes = _ints(layer, "nB", "nC")
    if sizes:
        params.inputChannels, params.outputChannels = (max(v, 0) for v in sizes)
    params.hasBias = bool(layer.get("has_biases"))


def _upsample(params: Any, layer: dict[str, Any]) -> None:
    if layer.get("use_fractional_scale_factors"):
        factors = [layer.get("fractional_scaling_factor_y"), layer.get("fractional_scaling_factor_x")]
        if all(isinstance(f, (int, float)) and not isinstance(f, bool) for f in factors):
            params.fractionalScalingFactor.extend(float(f) for f in factors)  # type: ignore[arg-type]
    else:
        _set(params.scalingFactor, _ints(layer, "scaling_factor_y", "scaling_factor_x"))


def _batchnorm(params: Any, layer: dict[str, Any]) -> None:
    params.instanceNormalization = bool(layer.get("training_instancenorm"))


def _nothing(params: Any, layer: dict[str, Any]) -> None:
    return None


# Espresso layer type -> (NeuralNetwork layer, how its fields are filled). Documented in docs/*/check.md.
LAYERS: dict[str, tuple[str, Fill]] = {
    "convolution": ("convolution", _convolution),
    "deconvolution": ("convolution", _deconvolution),
    "pool": ("pooling", _pooling),
    "inner_product": ("innerProduct", _inner_product),
    "upsample": ("upsample", _upsample),
    "batchnorm": ("batchnorm", _batchnorm),
    "activation": ("activation", _nothing),
    "hard_sigmoid": ("activation", _nothing),
    "softmax": ("softmax", _nothing),
    "concat": ("concat", _nothing),
    "reshape": ("reshape", _nothing),
    "flatten": ("flatten", _nothing),
    "transpose": ("transpose", _nothing),
    "load_constant": ("loadConstant", _nothing),
    "split_nd": ("splitND", _nothing),
    "l2_normalize": ("l2normalize", _nothing),
    "copy": ("copy", _nothing),
}
# Espresso `elementwise` operation codes -> NeuralNetwork layer: 0 and 1 combine inputs, 2 and 3 apply a
# scalar (`alpha`), 119 clamps to [alpha, beta].
ELEMENTWISE = {0: "add", 1: "multiply", 2: "add", 3: "multiply", 119: "clip"}


def read(folder: Path, root: Path, metadata: dict[str, Any], unmapped: list[str], properties: dict[str, Any]) -> Any:
    """A NeuralNetwork spec for the Espresso network in `folder`; unmapped types are appended to `unmapped`."""
    net = _json(folder / "model.espresso.net", root, required=True)
    layers = net.get("layers") if isinstance(net, dict) else None
    if not isinstance(layers, list) or len(layers) > MAX_LAYERS:
        raise ModelInputError("compiled_bad_net", where=_shown(folder / "model.espresso.net", root),
                              why="it has no list of layers")
    shapes = _shapes(_json(folder / "model.espresso.shape", root, required=False))
    spec = modules().Model_pb2.Model()
    spec.specificationVersion = _int(metadata.get("specificationVersion"))
    network = spec.neuralNetwork
    for entry in layers:
        if not isinstance(entry, dict) or entry.get("type") in NOT_LAYERS:
            continue
        source = _layer(network.layers.add(), entry, shapes)
        if source:
            unmapped.append(f"espresso:{source}")
    weights = folder / "model.espresso.weights"
    from ..ranges import file_size

    properties["weight_bytes"] = file_size(weights) if weights.is_file() else None
    return spec


def unscanned(folder: Path, root: Path) -> str:
    """Why the precision scan cannot read this network's weights."""
    weights = _shown(folder / "model.espresso.weights", root)
    if not (folder / "model.espresso.weights").is_file():
        return f"{weights} is missing"
    return f"{weights} is in Espresso's own format, which this checker does not read"


def _layer(layer: Any, entry: dict[str, Any], shapes: dict[str, list[int]]) -> str | None:
    """Fills one layer; returns the Espresso type when it has no mapping."""
    kind = str(entry.get("type", ""))[:100]
    layer.name = str(entry.get("name", entry.get("debug_info", "")))[:1000]
    layer.input.extend(_blobs(entry.get("bottom")))
    layer.output.extend(_blobs(entry.get("top")))
    for names, tensors in ((layer.input, layer.inputTensor), (layer.output, layer.outputTensor)):
        for name in names:
            dims = shapes.get(name)
            tensor = tensors.add()
            if dims:
                tensor.rank, tensor.dimValue[:] = len(dims), dims
    if kind == "elementwise":
        operation = entry.get("operation")
        target = ELEMENTWISE.get(operation) if isinstance(operation, int) else None
        if target is None:
            return f"elementwise(operation={operation})"[:120]
        getattr(layer, target).SetInParent()
        return None
    if kind not in LAYERS:
        return kind or "(no type)"
    target, fill = LAYERS[kind]
    params = getattr(layer, target)
    params.SetInParent()
    fill(params, entry)
    return None


def _blobs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [name for name in value.split(",") if name]
    if isinstance(value, list):
        return [str(name) for name in value if isinstance(name, str) and name]
    return []


def _shapes(data: Any) -> dict[str, list[int]]:
    """Blob name -> dims, from model.espresso.shape's layer_shapes ({n, k, h, w, _rank})."""
    table = data.get("layer_shapes") if isinstance(data, dict) else None
    out: dict[str, list[int]] = {}
    for name, shape in (table.items() if isinstance(table, dict) else ()):
        if not isinstance(shape, dict):
            continue
        dims = [shape.get(k) for k in ("n", "k", "h", "w")]
        if not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in dims):
            continue
        rank = shape.get("_rank", 4)
        rank = rank if isinstance(rank, int) and 1 <= rank <= 4 else 4
        out[str(name)] = [int(d) for d in dims[4 - rank:]]  # type: ignore[arg-type]
    return out


def _json(path: Path, root: Path, required: bool) -> Any:
    if not path.is_file():
        return {}
    if path.stat().st_size > MAX_NET_BYTES:
        raise ModelInputError("compiled_too_big", where=_shown(path, root))
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        if not required:
            return {}
        where = f"line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else "its bytes"
        raise ModelInputError("compiled_bad_net", where=_shown(path, root),
                              why=f"it is not JSON ({where}; a compressed network is not supported)") from None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return path.name
