"""Small Core ML models built at test time with coremltools' builders (torch is never imported)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

logging.getLogger("coremltools").setLevel(logging.ERROR)
sys.modules.setdefault("torch", None)  # type: ignore[arg-type]

import numpy as np  # noqa: E402
import coremltools as ct  # noqa: E402
from coremltools.converters.mil import Builder as mb  # noqa: E402
from coremltools.models import datatypes  # noqa: E402
from coremltools.models.neural_network import NeuralNetworkBuilder  # noqa: E402

FLOAT32 = 65568


def nn_builder(shape: tuple[int, ...] = (3, 32, 32), outputs: tuple[str, ...] = ("y",)) -> NeuralNetworkBuilder:
    return NeuralNetworkBuilder([("x", datatypes.Array(*shape))], [(o, None) for o in outputs])


def save_nn(builder: NeuralNetworkBuilder, path: Path) -> Path:
    for out in builder.spec.description.output:
        out.type.multiArrayType.dataType = FLOAT32
    ct.utils.save_spec(builder.spec, str(path))
    return path


def conv_weights(cin: int, cout: int, kh: int, kw: int) -> Any:
    return np.random.default_rng(0).random((kh, kw, cin, cout), dtype=np.float32)


def nn_conv_pool(path: Path, *, dilation: int = 1, pool: int = 3, pool_stride: int = 1) -> Path:
    b = nn_builder()
    b.add_convolution("conv", kernel_channels=3, output_channels=8, height=3, width=3, stride_height=1, stride_width=1,
                      border_mode="same", groups=1, W=conv_weights(3, 8, 3, 3), b=None, has_bias=False,
                      input_name="x", output_name="c", dilation_factors=[dilation, dilation])
    b.add_pooling("pool", height=pool, width=pool, stride_height=pool_stride, stride_width=pool_stride,
                  layer_type="MAX", padding_type="SAME", input_name="c", output_name="y")
    return save_nn(b, path)


def nn_lstm_pool(path: Path, pool: int = 15) -> Path:
    """An LSTM and a pooling layer with kernel `pool` (the issue's example model, also the site's)."""
    from generator.site.example_model import build_lstm_pool

    return build_lstm_pool(path, pool)


def nn_nested(path: Path) -> Path:
    """A branch whose if-network holds a dilated convolution, and a loop around a pooling layer."""
    b = nn_builder()
    b.add_load_constant_nd("cond", output_name="flag", constant_value=np.array([1.0], np.float32), shape=[1])
    branch = b.add_branch("branch", input_name="flag")
    inner = NeuralNetworkBuilder(nn_spec=branch.branch.ifBranch, disable_rank5_shape_mapping=True)
    inner.add_convolution("inner_conv", kernel_channels=3, output_channels=3, height=3, width=3, stride_height=1,
                          stride_width=1, border_mode="same", groups=1, W=conv_weights(3, 3, 3, 3), b=None,
                          has_bias=False, input_name="x", output_name="y", dilation_factors=[4, 4])
    other = NeuralNetworkBuilder(nn_spec=branch.branch.elseBranch, disable_rank5_shape_mapping=True)
    other.add_activation("inner_relu", "RELU", input_name="x", output_name="y")
    return save_nn(b, path)


def nn_pipeline(path: Path, tmp: Path) -> Path:
    from coremltools.models.pipeline import Pipeline

    first = ct.utils.load_spec(str(nn_conv_pool(tmp / "a.mlmodel", pool=15)))
    pipe = Pipeline([("x", datatypes.Array(3, 32, 32))], [("y", datatypes.Array(8, 32, 32))])
    pipe.add_model(first)
    pipe.spec.specificationVersion = first.specificationVersion
    ct.utils.save_spec(pipe.spec, str(path))
    return path


def mil_save(prog: Any, path: Path, target: Any = None) -> Path:
    model = ct.convert(prog, convert_to="mlprogram", minimum_deployment_target=target or ct.target.iOS16)
    model.save(str(path))
    return path


def mil_conv_pool(path: Path, *, dilation: int = 1, pool: int = 3, kernel: int = 3, channels: int = 3,
                  outputs: int = 8, relu: bool = True) -> Path:
    """A conv and a max_pool; `channels`/`outputs` make the weights big enough to escape the tiny-model rules."""
    weight = np.random.default_rng(0).uniform(0.1, 1.0, (outputs, channels, kernel, kernel)).astype(np.float32)

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, channels, 32, 32))], opset_version=ct.target.iOS16)
    def prog(x: Any) -> Any:
        y = mb.conv(x=x, weight=weight, dilations=[dilation, dilation], pad_type="same", name="conv")
        y = mb.max_pool(x=y, kernel_sizes=[pool, pool], strides=[1, 1], pad_type="same", name="pool")
        return mb.relu(x=y, name="act") if relu else y

    return mil_save(prog, path)


def mil_nested(path: Path) -> Path:
    """A cond whose branches hold a dilated conv and a big max_pool, and a while_loop."""
    weight = np.random.default_rng(0).random((3, 3, 3, 3), dtype=np.float32)

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 3, 16, 16)), mb.TensorSpec(shape=(1,))],
                opset_version=ct.target.iOS16)
    def prog(x: Any, s: Any) -> Any:
        pred = mb.greater(x=mb.reduce_sum(x=s, axes=[0]), y=0.0)

        def true_fn() -> Any:
            return mb.conv(x=x, weight=weight, dilations=[3, 3], pad_type="same", name="deep_conv")

        def false_fn() -> Any:
            return mb.max_pool(x=x, kernel_sizes=[15, 15], strides=[1, 1], pad_type="same", name="deep_pool")

        y = mb.cond(pred=pred, _true_fn=true_fn, _false_fn=false_fn, name="branch")

        def cond(i: Any, v: Any) -> Any:
            return mb.less(x=i, y=3.0)

        def body(i: Any, v: Any) -> Any:
            return mb.add(x=i, y=1.0), mb.relu(x=v)

        _, out = mb.while_loop(_cond=cond, _body=body, loop_vars=(mb.const(val=0.0), y), name="loop")
        return out

    return mil_save(prog, path)


def mil_pipeline(path: Path, tmp: Path) -> Path:
    first = ct.models.MLModel(str(mil_conv_pool(tmp / "p1.mlpackage", dilation=2)), skip_model_load=True)
    second = ct.models.MLModel(str(mil_conv_pool(tmp / "p2.mlpackage", pool=15)), skip_model_load=True)
    ct.utils.make_pipeline(first, second).save(str(path))
    return path


def tree_ensemble(path: Path) -> Path:
    from coremltools.models.tree_ensemble import TreeEnsembleRegressor

    tree = TreeEnsembleRegressor(features=[("x", datatypes.Double())], target="y")
    tree.add_leaf_node(0, 0, 1.0)
    ct.utils.save_spec(tree.spec, str(path))
    return path


def nn_with_weights(path: Path, values: list[float]) -> Path:
    """An inner product whose weights hold `values` (padded with ones), stored as float32."""
    weights = np.ones((2, 4), np.float32).ravel()
    weights[: len(values)] = values
    b = nn_builder((4,))
    b.add_inner_product("fc", W=weights.reshape(2, 4), b=None, input_channels=4, output_channels=2, has_bias=False,
                        input_name="x", output_name="y")
    return save_nn(b, path)


def mil_with_weights(path: Path, values: list[float], precision: Any = None, channels: int = 8) -> Path:
    """A conv whose weights (channels × 1 × 2 × 2) hold `values`, padded with ones."""
    weight = np.ones((channels, 1, 2, 2), np.float32).ravel()
    weight[: len(values)] = values

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 1, 8, 8))], opset_version=ct.target.iOS16)
    def prog(x: Any) -> Any:
        return mb.conv(x=x, weight=weight.reshape(channels, 1, 2, 2), name="conv")

    model = ct.convert(prog, convert_to="mlprogram", minimum_deployment_target=ct.target.iOS16,
                       compute_precision=precision or ct.precision.FLOAT32)
    model.save(str(path))
    return path


def layer_norm(path: Path, epsilon: float, fmt: str) -> Path:
    """One layer norm over the last axis with `epsilon`: an ML Program converted as usual (float16), or a
    NeuralNetwork (float32). `path` gets the format's suffix."""
    if fmt == "neuralnetwork":
        path = path.with_suffix(".mlmodel")
        b = nn_builder((4, 8, 8))
        b.add_layer_normalization("norm", "x", "y", normalized_shape=[8], gamma=np.ones(8), beta=np.zeros(8),
                                  eps=epsilon)
        return save_nn(b, path)

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 4, 8))], opset_version=ct.target.iOS16)
    def prog(x: Any) -> Any:
        return mb.layer_norm(x=x, axes=[-1], epsilon=np.float32(epsilon), name="norm")

    return _save_precision(prog, path.with_suffix(".mlpackage"), ct.precision.FLOAT16)


def nn_flexible(path: Path, kind: str) -> Path:
    from coremltools.models.neural_network import flexible_shape_utils

    b = nn_builder((3, 16, 16))
    b.add_activation("relu", "RELU", input_name="x", output_name="y")
    spec = b.spec
    if kind == "enumerated":
        shapes = [flexible_shape_utils.NeuralNetworkMultiArrayShape(3, size, size) for size in (16, 32, 64)]
        flexible_shape_utils.add_enumerated_multiarray_shapes(spec, "x", shapes=shapes)
    elif kind in ("range", "unbounded"):
        upper = -1 if kind == "unbounded" else 128
        ranges = flexible_shape_utils.NeuralNetworkMultiArrayShapeRange()
        ranges.add_channel_range((3, 3))
        ranges.add_height_range((16, upper))
        ranges.add_width_range((16, upper))
        flexible_shape_utils.update_multiarray_shape_range(spec, "x", ranges)
    return save_nn(b, path)


def mil_clean_cnn(path: Path, precision: Any = None) -> Path:
    """A plain 4-layer CNN (conv, relu, conv, relu, pool, conv, relu, conv) with random weights: nothing unusual."""
    rng = np.random.default_rng(1)

    def w(cout: int, cin: int) -> Any:
        return (rng.standard_normal((cout, cin, 3, 3)) * 0.05).astype(np.float32)

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 3, 64, 64))])
    def prog(x: Any) -> Any:
        x = mb.relu(x=mb.conv(x=x, weight=w(16, 3), pad_type="same", name="conv1"), name="relu1")
        x = mb.relu(x=mb.conv(x=x, weight=w(32, 16), pad_type="same", name="conv2"), name="relu2")
        x = mb.max_pool(x=x, kernel_sizes=[2, 2], strides=[2, 2], pad_type="valid", name="pool")
        x = mb.relu(x=mb.conv(x=x, weight=w(64, 32), pad_type="same", name="conv3"), name="relu3")
        return mb.conv(x=x, weight=w(64, 64), pad_type="same", name="conv4")

    return mil_save(prog, path) if precision is None else _save_precision(prog, path, precision)


def _save_precision(prog: Any, path: Path, precision: Any) -> Path:
    model = ct.convert(prog, convert_to="mlprogram", compute_precision=precision, skip_model_load=True)
    model.save(str(path))
    return path


def mil_weightless_matmul(path: Path, size: int = 512, depth: int | None = None, transpose_x: bool = False) -> Path:
    """A matmul of two inputs: no weights at all. `depth` is the reduction axis (default `size`)."""
    depth = depth or size
    x_shape = (1, depth, size) if transpose_x else (1, size, depth)

    @mb.program(input_specs=[mb.TensorSpec(shape=x_shape), mb.TensorSpec(shape=(1, depth, size))])
    def prog(a: Any, b: Any) -> Any:
        return mb.matmul(x=a, y=b, transpose_x=transpose_x, name="mm")

    return mil_save(prog, path)


def mil_flexible_matmul(path: Path) -> Path:
    """A matmul of two inputs whose shared (reduction) axis is flexible: its size cannot be read."""
    from coremltools.converters.mil.mil import get_new_symbol

    depth = get_new_symbol()

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 8, depth)), mb.TensorSpec(shape=(1, depth, 8))])
    def prog(a: Any, b: Any) -> Any:
        return mb.matmul(x=a, y=b, name="mm")

    inputs = [ct.TensorType(name="a", shape=(1, 8, ct.RangeDim(1, 64))),
              ct.TensorType(name="b", shape=(1, ct.RangeDim(1, 64), 8))]
    model = ct.convert(prog, convert_to="mlprogram", inputs=inputs, minimum_deployment_target=ct.target.iOS16)
    model.save(str(path))
    return path


def nn_upsample(path: Path, factor: int = 4) -> Path:
    """A convolution followed by a nearest-neighbour upsample by `factor` in both directions."""
    b = nn_builder()
    b.add_convolution("conv", kernel_channels=3, output_channels=8, height=3, width=3, stride_height=1, stride_width=1,
                      border_mode="same", groups=1, W=conv_weights(3, 8, 3, 3), b=None, has_bias=False,
                      input_name="x", output_name="c")
    b.add_upsample("up", scaling_factor_h=factor, scaling_factor_w=factor, input_name="c", output_name="y", mode="NN")
    return save_nn(b, path)


def nn_custom(path: Path) -> Path:
    """A convolution, then a custom layer with parameters (a protobuf map of messages) and weights, then pooling."""
    from coremltools.proto import NeuralNetwork_pb2

    b = nn_builder()
    b.add_convolution("conv", kernel_channels=3, output_channels=8, height=3, width=3, stride_height=1, stride_width=1,
                      border_mode="same", groups=1, W=conv_weights(3, 8, 3, 3), b=None, has_bias=False,
                      input_name="x", output_name="c")
    params = NeuralNetwork_pb2.CustomLayerParams()
    params.className = "MyScaleLayer"
    params.description = "scales by a learnt factor"
    params.parameters["scale"].doubleValue = 0.5
    params.parameters["mode"].stringValue = "fast"
    params.parameters["steps"].intValue = 3
    params.weights.add().floatValue.extend([1.0, 70000.0, 2.0])
    b.add_custom("custom", input_names=["c"], output_names=["s"], custom_proto_spec=params)
    b.add_pooling("pool", height=3, width=3, stride_height=1, stride_width=1, layer_type="MAX", padding_type="SAME",
                  input_name="s", output_name="y")
    return save_nn(b, path)
