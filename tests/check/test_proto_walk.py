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
    from ane_kb.check.graph import _Encoded, walk
    from ane_kb.check.mil_values import decode, dtype_of, shape_of
    from tests.check.models import mil_conv_pool

    spec = ct.utils.load_spec(str(mil_conv_pool(tmp_path / "m.mlpackage", dilation=2)))
    nodes = list(walk(spec))
    scope = nodes[0].scope
    consts = [n for n in nodes if n.is_const]
    assert consts and all(type(dict.__getitem__(scope.consts, n.name)) is _Encoded for n in consts)
    conv = next(n for n in nodes if n.op == "conv")
    [dilations] = conv.bindings["dilations"]
    assert scope.consts.get(dilations) == [2, 2] == scope.consts[dilations]  # decoded, then kept decoded
    assert dict.__getitem__(scope.consts, dilations) == [2, 2]
    assert {name: value for name, value in scope.consts.items()} == {
        n.name: decode(n.raw.attributes["val"]) for n in consts}
    assert scope.consts.get("no such value", "absent") == "absent"
    out = conv.outputs[0]
    assert scope.tensor(out) == (dtype_of(scope.types[out]), shape_of(scope.types[out])) == ("fp16", (1, 8, 32, 32))
    assert scope.tensor(out) is scope.tensor(out) and scope.tensor("no such value") is None
