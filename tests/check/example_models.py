"""A one-op model for a rule's worked example: the op with exactly the example's parameter values.

`build(format, op, params, path)` returns the saved model, or None when no builder here can give the
op those values (the caller lists such examples). Defaults fill the parameters an example leaves out.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coremltools.converters.mil.mil import types as mil_types

from tests.check.models import FLOAT32, ct, datatypes, mb, nn_builder, np, save_nn

MAX_ELEMENTS = 8_000_000
Builder = Callable[[dict[str, Any], Path], Path | None]


def _pair(value: Any, default: int) -> list[int]:
    if value is None:
        return [default, default]
    values = [int(v) for v in (value if isinstance(value, list) else [value])]
    return values * 2 if len(values) == 1 else values[:2]


def _fp(params: dict[str, Any]) -> Any:
    wants32 = params.get("dtype") == "fp32" or params.get("input_dtype") == "fp32"
    return ct.precision.FLOAT32 if wants32 else ct.precision.FLOAT16


def _convert(prog: Any, path: Path, params: dict[str, Any]) -> Path:
    model = ct.convert(prog, convert_to="mlprogram", minimum_deployment_target=ct.target.iOS16,
                       compute_precision=_fp(params))
    model.save(str(path))
    return path


def _too_big(*shapes: list[int]) -> bool:
    return any(math.prod(s) > MAX_ELEMENTS for s in shapes)


def mil_conv(params: dict[str, Any], path: Path, transpose: bool = False) -> Path | None:
    kh, kw = _pair(params.get("kernel_size"), 1 if "dims" in params or "output_channels" in params else 3)
    if "kernel_width" in params and _pair(params["kernel_width"], kw)[0] != kw:
        return None
    dilation = _pair(params.get("dilation"), 1)
    cout, height, width = int(params.get("output_channels", 8)), 32, 32
    if "dims" in params:
        dims = params["dims"]
        if len(dims) != 4 or _too_big(dims):
            return None
        cout, height, width = dims[1], dims[2], dims[3]
    if kh > height or kw > width:
        height, width = max(height, kh), max(width, kw)
    weight = np.ones((cout, 1, kh, kw) if not transpose else (1, cout, kh, kw), np.float32) * 0.01
    op = mb.conv_transpose if transpose else mb.conv
    image = mb.TensorSpec(shape=(1, 1, height, width))
    if params.get("operand_origin") == "runtime":
        @mb.program(input_specs=[image, mb.TensorSpec(shape=weight.shape)], opset_version=ct.target.iOS16)
        def prog(x: Any, w: Any) -> Any:
            return op(x=x, weight=w, dilations=dilation, pad_type="same", name="target")

        return _convert(prog, path, params)

    @mb.program(input_specs=[image], opset_version=ct.target.iOS16)
    def const_prog(x: Any) -> Any:
        return op(x=x, weight=weight, dilations=dilation, pad_type="same", name="target")

    return _convert(const_prog, path, params)


def mil_pool(kind: str) -> Builder:
    def build(params: dict[str, Any], path: Path) -> Path | None:
        kernel = _pair(params.get("kernel_size"), 3)
        stride = _pair(params.get("stride"), 1)
        size = max(32, *kernel)
        op = {"max_pool": mb.max_pool, "avg_pool": mb.avg_pool, "l2_pool": mb.l2_pool}[kind]

        @mb.program(input_specs=[mb.TensorSpec(shape=(1, 3, size, size))], opset_version=ct.target.iOS16)
        def prog(x: Any) -> Any:
            return op(x=x, kernel_sizes=kernel, strides=stride, pad_type="valid", name="target")

        return _convert(prog, path, params)

    return build


def mil_upsample(kind: str) -> Builder:
    def build(params: dict[str, Any], path: Path) -> Path | None:
        scale = [float(v) for v in (params.get("scale_factor") or [2, 2])]
        if kind == "upsample_nearest_neighbor" and any(not v.is_integer() for v in scale):
            return None
        op = getattr(mb, kind)

        @mb.program(input_specs=[mb.TensorSpec(shape=(1, 3, 8, 8))], opset_version=ct.target.iOS16)
        def prog(x: Any) -> Any:
            return op(x=x, scale_factor_height=scale[0], scale_factor_width=scale[1], name="target")

        return _convert(prog, path, params)

    return build


def mil_gather(params: dict[str, Any], path: Path) -> Path | None:
    """The table is the model input (so the op is not folded away); the indices are a constant or an input."""
    table_shape = params.get("input_dims") or [64, 8]
    if len(table_shape) != 2 or _too_big(table_shape):
        return None
    table = mb.TensorSpec(shape=tuple(table_shape))
    if params.get("operand_origin", "runtime") == "runtime":
        @mb.program(input_specs=[table, mb.TensorSpec(shape=(4,), dtype=mil_types.int32)], opset_version=ct.target.iOS16)
        def prog(x: Any, indices: Any) -> Any:
            return mb.gather(x=x, indices=indices, axis=0, name="target")

        return _convert(prog, path, params)

    @mb.program(input_specs=[table], opset_version=ct.target.iOS16)
    def const_prog(x: Any) -> Any:
        return mb.gather(x=x, indices=np.array([0, 1, 2, 3], np.int32), axis=0, name="target")

    return _convert(const_prog, path, params)


def mil_linear(params: dict[str, Any], path: Path) -> Path | None:
    inner = _pair(params.get("matmul_inner_dim"), 16)[0]
    dims = params.get("dims") or [1, 4, int(params.get("output_channels", 8))]
    if len(dims) != 3 or _too_big(dims, [dims[2], inner], [dims[1], inner]):
        return None
    weight = np.ones((dims[2], inner), np.float32) * 0.01

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, dims[1], inner))], opset_version=ct.target.iOS16)
    def prog(x: Any) -> Any:
        return mb.linear(x=x, weight=weight, name="target")

    return _convert(prog, path, params)


def mil_matmul(params: dict[str, Any], path: Path) -> Path | None:
    """x (1, 4, K) times y (K, 4); K is the reduction depth. x is stored transposed, (1, K, 4) with transpose_x, so
    that reading the wrong axis gives 4."""
    if set(params) - {"dtype", "input_dtype", "matmul_inner_dim"}:
        return None
    inner = _pair(params.get("matmul_inner_dim"), 8)[0]

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, inner, 4)), mb.TensorSpec(shape=(inner, 4))],
                opset_version=ct.target.iOS16)
    def prog(x: Any, y: Any) -> Any:
        return mb.matmul(x=x, y=y, transpose_x=True, name="target")

    return _convert(prog, path, params)


def nn_batched_matmul(params: dict[str, Any], path: Path) -> Path | None:
    if set(params) - {"matmul_inner_dim"}:
        return None
    inner = _pair(params.get("matmul_inner_dim"), 8)[0]
    builder = ct.models.neural_network.NeuralNetworkBuilder(
        [("a", datatypes.Array(1, 4, inner)), ("b", datatypes.Array(1, inner, 4))], [("y", None)],
        disable_rank5_shape_mapping=True)
    builder.add_batched_mat_mul("target", input_names=["a", "b"], output_name="y")
    builder.spec.description.output[0].type.multiArrayType.dataType = FLOAT32
    ct.utils.save_spec(builder.spec, str(path))
    return path


def nn_convolution(params: dict[str, Any], path: Path) -> Path | None:
    kh, kw = _pair(params.get("kernel_size"), 3)
    dilation = _pair(params.get("dilation"), 1)
    stride = _pair(params.get("stride"), 1)
    b = nn_builder((3, 32, 32))
    b.add_convolution("target", kernel_channels=3, output_channels=8, height=kh, width=kw, stride_height=stride[0],
                      stride_width=stride[1], border_mode="same" if not params.get("is_deconvolution") else "valid",
                      groups=1, W=np.ones((kh, kw, 3 if not params.get("is_deconvolution") else 8,
                                           8 if not params.get("is_deconvolution") else 3), np.float32),
                      b=None, has_bias=False, is_deconv=bool(params.get("is_deconvolution")),
                      output_shape=[34, 34] if params.get("is_deconvolution") else None,
                      input_name="x", output_name="y", dilation_factors=dilation)
    return save_nn(b, path)


def nn_pooling(params: dict[str, Any], path: Path) -> Path | None:
    kh, kw = _pair(params.get("kernel_size"), 3)
    stride = _pair(params.get("stride"), 1)
    kind = {"max": "MAX", "average": "AVERAGE", "l2": "L2"}[params.get("pooling_type", "max")]
    padding = {"valid": "VALID", "same": "SAME", "include_last_pixel": "INCLUDE_LAST_PIXEL"}[params.get("padding_type", "valid")]
    height, width = _pair(params.get("input_spatial_dims"), 32)
    b = nn_builder((3, height, width))
    b.add_pooling("target", height=kh, width=kw, stride_height=stride[0], stride_width=stride[1], layer_type=kind,
                  padding_type=padding, input_name="x", output_name="y", is_global=bool(params.get("global_pooling")))
    return save_nn(b, path)


def nn_upsample(params: dict[str, Any], path: Path) -> Path | None:
    scale = params.get("scale_factor") or [2, 2]
    if any(not float(v).is_integer() for v in scale):
        return None
    b = nn_builder((3, 8, 8))
    b.add_upsample("target", scaling_factor_h=int(scale[0]), scaling_factor_w=int(scale[1]), input_name="x",
                   output_name="y")
    return save_nn(b, path)


def nn_inner_product(params: dict[str, Any], path: Path) -> Path | None:
    inner = _pair(params.get("matmul_inner_dim"), 16)[0]
    outputs = int(params.get("output_channels", 4))
    shape: tuple[int, ...] = (inner,)
    if "input_spatial_dims" in params:
        height, width = _pair(params["input_spatial_dims"], 1)
        shape, inner = (4, height, width), 4 * height * width
    if _too_big([inner, outputs]):
        return None
    b = nn_builder(shape)
    b.add_inner_product("target", W=np.ones((outputs, inner), np.float32), b=None, input_channels=inner,
                        output_channels=outputs, has_bias=False, input_name="x", output_name="y")
    return save_nn(b, path)


def nn_multiply(params: dict[str, Any], path: Path) -> Path | None:
    """x (8, 16, 16) times: itself (none), alpha (scalar), or an (8, 1, 1) vector that is a constant or the input's
    global average (the squeeze-and-excitation pattern)."""
    kind, origin = params.get("broadcast_kind", "none"), params.get("operand_origin", "runtime")
    b = nn_builder((8, 16, 16))
    if kind == "scalar":
        b.add_elementwise("target", ["x"], "y", mode="MULTIPLY", alpha=0.5)
    elif kind == "none":
        b.add_elementwise("target", ["x", "x"], "y", mode="MULTIPLY")
    elif kind == "channel" and origin == "const":
        b.add_load_constant("vector", "v", np.full(8, 0.5, np.float32), [8, 1, 1])
        b.add_elementwise("target", ["x", "v"], "y", mode="MULTIPLY")
    elif kind == "channel":
        b.add_pooling("squeeze", height=1, width=1, stride_height=1, stride_width=1, layer_type="AVERAGE",
                      padding_type="VALID", input_name="x", output_name="v", is_global=True)
        b.add_activation("excite", "SIGMOID", input_name="v", output_name="g")
        b.add_elementwise("target", ["x", "g"], "y", mode="MULTIPLY")
    else:
        return None
    return save_nn(b, path)


def nn_gather(params: dict[str, Any], path: Path) -> Path | None:
    if params.get("operand_origin", "runtime") != "runtime" or set(params) - {"operand_origin"}:
        return None
    builder = ct.models.neural_network.NeuralNetworkBuilder(
        [("table", datatypes.Array(10, 4)), ("idx", datatypes.Array(2))], [("y", None)], disable_rank5_shape_mapping=True)
    builder.add_gather("target", input_names=["table", "idx"], output_name="y", axis=0)
    builder.spec.description.output[0].type.multiArrayType.dataType = FLOAT32
    ct.utils.save_spec(builder.spec, str(path))
    return path


BUILDERS: dict[tuple[str, str], Builder] = {
    ("mlprogram", "conv"): mil_conv,
    ("mlprogram", "conv_transpose"): lambda p, path: mil_conv(p, path, transpose=True),
    ("mlprogram", "max_pool"): mil_pool("max_pool"),
    ("mlprogram", "avg_pool"): mil_pool("avg_pool"),
    ("mlprogram", "l2_pool"): mil_pool("l2_pool"),
    ("mlprogram", "upsample_nearest_neighbor"): mil_upsample("upsample_nearest_neighbor"),
    ("mlprogram", "upsample_bilinear"): mil_upsample("upsample_bilinear"),
    ("mlprogram", "gather"): mil_gather,
    ("mlprogram", "linear"): mil_linear,
    ("mlprogram", "matmul"): mil_matmul,
    ("neuralnetwork", "convolution"): nn_convolution,
    ("neuralnetwork", "pooling"): nn_pooling,
    ("neuralnetwork", "upsample"): nn_upsample,
    ("neuralnetwork", "innerProduct"): nn_inner_product,
    ("neuralnetwork", "batchedMatmul"): nn_batched_matmul,
    ("neuralnetwork", "multiply"): nn_multiply,
    ("neuralnetwork", "gather"): nn_gather,
}


def build(fmt: str, op: str, params: dict[str, Any], path: Path) -> Path | None:
    builder = BUILDERS.get((fmt, op))
    return builder(dict(params), path) if builder else None


def _program(specs: list[Any], body: Callable[..., Any], params: dict[str, Any], path: Path,
             target: Any = None) -> Path:
    """Convert a one-op program whose inputs are `specs` (one to three tensors)."""
    opset = target or ct.target.iOS16
    if len(specs) == 1:
        @mb.program(input_specs=specs, opset_version=opset)
        def one(x: Any) -> Any:
            return body(x)
        prog = one
    else:
        @mb.program(input_specs=specs, opset_version=opset)
        def two(x: Any, y: Any) -> Any:
            return body(x, y)
        prog = two
    model = ct.convert(prog, convert_to="mlprogram", minimum_deployment_target=opset, compute_precision=_fp(params))
    model.save(str(path))
    return path


def mil_layer_norm(params: dict[str, Any], path: Path) -> Path | None:
    if params.get("model_input_shape_kind", "fixed") != "fixed":
        return None
    rank = int(params.get("rank", 3))
    shape = (1, 4, 8, 8)[:rank] if rank <= 4 else None
    if shape is None:
        return None
    epsilon = np.float32(params.get("epsilon", 1e-5))
    return _program([mb.TensorSpec(shape=shape)], lambda x: mb.layer_norm(x=x, axes=[-1], epsilon=epsilon, name="target"),
                    params, path)


def mil_pad(params: dict[str, Any], path: Path) -> Path | None:
    value = float(params.get("pad_value", 0))
    return _program([mb.TensorSpec(shape=(1, 3, 8, 8))],
                    lambda x: mb.pad(x=x, pad=[0, 0, 0, 0, 1, 1, 1, 1], mode="constant", constant_val=value, name="target"),
                    params, path)


def mil_add(params: dict[str, Any], path: Path) -> Path | None:
    dtype = mil_types.int32 if params.get("dtype") == "int32" else mil_types.fp32
    specs = [mb.TensorSpec(shape=(1, 8), dtype=dtype), mb.TensorSpec(shape=(1, 8), dtype=dtype)]
    return _program(specs, lambda x, y: mb.add(x=x, y=y, name="target"), params, path)


def mil_cast(params: dict[str, Any], path: Path) -> Path | None:
    if params.get("input_dtype") == "int32":
        return _program([mb.TensorSpec(shape=(1, 8), dtype=mil_types.int32)],
                        lambda x: mb.cast(x=x, dtype="fp16", name="target"), params, path)
    return None


def mil_argmax(params: dict[str, Any], path: Path) -> Path | None:
    return _program([mb.TensorSpec(shape=(1, 8))], lambda x: mb.reduce_argmax(x=x, axis=-1, name="target"), params, path)


def mil_reshape(params: dict[str, Any], path: Path) -> Path | None:
    dims = params.get("dims") or [1] * int(params.get("rank", 2))
    if _too_big(dims) or len(dims) > 5:  # coremltools refuses to save a tensor of rank 6
        return None
    size = math.prod(dims)
    return _program([mb.TensorSpec(shape=(size,))], lambda x: mb.add(x=mb.reshape(x=x, shape=dims, name="target"), y=1.0),
                    params, path)


def mil_transpose(params: dict[str, Any], path: Path) -> Path | None:
    rank = int(params.get("rank", 4))
    perm = list(range(rank))[::-1]
    return _program([mb.TensorSpec(shape=tuple(range(2, 2 + rank)))],
                    lambda x: mb.transpose(x=x, perm=perm, name="target"), params, path)


def mil_slice(kind: str) -> Builder:
    def build(params: dict[str, Any], path: Path) -> Path | None:
        runtime = params.get("operand_origin") == "runtime"
        data = mb.TensorSpec(shape=(1, 16))
        if kind == "slice_by_size":
            if runtime:
                return _program([data, mb.TensorSpec(shape=(2,), dtype=mil_types.int32)],
                                lambda x, b: mb.slice_by_size(x=x, begin=b, size=[1, 4], name="target"), params, path)
            return _program([data], lambda x: mb.slice_by_size(x=x, begin=[0, 2], size=[1, 4], name="target"), params, path)
        if runtime:
            return _program([data, mb.TensorSpec(shape=(2,), dtype=mil_types.int32)],
                            lambda x, b: mb.slice_by_index(x=x, begin=b, end=[1, 8], name="target"), params, path)
        return _program([data], lambda x: mb.slice_by_index(x=x, begin=[0, 2], end=[1, 8], name="target"), params, path)

    return build


def mil_const(params: dict[str, Any], path: Path) -> Path | None:
    """A model whose constant stays fp32 (compute_precision FLOAT32) or becomes fp16 (the default); or, for an fp32
    constant read by fp16 ops, an fp16 upsample whose scale factors MIL types as fp32."""
    if params.get("dtype") == "fp32" and params.get("consumer_dtype") == "fp16":
        return _program([mb.TensorSpec(shape=(1, 3, 8, 8))],
                        lambda x: mb.upsample_bilinear(x=x, scale_factor_height=2.0, scale_factor_width=2.0),
                        {}, path)
    table = np.arange(8, dtype=np.float32).reshape(1, 8)
    return _program([mb.TensorSpec(shape=(1, 8))], lambda x: mb.add(x=x, y=table), params, path)


def nn_pad(kind: str) -> Builder:
    def build(params: dict[str, Any], path: Path) -> Path | None:
        value = float(params.get("pad_value", 0))
        b = nn_builder((3, 8, 8))
        if kind == "padding":
            b.add_padding("target", left=1, right=1, top=1, bottom=1, value=value, input_name="x", output_name="y",
                          padding_type="constant")
        else:
            b.add_constant_pad("target", input_names=["x"], output_name="y", value=value, pad_amounts=[0, 0, 1, 1, 1, 1])
        return save_nn(b, path)

    return build


def quantized_conv(path: Path, granularity: str, *, palettized: bool = False, block: int = 8) -> Path:
    """A 64×32×3×3 convolution whose weight is linearly quantized (per_block blocks of `block` input channels,
    per_channel or per_tensor), or palettized to 4 bits with an int8-quantized look-up table (`palettized`)."""
    import coremltools.optimize.coreml as cto

    weight = np.random.default_rng(0).normal(size=(64, 32, 3, 3)).astype(np.float32)

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 32, 16, 16))], opset_version=ct.target.iOS18)
    def prog(x: Any) -> Any:
        return mb.relu(x=mb.conv(x=x, weight=weight, pad_type="same", name="conv"), name="act")

    model = ct.convert(prog, convert_to="mlprogram", minimum_deployment_target=ct.target.iOS18)
    if palettized:
        lut = cto.OpPalettizerConfig(nbits=4, mode="uniform", granularity="per_grouped_channel", group_size=16)
        model = cto.palettize_weights(model, cto.OptimizationConfig(global_config=lut))
    config = cto.OpLinearQuantizerConfig(mode="linear_symmetric", dtype="int8" if palettized else "int4",
                                         granularity=granularity, **({"block_size": block} if granularity == "per_block" else {}))
    model = cto.linear_quantize_weights(model, cto.OptimizationConfig(global_config=config), joint_compression=palettized)
    model.save(str(path))
    return path


def mil_blockwise(params: dict[str, Any], path: Path) -> Path | None:
    if params.get("output_role") == "lut":
        return quantized_conv(path, "per_tensor", palettized=True)
    granularity = params.get("quantization_granularity")
    blocks = params.get("quantization_input_blocks", 4 if granularity == "per-block" else 1)
    granularity = granularity or ("per-block" if blocks > 1 else "per-channel")
    if 32 % blocks or (blocks > 1) != (granularity == "per-block"):
        return None
    return quantized_conv(path, granularity.replace("-", "_"), block=32 // blocks)


BUILDERS.update({
    ("mlprogram", "layer_norm"): mil_layer_norm,
    ("mlprogram", "pad"): mil_pad,
    ("mlprogram", "add"): mil_add,
    ("mlprogram", "cast"): mil_cast,
    ("mlprogram", "reduce_argmax"): mil_argmax,
    ("mlprogram", "reshape"): mil_reshape,
    ("mlprogram", "transpose"): mil_transpose,
    ("mlprogram", "slice_by_size"): mil_slice("slice_by_size"),
    ("mlprogram", "slice_by_index"): mil_slice("slice_by_index"),
    ("mlprogram", "const"): mil_const,
    ("mlprogram", "constexpr_blockwise_shift_scale"): mil_blockwise,
    ("neuralnetwork", "padding"): nn_pad("padding"),
    ("neuralnetwork", "constantPad"): nn_pad("constantPad"),
})
