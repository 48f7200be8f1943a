"""The pruned walk for WeightParams finds what a walk of every nested message finds, in the same order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ane_kb.check.proto_walk import messages_of_type
from ane_kb.check.weights import NESTED_NETWORKS, _packed_floats
from tests.check.models import ct, nn_custom, nn_lstm_pool, nn_nested, nn_with_weights


def every_nested(message: Any, stop: frozenset[str]) -> Iterator[tuple[str, Any]]:
    """The reference: every nested message, entering all of them but the `stop` types, in the walk's order."""
    stack: list[tuple[str, Any]] = [("", message)]
    while stack:
        prefix, current = stack.pop()
        found = []
        for descriptor, value in current.ListFields():
            kind = descriptor.message_type
            if kind is None:
                continue
            name = prefix + descriptor.name
            if kind.GetOptions().map_entry:
                if kind.fields_by_name["value"].message_type is not None:
                    found += [(f"{name}[{key!r}]", value[key]) for key in sorted(value)]
            elif hasattr(value, "ListFields"):
                found.append((name, value))
            else:
                found += [(f"{name}[{i}]", item) for i, item in enumerate(value)]
        yield from found
        stack += [(path + ".", item) for path, item in reversed(found) if item.DESCRIPTOR.name not in stop]


@pytest.mark.parametrize("build", [nn_custom, nn_lstm_pool, nn_nested, lambda p: nn_with_weights(p, [1.0, 2e5])])
def test_the_weights_found_are_those_of_a_full_walk(tmp_path: Path, build: Any) -> None:
    spec = ct.utils.load_spec(str(build(tmp_path / "model.mlmodel")))
    layers = spec.neuralNetwork.layers
    found_any = False
    for layer in layers:
        expected = [(path, item) for path, item in every_nested(layer, NESTED_NETWORKS)
                    if item.DESCRIPTOR.name == "WeightParams"]
        got = list(messages_of_type(layer, "WeightParams", NESTED_NETWORKS))
        assert [p for p, _ in got] == [p for p, _ in expected]
        assert all(a is b or a == b for (_, a), (_, b) in zip(got, expected))
        found_any = found_any or bool(got)
    assert found_any


def test_a_repeated_float_field_is_read_from_its_serialized_bytes() -> None:
    from array import array

    from coremltools.proto import NeuralNetwork_pb2

    weights = NeuralNetwork_pb2.WeightParams()
    weights.floatValue.extend([1.5, -70000.0, 2.0 ** -20] * 100)
    weights.float16Value = b"\x00\x3c"  # another field after it changes nothing
    packed = _packed_floats(weights, len(weights.floatValue))
    assert packed is not None and array("f", packed.tobytes()).tolist() == list(weights.floatValue)
    assert _packed_floats(weights, len(weights.floatValue) + 1) is None  # a length that disagrees is not trusted
    assert _packed_floats(NeuralNetwork_pb2.WeightParams(float16Value=b"\x00\x3c"), 0) is None


def test_ml_program_constants_are_decoded_on_first_use_and_types_read_once(tmp_path: Path) -> None:
    from ane_kb.check.graph import walk
    from ane_kb.check.mil_values import decode, dtype_of, shape_of
    from tests.check.models import mil_conv_pool

    spec = ct.utils.load_spec(str(mil_conv_pool(tmp_path / "m.mlpackage", dilation=2)))
    nodes = list(walk(spec))
    scope = nodes[0].scope
    consts = [n for n in nodes if n.is_const]
    assert consts and not any(scope.consts.decoded(n.name) for n in consts)
    conv = next(n for n in nodes if n.op == "conv")
    [dilations] = conv.bindings["dilations"]
    assert scope.consts.get(dilations) == [2, 2] == scope.consts[dilations]  # decoded, then kept decoded
    assert scope.consts.decoded(dilations) and dict.__getitem__(scope.consts, dilations) == [2, 2]
    assert {name: value for name, value in scope.consts.items()} == {
        n.name: decode(n.raw.attributes["val"]) for n in consts}
    assert scope.consts.get("no such value", "absent") == "absent"
    out = conv.outputs[0]
    assert scope.tensor(out) == (dtype_of(scope.types[out]), shape_of(scope.types[out])) == ("fp16", (1, 8, 32, 32))
    assert scope.tensor(out) is scope.tensor(out) and scope.tensor("no such value") is None


def _raw_operands(node: Any, names: list[str]) -> list[Any]:
    from ane_kb.check.graph import operand_value

    bindings, node.bindings = node.bindings, None  # without them, operand_value reads the op itself
    try:
        return [operand_value(node.scope, node, name) for name in names]
    finally:
        node.bindings = bindings


def test_an_operand_read_through_the_bindings_is_the_one_the_op_holds(tmp_path: Path) -> None:
    from ane_kb.check.graph import operand_value, walk
    from tests.check.models import mil_conv_pool, mil_nested

    spec = ct.utils.load_spec(str(mil_conv_pool(tmp_path / "m.mlpackage", dilation=2)))
    conv_op = next(op for op in spec.mlProgram.functions["main"].block_specializations["CoreML6"].operations
                   if op.type == "conv")
    const_op = next(op for op in spec.mlProgram.functions["main"].block_specializations["CoreML6"].operations
                    if op.outputs[0].name == conv_op.inputs["strides"].arguments[0].name)
    conv_op.inputs["strides"].arguments[0].value.CopyFrom(const_op.attributes["val"])  # now an inline value
    nested = ct.utils.load_spec(str(mil_nested(tmp_path / "n.mlpackage")))
    checked = 0
    for node in [n for s in (spec, nested) for n in walk(s) if not n.is_const]:
        names = [*node.raw.inputs, "no such input"]
        assert [operand_value(node.scope, node, name) for name in names] == _raw_operands(node, names)
        checked += len(names)
    conv = next(n for s in (spec,) for n in walk(s) if n.op == "conv")
    assert conv.inline == ("strides",) and conv.bindings["strides"] == []
    assert operand_value(conv.scope, conv, "strides") == (True, [1, 1])
    assert operand_value(conv.scope, conv, "dilations") == (True, [2, 2])
    assert checked > 10


def test_equal_small_constants_are_decoded_once_and_big_ones_each_time() -> None:
    from ane_kb.check.mil_values import _SHARED_BYTES, decode_shared
    from ane_kb.check.proto import modules

    mil = modules().MIL_pb2

    def ints(values: list[int]) -> Any:
        value = mil.Value()
        value.type.tensorType.dataType = mil.INT32
        value.type.tensorType.rank = 1
        value.type.tensorType.dimensions.add().constant.size = len(values)
        value.immediateValue.tensor.ints.values.extend(values)
        return value

    small, big = [1, 2], list(range(_SHARED_BYTES))
    assert decode_shared(ints(small)) == small and decode_shared(ints(small)) is decode_shared(ints(small))
    assert decode_shared(ints(big)) == big and decode_shared(ints(big)) is not decode_shared(ints(big))
