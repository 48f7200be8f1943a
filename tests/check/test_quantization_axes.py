"""Which axis a quantized weight's scales vary along, read against the weight layout of the op that uses it.

The same scale shape means different things for different consumers: a `linear` weight is (out, in), a
`conv_transpose` weight (in, out, kh, kw), a `matmul` operand (in, out), or (out, in) when it is transposed. Each
model here is a single op whose weight is decompressed by `constexpr_blockwise_shift_scale` (iOS 18) or
`constexpr_affine_dequantize` (iOS 16), built with the MIL builder so that the scale shape is exactly the one given.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ane_kb.check import check_model
from ane_kb.check.graph import walk
from ane_kb.check.readers import read_model
from ane_kb.check.weight_use import quantization
from tests.check.models import ct, mb, np
from coremltools.converters.mil.mil import types

OUT, IN = 16, 32


def _int8(shape: tuple[int, ...]) -> Any:
    return np.random.default_rng(0).integers(-8, 8, size=shape).astype(np.int8)


def _scale(shape: tuple[int, ...]) -> Any:
    return np.full(shape, 0.01, np.float16)


def _save(prog: Any, path: Path, target: Any) -> Path:
    model = ct.convert(prog, convert_to="mlprogram", minimum_deployment_target=target)
    model.save(str(path))
    return path


def blockwise(consumer: str, data_shape: tuple[int, ...], scale_shape: tuple[int, ...]) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        shape = {"conv_transpose": (1, IN, 8, 8), "matmul_t": (1, 4, IN)}.get(consumer, (1, IN))
        spec = mb.TensorSpec(shape=shape, dtype=types.fp16)  # the weight decompresses to fp16

        @mb.program(input_specs=[spec], opset_version=ct.target.iOS18)
        def prog(x: Any) -> Any:
            w = mb.constexpr_blockwise_shift_scale(data=_int8(data_shape), scale=_scale(scale_shape), name="w")
            if consumer == "linear":
                return mb.linear(x=x, weight=w, name="target")
            if consumer == "conv_transpose":
                return mb.conv_transpose(x=x, weight=w, name="target")
            if consumer == "matmul_t":
                return mb.matmul(x=x, y=w, transpose_y=True, name="target")
            return mb.matmul(x=x, y=w, name="target")

        return _save(prog, path, ct.target.iOS18)

    return build


def affine(axis: int) -> Callable[[Path], Path]:
    """An iOS 16 `constexpr_affine_dequantize` of a (OUT, IN) `linear` weight, one scale per index of `axis`."""
    def build(path: Path) -> Path:
        length = OUT if axis == 0 else IN

        @mb.program(input_specs=[mb.TensorSpec(shape=(1, IN))], opset_version=ct.target.iOS16)
        def prog(x: Any) -> Any:
            w = mb.constexpr_affine_dequantize(quantized_data=_int8((OUT, IN)).astype(np.uint8), zero_point=np.uint8(8),
                                               scale=np.full((length,), 0.01, np.float32), axis=axis, name="w")
            return mb.linear(x=x, weight=w, name="target")

        return _save(prog, path, ct.target.iOS16)

    return build


CASES = {  # name: (builder, granularity, blocks along the input axis)
    "linear per channel": (blockwise("linear", (OUT, IN), (OUT, 1)), "per-channel", 1),
    "linear blocks of 8 inputs": (blockwise("linear", (OUT, IN), (OUT, 4)), "per-block", 4),
    "linear per tensor": (blockwise("linear", (OUT, IN), (1, 1)), "per-tensor", 1),
    "conv_transpose per output channel": (blockwise("conv_transpose", (IN, OUT, 3, 3), (1, OUT, 1, 1)), "per-channel", 1),
    "conv_transpose scales along its first axis, the input": (
        blockwise("conv_transpose", (IN, OUT, 3, 3), (IN, 1, 1, 1)), "per-block", IN),
    "matmul y per output column": (blockwise("matmul", (IN, OUT), (1, OUT)), "per-channel", 1),
    "matmul y blocks along its rows, the input": (blockwise("matmul", (IN, OUT), (4, OUT)), "per-block", 4),
    "transposed matmul y per output row": (blockwise("matmul_t", (OUT, IN), (OUT, 1)), "per-channel", 1),
    "transposed matmul y blocks along its columns": (blockwise("matmul_t", (OUT, IN), (OUT, 4)), "per-block", 4),
    "affine dequantize along the output axis": (affine(0), "per-channel", 1),
    "affine dequantize along the input axis": (affine(1), "per-block", IN),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_quantization_axes_follow_the_consumers_layout(tmp_path: Path, name: str) -> None:
    build, granularity, blocks = CASES[name]
    path = build(tmp_path / "m.mlpackage")
    [node] = [n for n in walk(read_model(path).spec) if n.op.startswith("constexpr_")]
    assert (quantization(node, "granularity"), quantization(node, "input_blocks")) == (granularity, blocks)
    errors = {f.rule for f in check_model(path).findings if f.severity == "error"}
    assert ("layer-rule/quantization-blocks-along-input-axis" in errors) == (blocks > 1)
