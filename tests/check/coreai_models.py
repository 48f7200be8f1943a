"""Core AI test models, written with coreai-core's own authoring API (no torch): each builder saves one
small .aimodel folder. Imported only when coreai-core is installed (see `needs_coreai`)."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import pytest

try:
    import numpy as np
    import coreai.authoring as ca  # must be imported before coreai._compiler.dialects (circular imports)
    from coreai.authoring import TensorSpec, Value
except ImportError:  # pragma: no cover - the skip below says why
    ca = None


def needs_coreai() -> None:
    """Skip where coreai-core has no wheel (the `coreai` extra's markers); under CI a skip is a failure."""
    if ca is None:
        if os.environ.get("CI"):
            pytest.fail("coreai-core is not installed, but CI must run the Core AI tests (make install installs it)")
        pytest.skip("coreai-core has no wheel for this platform")


U32 = "uint32"


def _u32(*values: int) -> Any:
    return np.array(values if len(values) > 1 else values[0], dtype=np.uint32)


def _save(module: Any, path: Path) -> Path:
    ca.AIProgram(module).save_asset(path)
    return path


def _conv(x: Any, channels_in: int, stride: tuple[int, int], dtype: Any, weight: Any = None) -> Any:
    w = weight if weight is not None else np.full((8, channels_in, 3, 3), 0.1, dtype=dtype)
    return ca.conv2d(x, w, _u32(*stride), _u32(1, 1), _u32(1))


def conv_relu(path: Path, dtype: str = "fp16", stride: tuple[int, int] = (1, 1)) -> Path:
    """input (1, 3, 16, 64) → conv2d 3×3 (8 channels, no padding) → relu. A clean fp16 model by default."""
    np_dtype, ca_dtype = (np.float16, ca.float16) if dtype == "fp16" else (np.float32, ca.float32)
    out_h, out_w = (16 - 3) // stride[0] + 1, (64 - 3) // stride[1] + 1
    module = ca.Module.create()
    with module:
        @ca.graph
        def main(x: Annotated[Value, TensorSpec((1, 3, 16, 64), ca_dtype, name="image")]
                 ) -> Annotated[Value, TensorSpec((1, 8, out_h, out_w), ca_dtype, name="features")]:
            return ca.relu(_conv(x, 3, stride, np_dtype))
    return _save(module, path)


def dynamic(path: Path) -> Path:
    """An fp16 relu whose input has a dynamic second axis."""
    module = ca.Module.create()
    with module:
        @ca.graph
        def main(x: Annotated[Value, TensorSpec((1, -1, 64), ca.float16, name="tokens")]
                 ) -> Annotated[Value, TensorSpec((1, -1, 64), ca.float16, name="out")]:
            return ca.relu(x)
    return _save(module, path)


def rank6(path: Path) -> Path:
    """An fp16 input reshaped to rank 6, then to rank 5, then back to rank 4."""
    module = ca.Module.create()
    with module:
        @ca.graph
        def main(x: Annotated[Value, TensorSpec((2, 4, 8, 64), ca.float16, name="x")]
                 ) -> Annotated[Value, TensorSpec((2, 4, 8, 64), ca.float16, name="y")]:
            six = ca.reshape(x, np.array([2, 2, 2, 2, 4, 64], dtype=np.uint32))
            five = ca.reshape(ca.relu(six), np.array([2, 4, 2, 4, 64], dtype=np.uint32))
            return ca.reshape(ca.relu(five), np.array([2, 4, 8, 64], dtype=np.uint32))
    return _save(module, path)


def linear(path: Path) -> Path:
    """nn.Linear(64, 64) as Core AI stores it: transpose of a constant weight, batch matmul, add."""
    module = ca.Module.create()
    with module:
        @ca.graph
        def main(x: Annotated[Value, TensorSpec((1, 64), ca.float16, name="x")]
                 ) -> Annotated[Value, TensorSpec((1, 64), ca.float16, name="y")]:
            weight = ca.transpose(np.full((64, 64), 0.01, dtype=np.float16), np.array([1, 0], dtype=np.uint32))
            product = ca.broadcasting_batch_matmul(x, weight)
            return ca.broadcasting_add(product, np.zeros((64,), dtype=np.float16))
    return _save(module, path)


def attention_scores(path: Path) -> Path:
    """A batch matmul of two runtime tensors: not a Linear layer."""
    module = ca.Module.create()
    with module:
        @ca.graph
        def main(q: Annotated[Value, TensorSpec((1, 64, 64), ca.float16, name="q")],
                 k: Annotated[Value, TensorSpec((1, 64, 64), ca.float16, name="k")]
                 ) -> Annotated[Value, TensorSpec((1, 64, 64), ca.float16, name="scores")]:
            return ca.batch_matmul(q, k)
    return _save(module, path)


def gather_rope(path: Path, ids_shape: tuple[int, ...] = (1, 64, 1)) -> Path:
    """A 2-D cos table indexed with [B, S] position ids: gather_nd with a 3-D result (4-D for 4-D ids)."""
    out_shape = (*ids_shape[:-1], 64)
    module = ca.Module.create()
    with module:
        @ca.graph
        def main(ids: Annotated[Value, TensorSpec(ids_shape, ca.int32, name="position_ids")]
                 ) -> Annotated[Value, TensorSpec(out_shape, ca.float16, name="cos")]:
            table = np.full((128, 64), 0.5, dtype=np.float16)
            return ca.gather_nd(table, ids)
    return _save(module, path)


def palettized(path: Path) -> Path:
    """A stride-4 conv2d whose weight is decompressed from an 8-bit palette by lut_to_dense."""
    module = ca.Module.create()
    with module:
        @ca.graph
        def main(x: Annotated[Value, TensorSpec((1, 3, 16, 64), ca.float16, name="image")]
                 ) -> Annotated[Value, TensorSpec((1, 8, 4, 16), ca.float16, name="features")]:
            indices = np.zeros((8, 3, 3, 3), dtype=np.uint8)
            lut = np.linspace(-1, 1, 256, dtype=np.float16).reshape(1, 1, 1, 1, 256, 1)
            weight = ca.lut_to_dense(indices, lut, np.array(0, dtype=np.int16))
            return _conv(x, 3, (4, 4), np.float16, weight)
    return _save(module, path)


def silu(path: Path) -> Path:
    module = ca.Module.create()
    with module:
        @ca.graph
        def main(x: Annotated[Value, TensorSpec((1, 8, 1, 64), ca.float16, name="x")]
                 ) -> Annotated[Value, TensorSpec((1, 8, 1, 64), ca.float16, name="y")]:
            return ca.silu(x)
    return _save(module, path)


def two_functions(path: Path) -> Path:
    """Two public functions: one clean, one with a stride-5 conv."""
    module = ca.Module.create()
    with module:
        @ca.graph
        def small(x: Annotated[Value, TensorSpec((1, 3, 16, 64), ca.float16, name="image")]
                  ) -> Annotated[Value, TensorSpec((1, 8, 14, 62), ca.float16, name="features")]:
            return ca.relu(_conv(x, 3, (1, 1), np.float16))

        @ca.graph
        def strided(x: Annotated[Value, TensorSpec((1, 3, 16, 64), ca.float16, name="image")]
                    ) -> Annotated[Value, TensorSpec((1, 8, 3, 13), ca.float16, name="features")]:
            return ca.relu(_conv(x, 3, (5, 5), np.float16))
    return _save(module, path)


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "fp16": conv_relu,
    "fp32": lambda p: conv_relu(p, "fp32"),
    "stride5": lambda p: conv_relu(p, "fp16", (5, 5)),
    "stride4": lambda p: conv_relu(p, "fp16", (4, 4)),
    "stride23": lambda p: conv_relu(p, "fp16", (2, 3)),
    "palettized": palettized,
    "gather4": lambda p: gather_rope(p, (1, 64, 1, 1)),
    "dynamic": dynamic,
    "rank6": rank6,
    "linear": linear,
    "attention": attention_scores,
    "gather": gather_rope,
    "silu": silu,
    "two_functions": two_functions,
}


def build(name: str, folder: Path) -> Path:
    return BUILDERS[name](folder / f"{name}.aimodel")
