"""Tensor shapes in a NeuralNetwork model, propagated from its declared inputs through each layer's parameters.

A NeuralNetwork spec records shapes only for the model's inputs and outputs (and in `outputTensor`
when a converter filled it). The rules read the rank and the axis lengths of every layer's output,
so this module follows the shapes layer by layer, for the layer types whose output shape follows
from their parameters. A layer it does not know, or whose inputs are unknown, leaves its outputs
unknown, and so does everything computed from them.

Old-style layers (convolution, pooling, ...) work on (C, H, W) tensors: in the default rank-5
mapping a rank-1 input (C) is read as (C, 1, 1). Layers of the rank-N ("ND") family use the shapes
as they are.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

Shape = tuple[int, ...]
Handler = Callable[[Any, list["Shape | None"]], "Shape | list[Shape]"]

IMAGE_CHANNELS = {10: 1, 20: 3, 30: 3, 40: 1}  # ImageFeatureType.ColorSpace: GRAYSCALE, RGB, BGR, GRAYSCALE_FLOAT16
EXACT_ARRAY_MAPPING = 1
RANK4_IMAGE_MAPPING = 1
MAX_DIM = 1 << 40


class _Unknown(Exception):
    """The output shape does not follow from what is known."""


def input_shapes(spec: Any, network: Any) -> dict[str, Shape]:
    """The declared shape of each multi-array and image input (the default shape of a flexible one)."""
    exact_images = getattr(network, "imageInputShapeMapping", 0) == RANK4_IMAGE_MAPPING
    shapes: dict[str, Shape] = {}
    for feature in spec.description.input:
        kind = feature.type.WhichOneof("Type")
        if kind == "multiArrayType":
            shape = tuple(int(d) for d in feature.type.multiArrayType.shape)
        elif kind == "imageType":
            image = feature.type.imageType
            channels = IMAGE_CHANNELS.get(image.colorSpace)
            if channels is None:
                continue
            shape = (channels, int(image.height), int(image.width))
            shape = (1, *shape) if exact_images else shape
        else:
            continue
        if _valid(shape):
            shapes[feature.name] = shape
    return shapes


def propagate(layers: Any, shapes: dict[str, Shape], exact: bool) -> None:
    """Add to `shapes` the output shapes of `layers` (and of nested branch and loop networks) that can be known."""
    for layer in layers:
        kind = layer.WhichOneof("layer")
        outputs = _given(layer) or _computed(kind, layer, [shapes.get(name) for name in layer.input], exact)
        for name, shape in zip(layer.output, outputs):
            if shape is not None and _valid(shape):
                shapes[name] = shape
        if kind == "branch":
            propagate(layer.branch.ifBranch.layers, shapes, exact)
            propagate(layer.branch.elseBranch.layers, shapes, exact)
        elif kind == "loop":
            propagate(layer.loop.conditionNetwork.layers, shapes, exact)
            propagate(layer.loop.bodyNetwork.layers, shapes, exact)


def _valid(shape: Sequence[int]) -> bool:
    return bool(shape) and all(0 < d < MAX_DIM for d in shape)


def _given(layer: Any) -> list[Shape | None]:
    """Shapes a converter wrote into the layer itself."""
    found: list[Shape | None] = []
    for tensor in layer.outputTensor:
        dims = tuple(int(d) for d in tensor.dimValue)
        found.append(dims if tensor.rank and len(dims) == tensor.rank and _valid(dims) else None)
    return found if found and all(s is not None for s in found) else []


def _computed(kind: str | None, layer: Any, inputs: list[Shape | None], exact: bool) -> list[Shape | None]:
    handler = (ND if exact else {}).get(kind or "") or HANDLERS.get(kind or "")
    if handler is None:
        return []
    try:
        result = handler(getattr(layer, kind or ""), inputs if exact else [_rank5(s) for s in inputs])
    except (_Unknown, ArithmeticError, ValueError, IndexError, TypeError, OverflowError):
        return []
    return list(result) if isinstance(result, list) else [result]


def _rank5(shape: Shape | None) -> Shape | None:
    """In the rank-5 mapping a vector (C) is a (C, 1, 1) tensor."""
    return (shape[0], 1, 1) if shape is not None and len(shape) == 1 else shape


def _first(inputs: list[Shape | None]) -> Shape:
    if not inputs or inputs[0] is None:
        raise _Unknown
    return inputs[0]


def _chw(inputs: list[Shape | None]) -> tuple[Shape, int, int, int]:
    shape = _first(inputs)
    if len(shape) < 3:
        raise _Unknown
    c, h, w = shape[-3:]
    return shape[:-3], c, h, w


def _pair(values: Sequence[int], default: int) -> tuple[int, int]:
    items = [int(v) for v in values] or [default, default]
    return (items[0], items[1]) if len(items) >= 2 else (items[0], items[0])


def _edges(border: Any) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of a BorderAmounts message."""
    amounts = list(border.borderAmounts)
    if not amounts:
        return 0, 0, 0, 0
    if len(amounts) != 2:
        raise _Unknown
    return (int(amounts[0].startEdgeSize), int(amounts[0].endEdgeSize),
            int(amounts[1].startEdgeSize), int(amounts[1].endEdgeSize))


def _window(size: int, kernel: int, stride: int, dilation: int, pad: int) -> int:
    return (size + pad - dilation * (kernel - 1) - 1) // stride + 1


def _convolution(p: Any, inputs: list[Shape | None]) -> Shape:
    lead, _, h, w = _chw(inputs)
    (kh, kw), (sh, sw), (dh, dw) = _pair(p.kernelSize, 3), _pair(p.stride, 1), _pair(p.dilationFactor, 1)
    padding = p.WhichOneof("ConvolutionPaddingType")
    if p.isDeconvolution:
        if len(p.outputShape) == 2:
            return (*lead, int(p.outputChannels), int(p.outputShape[0]), int(p.outputShape[1]))
        if padding is None:
            raise _Unknown  # a compiled network's layer, whose padding the reader could not say
        if padding == "same":
            return (*lead, int(p.outputChannels), h * sh, w * sw)
        top, bottom, left, right = _edges(p.valid.paddingAmounts)
        return (*lead, int(p.outputChannels), (h - 1) * sh + dh * (kh - 1) + 1 - top - bottom,
                (w - 1) * sw + dw * (kw - 1) + 1 - left - right)
    if padding is None:
        raise _Unknown
    if padding == "same":
        return (*lead, int(p.outputChannels), -(-h // sh), -(-w // sw))
    top, bottom, left, right = _edges(p.valid.paddingAmounts)
    return (*lead, int(p.outputChannels), _window(h, kh, sh, dh, top + bottom), _window(w, kw, sw, dw, left + right))


def _pooling(p: Any, inputs: list[Shape | None]) -> Shape:
    lead, c, h, w = _chw(inputs)
    if p.globalPooling:
        return (*lead, c, 1, 1)
    if not p.kernelSize:
        raise _Unknown
    (kh, kw), (sh, sw) = _pair(p.kernelSize, 3), _pair(p.stride, 1)
    padding = p.WhichOneof("PoolingPaddingType")
    if padding is None:
        raise _Unknown
    if padding == "same":
        return (*lead, c, -(-h // sh), -(-w // sw))
    if padding == "includeLastPixel":
        ph, pw = _pair(p.includeLastPixel.paddingAmounts, 0)
        return (*lead, c, -(-(h + 2 * ph - kh) // sh) + 1, -(-(w + 2 * pw - kw) // sw) + 1)
    top, bottom, left, right = _edges(p.valid.paddingAmounts)
    return (*lead, c, _window(h, kh, sh, 1, top + bottom), _window(w, kw, sw, 1, left + right))


def _set_channels(shape: Shape, count: int) -> Shape:
    """The shape with its channel axis (of a C×H×W tensor, else its last axis) set to `count`."""
    axis = -3 if len(shape) >= 3 else -1
    out = list(shape)
    out[axis] = count
    return tuple(out)


def _with_param(field: str) -> Handler:
    """Layers whose output channels are a parameter (an inner product, an embedding)."""
    return lambda p, inputs: _set_channels(_first(inputs), int(getattr(p, field)))


def _same(p: Any, inputs: list[Shape | None]) -> Shape:
    return _first(inputs)


def broadcast(shapes: Sequence[Shape]) -> Shape:
    """Numpy-style broadcasting of shapes aligned on their last axes."""
    rank = max(len(s) for s in shapes)
    out = []
    for axis in range(-rank, 0):
        sizes = {s[axis] for s in shapes if len(s) >= -axis} - {1}
        if len(sizes) > 1:
            raise _Unknown
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def _elementwise(p: Any, inputs: list[Shape | None]) -> Shape:
    if not inputs or any(s is None for s in inputs):
        raise _Unknown
    return broadcast([s for s in inputs if s is not None])


def _concat(p: Any, inputs: list[Shape | None]) -> Shape:
    if not inputs or any(s is None or len(s) < 3 for s in inputs):
        raise _Unknown
    shapes = [s for s in inputs if s is not None]
    if getattr(p, "sequenceConcat", False):
        raise _Unknown
    return (*shapes[0][:-3], sum(s[-3] for s in shapes), *shapes[0][-2:])


def _flatten(p: Any, inputs: list[Shape | None]) -> Shape:
    lead, c, h, w = _chw(inputs)
    return (*lead, c * h * w, 1, 1)


def _reshape(p: Any, inputs: list[Shape | None]) -> Shape:
    target = tuple(int(d) for d in p.targetShape)
    if len(target) not in (3, 4):
        raise _Unknown
    return target[-3:] if len(target) == 3 or target[0] == 1 else target


def _permute(p: Any, inputs: list[Shape | None]) -> Shape:
    shape = _first(inputs)
    axes = [int(a) for a in p.axis]
    if len(axes) != 4 or len(shape) > 4:
        raise _Unknown
    full = (1,) * (4 - len(shape)) + shape
    out = tuple(full[a] for a in axes)
    return out[1:] if out[0] == 1 and len(shape) < 4 else out


def _upsample(p: Any, inputs: list[Shape | None]) -> Shape:
    lead, c, h, w = _chw(inputs)
    if p.fractionalScalingFactor:
        fh, fw = (float(v) for v in list(p.fractionalScalingFactor)[:2])
        return (*lead, c, int(math.floor(h * fh)), int(math.floor(w * fw)))
    sh, sw = _pair(p.scalingFactor, 1)
    return (*lead, c, h * sh, w * sw)


def _resize_bilinear(p: Any, inputs: list[Shape | None]) -> Shape:
    lead, c, _, _ = _chw(inputs)
    th, tw = _pair(p.targetSize, 1)
    return (*lead, c, th, tw)


def _padding(p: Any, inputs: list[Shape | None]) -> Shape:
    lead, c, h, w = _chw(inputs)
    top, bottom, left, right = _edges(p.paddingAmounts)
    return (*lead, c, h + top + bottom, w + left + right)


def _crop(p: Any, inputs: list[Shape | None]) -> Shape:
    lead, c, h, w = _chw(inputs)
    if len(inputs) > 1:
        if inputs[1] is None or len(inputs[1]) < 2:
            raise _Unknown
        return (*lead, c, *inputs[1][-2:])
    top, bottom, left, right = _edges(p.cropAmounts)
    return (*lead, c, h - top - bottom, w - left - right)


def _reorganize(p: Any, inputs: list[Shape | None]) -> Shape:
    lead, c, h, w = _chw(inputs)
    block = int(p.blockSize)
    if p.mode == 0:  # SPACE_TO_DEPTH
        if h % block or w % block:
            raise _Unknown
        return (*lead, c * block * block, h // block, w // block)
    if c % (block * block):
        raise _Unknown
    return (*lead, c // (block * block), h * block, w * block)


def _slice(p: Any, inputs: list[Shape | None]) -> Shape:
    lead, c, h, w = _chw(inputs)
    sizes = [c, h, w]
    size = sizes[p.axis]
    start, end = int(p.startIndex), int(p.endIndex)
    start, end = start + size if start < 0 else start, end + size if end < 0 else end
    sizes[p.axis] = len(range(start, min(end, size), int(p.stride) or 1))
    return (*lead, *sizes)


def _split(p: Any, inputs: list[Shape | None]) -> list[Shape]:
    lead, c, h, w = _chw(inputs)
    parts = int(p.nOutputs)
    if not parts or c % parts:
        raise _Unknown
    return [(*lead, c // parts, h, w)] * parts


def _reduce(p: Any, inputs: list[Shape | None]) -> Shape:
    lead, c, h, w = _chw(inputs)
    keep = {0: (1, 1, 1), 1: (c, 1, 1), 2: (1, h, w), 3: (c, 1, w), 4: (c, h, 1)}[p.axis]
    return (*lead, *keep)


def _load_constant(p: Any, inputs: list[Shape | None]) -> Shape:
    return tuple(int(d) for d in p.shape)


def _recurrent(factor: int) -> Handler:
    """LSTM, GRU and simple RNN layers: the output, then the state(s), each of the output size."""

    def handler(p: Any, inputs: list[Shape | None]) -> list[Shape]:
        shape, size = _first(inputs), int(p.outputVectorSize)
        state = _set_channels(shape, size)
        return [_set_channels(shape, size * factor), state, state, state, state]

    return handler


HANDLERS: dict[str, Handler] = {
    "convolution": _convolution, "pooling": _pooling, "innerProduct": _with_param("outputChannels"),
    "embedding": _with_param("outputChannels"), "flatten": _flatten, "reshape": _reshape, "permute": _permute,
    "concat": _concat, "upsample": _upsample, "resizeBilinear": _resize_bilinear, "padding": _padding,
    "crop": _crop, "reorganizeData": _reorganize, "slice": _slice, "split": _split, "reduce": _reduce,
    "loadConstant": _load_constant, "loadConstantND": _load_constant,
    "uniDirectionalLSTM": _recurrent(1), "biDirectionalLSTM": _recurrent(2), "gru": _recurrent(1),
    "simpleRecurrent": _recurrent(1),
    **{kind: _same for kind in (
        "activation", "batchnorm", "bias", "scale", "unary", "l2normalize", "lrn", "mvn", "softmax", "softmaxND",
        "copy", "clip", "ceil", "floor", "sign", "round", "exp2", "sin", "cos", "tan", "asin", "acos", "atan", "sinh",
        "cosh", "tanh", "asinh", "acosh", "atanh", "erf", "gelu", "logicalNot", "layerNormalization", "reverse",
        "reverseSeq", "cumSum", "clampedReLU", "lowerTriangular", "upperTriangular", "matrixBandPart", "fillLike",
        "randomNormalLike", "randomUniformLike", "randomBernoulliLike")},
    **{kind: _elementwise for kind in (
        "add", "multiply", "average", "max", "min", "addBroadcastable", "subtractBroadcastable",
        "multiplyBroadcastable", "divideBroadcastable", "maxBroadcastable", "minBroadcastable", "modBroadcastable",
        "powBroadcastable", "floorDivBroadcastable", "whereBroadcastable", "equal", "notEqual", "lessThan",
        "lessEqual", "greaterThan", "greaterEqual", "logicalOr", "logicalXor", "logicalAnd")},
}


def _axis(axis: int, rank: int) -> int:
    axis = int(axis)
    if not -rank <= axis < rank:
        raise _Unknown
    return axis % rank


def _transpose(p: Any, inputs: list[Shape | None]) -> Shape:
    shape = _first(inputs)
    axes = [int(a) for a in p.axes] or list(range(len(shape)))[::-1]
    if sorted(axes) != list(range(len(shape))):
        raise _Unknown
    return tuple(shape[a] for a in axes)


def _reshape_static(p: Any, inputs: list[Shape | None]) -> Shape:
    target = [int(d) for d in p.targetShape]
    if -1 in target:
        known = math.prod(d for d in target if d != -1)
        target[target.index(-1)] = math.prod(_first(inputs)) // known
    return tuple(target)


def _reshape_like(p: Any, inputs: list[Shape | None]) -> Shape:
    if len(inputs) < 2 or inputs[1] is None:
        raise _Unknown
    return inputs[1]


def _flatten_2d(p: Any, inputs: list[Shape | None]) -> Shape:
    shape = _first(inputs)
    axis = int(p.axis) % (len(shape) + 1) if p.axis else 1
    return math.prod(shape[:axis]), math.prod(shape[axis:])


def _expand_dims(p: Any, inputs: list[Shape | None]) -> Shape:
    out = list(_first(inputs))
    rank = len(out) + len(p.axes)
    for axis in sorted(_axis(a, rank) for a in p.axes):
        out.insert(axis, 1)
    return tuple(out)


def _squeeze(p: Any, inputs: list[Shape | None]) -> Shape:
    shape = _first(inputs)
    if p.squeezeAll:
        return tuple(d for d in shape if d != 1) or (1,)
    axes = {_axis(a, len(shape)) for a in p.axes}
    return tuple(d for i, d in enumerate(shape) if i not in axes) or (1,)


def _concat_nd(p: Any, inputs: list[Shape | None]) -> Shape:
    if not inputs or any(s is None for s in inputs):
        raise _Unknown
    shapes = [s for s in inputs if s is not None]
    axis = _axis(p.axis, len(shapes[0]))
    out = list(shapes[0])
    out[axis] = sum(s[axis] for s in shapes)
    return tuple(out)


def _split_nd(p: Any, inputs: list[Shape | None]) -> list[Shape]:
    shape = _first(inputs)
    axis = _axis(p.axis, len(shape))
    sizes = [int(s) for s in p.splitSizes] or [shape[axis] // int(p.numSplits)] * int(p.numSplits)
    return [tuple(size if i == axis else d for i, d in enumerate(shape)) for size in sizes]


def _reduce_nd(p: Any, inputs: list[Shape | None]) -> Shape:
    shape = _first(inputs)
    axes = set(range(len(shape))) if p.reduceAll else {_axis(a, len(shape)) for a in p.axes}
    if p.keepDims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes) or (1,)


def _batched_matmul(p: Any, inputs: list[Shape | None]) -> Shape:
    a = _first(inputs)
    if len(inputs) > 1:
        if inputs[1] is None:
            raise _Unknown
        b = inputs[1]
    else:
        b = (int(p.weightMatrixFirstDimension), int(p.weightMatrixSecondDimension))
    if len(a) < 2 or len(b) < 2:
        raise _Unknown
    m = a[-1] if p.transposeA else a[-2]
    n = b[-2] if p.transposeB else b[-1]
    return (*broadcast([a[:-2] or (1,), b[:-2] or (1,)])[: max(len(a), len(b)) - 2], m, n)


def _gather(p: Any, inputs: list[Shape | None]) -> Shape:
    if len(inputs) < 2 or inputs[0] is None or inputs[1] is None:
        raise _Unknown
    data, indices = inputs[0], inputs[1]
    axis = _axis(p.axis, len(data))
    return (*data[:axis], *indices, *data[axis + 1:])


def _tile(p: Any, inputs: list[Shape | None]) -> Shape:
    shape = _first(inputs)
    reps = [int(r) for r in p.reps]
    if len(reps) != len(shape):
        raise _Unknown
    return tuple(d * r for d, r in zip(shape, reps))


def _constant_pad(p: Any, inputs: list[Shape | None]) -> Shape:
    shape = _first(inputs)
    pads = [int(v) for v in p.padAmounts]
    if p.padToGivenOutputSizeMode or len(pads) % 2 or len(pads) // 2 > len(shape):
        raise _Unknown
    out = list(shape)
    for i in range(len(pads) // 2):
        out[len(shape) - len(pads) // 2 + i] += pads[2 * i] + pads[2 * i + 1]
    return tuple(out)


def _embedding_nd(p: Any, inputs: list[Shape | None]) -> Shape:
    shape = _first(inputs)
    if shape[-1] != 1:
        raise _Unknown
    return (*shape[:-1], int(p.embeddingSize))


def _arg_reduce(p: Any, inputs: list[Shape | None]) -> Shape:
    shape = _first(inputs)
    axis = _axis(p.axis, len(shape))
    if p.removeDim:
        return tuple(d for i, d in enumerate(shape) if i != axis) or (1,)
    return tuple(1 if i == axis else d for i, d in enumerate(shape))


ND: dict[str, Handler] = {
    "transpose": _transpose, "reshapeStatic": _reshape_static, "reshapeLike": _reshape_like,
    "rankPreservingReshape": _reshape_static, "flattenTo2D": _flatten_2d, "expandDims": _expand_dims,
    "squeeze": _squeeze, "concatND": _concat_nd, "splitND": _split_nd, "batchedMatmul": _batched_matmul,
    "gather": _gather, "tile": _tile, "constantPad": _constant_pad, "embeddingND": _embedding_nd,
    "argMax": _arg_reduce, "argMin": _arg_reduce,
    **{kind: _reduce_nd for kind in ("reduceL1", "reduceL2", "reduceMax", "reduceMin", "reduceSum", "reduceProd",
                                     "reduceMean", "reduceLogSum", "reduceSumSquare", "reduceLogSumExp")},
}
HANDLERS.update({kind: handler for kind, handler in ND.items() if kind not in HANDLERS})
