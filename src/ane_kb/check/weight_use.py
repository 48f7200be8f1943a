"""How a constant or a decompressed weight is used: what it is (a weight, a look-up table), along which axes
its quantization scales vary for the op that consumes it, and what type the consumers compute in.

Whether a quantization scale is "per output channel" depends on the consumer's weight layout, not on
the constexpr op alone: a `conv` weight is (out, in, kh, kw), a `conv_transpose` weight (in, out, ...),
and a `matmul` operand (..., in, out) unless it is transposed.
"""

from __future__ import annotations

from typing import Any

from .graph import Node
from .mil_values import decode, dtype_of, shape_of
from .operand_shapes import flag

LUT_INPUTS = {("constexpr_lut_to_dense", "lut"), ("constexpr_lut_to_sparse", "lut")}
CONSTANT_LAYERS = ("loadConstant", "loadConstantND")
QUANTIZED = ("constexpr_blockwise_shift_scale", "constexpr_sparse_blockwise_shift_scale", "constexpr_affine_dequantize")
DECOMPRESSED = ("constexpr_lut_to_dense", "constexpr_sparse_to_dense", "constexpr_cast", *QUANTIZED)


def output_role(node: Node) -> str:
    """`activation` for a tensor computed at run time; `weight` for a constant or a weight decompressed when the model
    loads; `lut` for the look-up table of a palettized weight."""
    if node.format == "neuralnetwork":
        return "weight" if node.op in CONSTANT_LAYERS else "activation"
    if node.op != "const" and not node.op.startswith("constexpr_"):
        return "activation"
    uses = [(user.op, name) for output in node.outputs for user, name in node.scope.uses(output)]
    return "lut" if uses and all(use in LUT_INPUTS for use in uses) else "weight"


def user_of(node: Node) -> Node | None:
    """The op that uses a constant or decompressed weight, through any constexpr ops that decompress it."""
    for output in node.outputs:
        for user, _ in node.scope.uses(output):
            return user_of(user) or user if user.op.startswith("constexpr_") else user
    return None


def weight_axes(node: Node) -> tuple[int, int] | None:
    """(output-channel axis, input axis) of the weight `node` produces, from the op that consumes it."""
    layouts = set()
    for output in node.outputs:
        for user, name in node.scope.uses(output):
            layout = _layout(user, name)
            if layout is None:
                return None
            layouts.add(layout)
    return layouts.pop() if len(layouts) == 1 else None


def _layout(user: Node, input_name: str) -> tuple[int, int] | None:
    if (user.op, input_name) in LUT_INPUTS:
        return None
    if user.op.startswith("constexpr_"):
        return weight_axes(user)
    if (user.op, input_name) in (("conv", "weight"), ("linear", "weight")):
        return 0, 1
    if (user.op, input_name) == ("conv_transpose", "weight"):
        return 1, 0
    if user.op == "matmul" and input_name in ("x", "y"):
        transposed = flag(user, f"transpose_{input_name}")
        if transposed is None:
            return None
        if input_name == "y":
            return (-2, -1) if transposed else (-1, -2)
        return (-1, -2) if transposed else (-2, -1)
    return None


def scale_counts(node: Node) -> list[int] | None:
    """How many distinct scales the weight has along each of its axes."""
    if not node.raw.outputs:
        return None
    data = shape_of(node.raw.outputs[0].type)
    if data is None:
        return None
    if "scale" in node.raw.inputs:
        binding = node.raw.inputs["scale"].arguments[0]
        scale_type = binding.value.type if binding.WhichOneof("binding") == "value" else node.scope.types.get(binding.name)
        scale = shape_of(scale_type) if scale_type is not None else None
        return list(scale) if scale is not None and len(scale) == len(data) else None
    if "scale" in node.raw.attributes:  # constexpr_affine_dequantize (iOS 16): a scalar or a vector along `axis`
        scale = shape_of(node.raw.attributes["scale"].type)
        axis = decode(node.raw.attributes["axis"]) if "axis" in node.raw.attributes else 0
        if scale is None or not isinstance(axis, int) or not -len(data) <= axis < len(data):
            return None
        counts = [1] * len(data)
        counts[axis] = scale[0] if scale else 1
        return counts
    return None


def quantization(node: Node, part: str) -> Any:
    """`granularity` (per-tensor, per-channel or per-block) or `input_blocks` of a quantized weight; None when unknown."""
    if node.op not in QUANTIZED:
        return None
    counts, axes = scale_counts(node), weight_axes(node)
    if counts is None or axes is None:
        return None
    out_axis, in_axis = (axis % len(counts) for axis in axes)
    if part == "input_blocks":
        return counts[in_axis]
    varying = {i for i, count in enumerate(counts) if count > 1}
    if not varying:
        return "per-tensor"
    return "per-channel" if varying == {out_axis} else "per-block"


def consumer_dtype(node: Node) -> str | None:
    """The type the ops reading this constant compute in: the type of their output, or the constant's own type for a
    `cast` (which computes on it). `fp32` wins when the consumers differ."""
    types = set()
    for output in node.outputs:
        for user, _ in node.scope.uses(output):
            if user.op == "cast":
                dtype = dtype_of(node.raw.outputs[0].type) if node.raw.outputs else None
            else:
                dtype = dtype_of(user.raw.outputs[0].type) if user.raw.outputs else None
            if dtype is None:
                return None
            types.add(dtype)
    if not types:
        return None
    return "fp32" if "fp32" in types else sorted(types)[0]
