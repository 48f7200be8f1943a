"""Values that follow from the shapes of an op's operands: the reduction depth of a matrix product, the kind of
broadcasting an element-wise multiply does, and the height and width of a layer's input."""

from __future__ import annotations

import math
from typing import Any

from .graph import Node, input_binding_names, is_const, operand_value
from .mil_values import dims_of


def _mil_dims(node: Node, input_name: str) -> tuple[int | None, ...] | None:
    """The operand's shape, None for a symbolic dimension (a flexible sequence length, say)."""
    names = input_binding_names(node, input_name)
    value_type = node.scope.types.get(names[0]) if names else None
    return dims_of(value_type) if value_type is not None else None


def flag(node: Node, name: str) -> bool | None:
    """A boolean op input such as `transpose_x`: False when absent, None when computed at run time."""
    found, value = operand_value(node.scope, node, name)
    if not found:
        return False
    return bool(value) if isinstance(value, (bool, int)) else None


def _contracted(shape: tuple[int | None, ...] | None, transposed: bool | None, first: bool) -> int | None:
    """The contracted axis of `x` (first=True, its last axis) or of `y` (its second-to-last), honouring the flag;
    None when that axis is symbolic."""
    if shape is None or transposed is None or not shape:
        return None
    if len(shape) == 1:
        return shape[0]
    if first:  # x is (..., M, K), or (..., K, M) when transposed
        return shape[-2] if transposed else shape[-1]
    return shape[-1] if transposed else shape[-2]  # y is (..., K, N), or (..., N, K) when transposed


def reduction_depth(node: Node) -> int | None:
    """The length of the contracted axis of a matrix product."""
    if node.format == "mlprogram":
        if node.op != "matmul":
            return None
        depth = _contracted(_mil_dims(node, "x"), flag(node, "transpose_x"), first=True)
        if depth is None:
            depth = _contracted(_mil_dims(node, "y"), flag(node, "transpose_y"), first=False)
        return depth
    if node.op != "batchedMatmul":
        return None
    params = node.raw.batchedMatmul
    if len(node.inputs) == 1:
        return int(params.weightMatrixFirstDimension) or None
    first = node.scope.shapes.get(node.inputs[0]) if node.inputs else None
    depth = _contracted(first, bool(params.transposeA), first=True)
    if depth is None and len(node.inputs) > 1:
        depth = _contracted(node.scope.shapes.get(node.inputs[1]), bool(params.transposeB), first=False)
    return depth


def broadcast(node: Node, part: str) -> Any:
    """For a NeuralNetwork multiply: `kind` is none (same shapes), scalar (a single number: the layer's alpha or a
    one-element operand), channel (C×H×W times C×1×1) or other; `origin` is whether the broadcast operand is a
    constant or computed at run time."""
    if node.format != "neuralnetwork":
        return None
    if len(node.inputs) == 1:
        return "scalar" if part == "kind" else "const"
    shapes = [node.scope.shapes.get(name) for name in node.inputs]
    if any(s is None for s in shapes):
        return None
    cells = [_rank5(s) for s in shapes if s is not None]
    smallest = min(range(len(cells)), key=lambda i: (math.prod(cells[i]), i))
    if part == "origin":
        return "const" if is_const(node.scope, node.inputs[smallest]) else "runtime"
    if len({c for c in cells}) == 1:
        return "none"
    if math.prod(cells[smallest]) == 1:
        return "scalar"
    small, big = cells[smallest], max(cells, key=math.prod)
    if len(small) >= 3 and small[-2:] == (1, 1) and small[-3] == big[-3] > 1 and big[-2:] != (1, 1):
        return "channel"
    return "other"


def _rank5(shape: tuple[int, ...]) -> tuple[int, ...]:
    return (shape[0], 1, 1) if len(shape) == 1 else shape


def input_spatial(node: Node) -> list[int] | None:
    """Height and width of a NeuralNetwork layer's first input: its last two axes when it has C, H and W, else 1×1
    (a vector, or a (batch, channels) matrix, has no spatial extent)."""
    if node.format != "neuralnetwork" or not node.inputs:
        return None
    shape = node.scope.shapes.get(node.inputs[0])
    if shape is None:
        return None
    return list(shape[-2:]) if len(shape) >= 3 else [1, 1]
