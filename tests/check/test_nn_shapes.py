"""NeuralNetwork shape propagation, layer type by layer type, on models built with coremltools' builder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ane_kb.check.graph import walk
from ane_kb.check.readers import read_model
from tests.check.models import FLOAT32, conv_weights, ct, datatypes, nn_builder, np, save_nn
from coremltools.models.neural_network import NeuralNetworkBuilder


def _shapes(path: Path) -> dict[str, tuple[int, ...] | None]:
    """The propagated shape of every layer's first output, by layer name."""
    nodes = list(walk(read_model(path).spec))
    return {n.name: n.scope.shapes.get(n.outputs[0]) for n in nodes}


def _conv(b: Any, name: str, src: str, dst: str, cin: int, cout: int, k: int = 3, stride: int = 1,
          mode: str = "same", dilation: int = 1, **extra: Any) -> None:
    b.add_convolution(name, kernel_channels=cin, output_channels=cout, height=k, width=k, stride_height=stride,
                      stride_width=stride, border_mode=mode, groups=1, W=conv_weights(cin, cout, k, k), b=None,
                      has_bias=False, input_name=src, output_name=dst, dilation_factors=[dilation, dilation], **extra)


def test_image_style_layers(tmp_path: Path) -> None:
    b = nn_builder((3, 32, 48))
    _conv(b, "same_s2", "x", "a", 3, 8, stride=2)
    _conv(b, "valid_dilated", "a", "b", 8, 8, mode="valid", dilation=2)
    b.add_pooling("pool_same", height=3, width=3, stride_height=2, stride_width=2, layer_type="MAX",
                  padding_type="SAME", input_name="b", output_name="c")
    b.add_pooling("pool_valid", height=2, width=2, stride_height=2, stride_width=2, layer_type="AVERAGE",
                  padding_type="VALID", input_name="b", output_name="d")
    b.add_upsample("upsample", 2, 3, "d", "e")
    b.add_padding("pad", left=1, right=2, top=3, bottom=4, input_name="e", output_name="f")
    b.add_crop("crop", left=1, right=1, top=2, bottom=2, offset=[0, 0], input_names=["f"], output_name="g")
    b.add_reorganize_data("to_depth", "g", "y", mode="SPACE_TO_DEPTH", block_size=2)
    shapes = _shapes(save_nn(b, tmp_path / "m.mlmodel"))
    assert shapes["same_s2"] == (8, 16, 24)
    assert shapes["valid_dilated"] == (8, 12, 20)      # 16 - 2*(3-1)
    assert shapes["pool_same"] == (8, 6, 10)
    assert shapes["pool_valid"] == (8, 6, 10)
    assert shapes["upsample"] == (8, 12, 30)
    assert shapes["pad"] == (8, 19, 33)
    assert shapes["crop"] == (8, 15, 31)
    assert shapes["to_depth"] is None  # 15 × 31 does not split into 2 × 2 blocks: the shape is not made up


def test_image_style_layers_divisible(tmp_path: Path) -> None:
    b = nn_builder((4, 16, 20))
    b.add_reorganize_data("to_depth", "x", "a", mode="SPACE_TO_DEPTH", block_size=2)
    b.add_elementwise("concat", ["a", "a"], "b", mode="CONCAT")
    b.add_slice("slice", "b", "c", axis="channel", start_index=0, end_index=10, stride=2)
    b.add_reduce("reduce", "c", "d", axis="HW", mode="avg")
    b.add_flatten("flatten", 0, "a", "e")
    b.add_inner_product("fc", W=np.ones((5, 16 * 8 * 10), np.float32), b=None, input_channels=16 * 8 * 10,
                        output_channels=5, has_bias=False, input_name="e", output_name="f")
    b.add_permute("permute", [0, 2, 3, 1], "a", "g")
    b.add_reshape("reshape", "a", "y", target_shape=[16, 80, 1], mode=0)
    shapes = _shapes(save_nn(b, tmp_path / "m.mlmodel"))
    assert shapes["to_depth"] == (16, 8, 10)
    assert shapes["concat"] == (32, 8, 10)
    assert shapes["slice"] == (5, 8, 10)
    assert shapes["reduce"] == (5, 1, 1)
    assert shapes["flatten"] == (1280, 1, 1)
    assert shapes["fc"] == (5, 1, 1)
    assert shapes["permute"] == (8, 10, 16)
    assert shapes["reshape"] == (16, 80, 1)


def test_deconvolution_and_image_inputs(tmp_path: Path) -> None:
    b = nn_builder((3, 10, 12))
    b.add_convolution("deconv", kernel_channels=3, output_channels=4, height=2, width=2, stride_height=2,
                      stride_width=2, border_mode="valid", groups=1, W=np.ones((2, 2, 4, 3), np.float32), b=None,
                      has_bias=False, is_deconv=True, input_name="x", output_name="y")
    b.set_pre_processing_parameters(image_input_names=["x"], is_bgr=False)
    shapes = _shapes(save_nn(b, tmp_path / "m.mlmodel"))
    assert shapes["deconv"] == (4, 20, 24)


def test_rank_n_layers(tmp_path: Path) -> None:
    b = NeuralNetworkBuilder([("x", datatypes.Array(2, 6, 8))], [("y", None)], disable_rank5_shape_mapping=True)
    b.add_transpose("transpose", axes=[0, 2, 1], input_name="x", output_name="t")
    b.add_batched_mat_mul("bmm", input_names=["x", "t"], output_name="m")
    b.add_expand_dims("expand", input_name="m", output_name="e", axes=[1])
    b.add_squeeze("squeeze", input_name="e", output_name="s", axes=[1])
    b.add_concat_nd("concat", input_names=["s", "s"], output_name="c", axis=-1)
    b.add_reshape_static("reshape", input_name="c", output_name="r", output_shape=[2, -1])
    b.add_reduce_sum("sum", input_name="c", output_name="rs", axes=[-1], keepdims=False)
    b.add_batched_mat_mul("proj", input_names=["x"], output_name="p", weight_matrix_rows=8, weight_matrix_columns=3,
                          W=np.ones((8, 3), np.float32))
    b.add_split_nd("split", input_name="x", output_names=["s1", "s2"], axis=1, num_splits=2)
    b.add_activation("y", "RELU", input_name="p", output_name="y")
    b.spec.description.output[0].type.multiArrayType.dataType = FLOAT32
    path = tmp_path / "m.mlmodel"
    ct.utils.save_spec(b.spec, str(path))
    shapes = _shapes(path)
    assert shapes["transpose"] == (2, 8, 6)
    assert shapes["bmm"] == (2, 6, 6)
    assert shapes["expand"] == (2, 1, 6, 6)
    assert shapes["squeeze"] == (2, 6, 6)
    assert shapes["concat"] == (2, 6, 12)
    assert shapes["reshape"] == (2, 72)
    assert shapes["sum"] == (2, 6)
    assert shapes["proj"] == (2, 6, 3)
    assert shapes["split"] == (2, 3, 8)
    assert shapes["y"] == (2, 6, 3)


def test_unknown_layers_stop_propagation_and_bad_parameters_do_not_crash(tmp_path: Path) -> None:
    b = nn_builder((3, 16, 16))
    _conv(b, "conv", "x", "a", 3, 4)
    b.spec.neuralNetwork.layers[-1].convolution.stride[:] = [0, 0]  # malformed: a zero stride
    b.add_activation("after", "RELU", input_name="a", output_name="b")
    b.add_custom("custom", input_names=["x"], output_names=["c"])
    b.add_activation("after_custom", "RELU", input_name="c", output_name="y")
    shapes = _shapes(save_nn(b, tmp_path / "m.mlmodel"))
    assert shapes["conv"] is None and shapes["after"] is None
    assert shapes["custom"] is None and shapes["after_custom"] is None


def test_shapes_a_converter_wrote_win(tmp_path: Path) -> None:
    b = nn_builder((3, 16, 16))
    b.add_activation("relu", "RELU", input_name="x", output_name="y")
    tensor = b.spec.neuralNetwork.layers[0].outputTensor.add()
    tensor.rank = 3
    tensor.dimValue.extend([3, 16, 17])
    assert _shapes(save_nn(b, tmp_path / "m.mlmodel"))["relu"] == (3, 16, 17)
