"""The reduction depth of a matrix product (`matmul_inner_dim`), with every combination of the transpose flags, in
both formats; a flexible axis elsewhere does not hide it, and a flexible contracted axis leaves it unknown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ane_kb.check.graph import walk
from ane_kb.check.operand_shapes import reduction_depth
from ane_kb.check.readers import read_model
from tests.check.models import FLOAT32, ct, datatypes, mb, mil_save, np
from coremltools.models.neural_network import NeuralNetworkBuilder

M, K, N = 4, 24, 6  # x is (M, K) and y is (K, N) before any transpose: only K is the depth


def _depth(path: Path, name: str) -> int | None:
    """The depth of the one matrix product, named `name` (the fp16 pass renames ML Program ops `name_cast_fp16`)."""
    [node] = [n for n in walk(read_model(path).spec) if n.op in ("matmul", "batchedMatmul")]
    assert node.name in (name, f"{name}_cast_fp16")
    return reduction_depth(node)


FLAGS = [(False, False), (True, False), (False, True), (True, True)]


@pytest.mark.parametrize(("tx", "ty"), FLAGS)
def test_mil_matmul_honours_both_transpose_flags(tmp_path: Path, tx: bool, ty: bool) -> None:
    x_shape = (1, K, M) if tx else (1, M, K)
    y_shape = (1, N, K) if ty else (1, K, N)

    @mb.program(input_specs=[mb.TensorSpec(shape=x_shape), mb.TensorSpec(shape=y_shape)], opset_version=ct.target.iOS16)
    def prog(x: Any, y: Any) -> Any:
        return mb.matmul(x=x, y=y, transpose_x=tx, transpose_y=ty, name="mm")

    assert _depth(mil_save(prog, tmp_path / "mm.mlpackage"), "mm") == K


def test_a_flexible_sequence_does_not_hide_the_depth(tmp_path: Path) -> None:
    """Attention scores: queries (1, S, K) times keys (1, S, K) transposed, S flexible as in a language model. Both
    operands have a symbolic axis; the contracted one, K, is fixed, and it is the depth."""
    seq = ct.RangeDim(1, 512, default=8)

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, seq.symbol, K)), mb.TensorSpec(shape=(1, seq.symbol, K))],
                opset_version=ct.target.iOS16)
    def prog(q: Any, k: Any) -> Any:
        return mb.matmul(x=q, y=k, transpose_y=True, name="scores")

    model = ct.convert(prog, convert_to="mlprogram", minimum_deployment_target=ct.target.iOS16,
                       inputs=[ct.TensorType(name="q", shape=(1, seq, K)), ct.TensorType(name="k", shape=(1, seq, K))])
    model.save(str(tmp_path / "scores.mlpackage"))
    assert _depth(tmp_path / "scores.mlpackage", "scores") == K


def test_a_flexible_contracted_axis_leaves_the_depth_unknown(tmp_path: Path) -> None:
    """Attention weights (1, S, S) times values (1, S, D), S flexible: the depth is S, not known from the file."""
    seq = ct.RangeDim(1, 512, default=8)

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, seq.symbol, seq.symbol)), mb.TensorSpec(shape=(1, seq.symbol, N))],
                opset_version=ct.target.iOS16)
    def prog(w: Any, v: Any) -> Any:
        return mb.matmul(x=w, y=v, name="attend")

    model = ct.convert(prog, convert_to="mlprogram", minimum_deployment_target=ct.target.iOS16,
                       inputs=[ct.TensorType(name="w", shape=(1, seq, seq)), ct.TensorType(name="v", shape=(1, seq, N))])
    model.save(str(tmp_path / "attend.mlpackage"))
    assert _depth(tmp_path / "attend.mlpackage", "attend") is None


@pytest.mark.parametrize(("ta", "tb"), FLAGS)
def test_neuralnetwork_batched_matmul_honours_both_transpose_flags(tmp_path: Path, ta: bool, tb: bool) -> None:
    a_shape = (1, K, M) if ta else (1, M, K)
    b_shape = (1, N, K) if tb else (1, K, N)
    builder = NeuralNetworkBuilder([("a", datatypes.Array(*a_shape)), ("b", datatypes.Array(*b_shape))], [("y", None)],
                                   disable_rank5_shape_mapping=True)
    builder.add_batched_mat_mul("bmm", input_names=["a", "b"], output_name="y", transpose_a=ta, transpose_b=tb)
    builder.spec.description.output[0].type.multiArrayType.dataType = FLOAT32
    ct.utils.save_spec(builder.spec, str(tmp_path / "bmm.mlmodel"))
    assert _depth(tmp_path / "bmm.mlmodel", "bmm") == K


def test_neuralnetwork_batched_matmul_with_a_weight(tmp_path: Path) -> None:
    builder = NeuralNetworkBuilder([("a", datatypes.Array(1, M, K))], [("y", None)], disable_rank5_shape_mapping=True)
    builder.add_batched_mat_mul("proj", input_names=["a"], output_name="y", weight_matrix_rows=K,
                                weight_matrix_columns=N, W=np.ones((K, N), np.float32))
    builder.spec.description.output[0].type.multiArrayType.dataType = FLOAT32
    ct.utils.save_spec(builder.spec, str(tmp_path / "proj.mlmodel"))
    assert _depth(tmp_path / "proj.mlmodel", "proj") == K
