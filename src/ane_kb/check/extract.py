"""Read a node's parameter values the way the knowledge base's parameter vocabulary says.

Each parameter names, per format and op, an extractor kind: a layer field, an enum field or oneof,
a MIL input (one or several) or a Core AI operand by position, the shape of a named operand (or one axis of it), an operand's origin,
producer, dtype, rank or shape, a constant, or a model property; or a value derived from the graph around the
op (a matrix product's reduction depth, a multiply's broadcasting, a layer input's height and width, what a weight is used as and how
it is quantized, the type its consumers compute in). A value that cannot be read is simply left out,
and the rule evaluation reports it as unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from . import operand_shapes, weight_use
from .graph import Node, input_binding_names, is_const, operand_value
from .mil_values import BlobRef, dtype_of, shape_of

_MISSING = object()
ModelProperty = Callable[[str], Any]
DERIVED: dict[str, Callable[[Node, Mapping[str, Any]], Any]] = {
    "reduction-depth": lambda node, spec: operand_shapes.reduction_depth(node),
    "broadcast": lambda node, spec: operand_shapes.broadcast(node, spec["part"]),
    "input-spatial": lambda node, spec: operand_shapes.input_spatial(node),
    "output-role": lambda node, spec: weight_use.output_role(node),
    "quantization": lambda node, spec: weight_use.quantization(node, spec["part"]),
    "consumer-dtype": lambda node, spec: weight_use.consumer_dtype(node),
}


Step = tuple[str, Callable[[Node, "ModelProperty"], Any], Callable[[Any], Any]]
_PLANS: dict[tuple[int, str, str], list[tuple[str, str, Mapping[str, Any]]]] = {}
_STEPS: dict[tuple[int, str, str, frozenset[str] | None], list[Step]] = {}


def _plan(vocab: Mapping[str, Mapping[str, Any]], fmt: str, op: str) -> list[tuple[str, str, Mapping[str, Any]]]:
    """(name, type, extractor) of every op-level parameter readable for this format and op, computed once."""
    key = (id(vocab), fmt, op)
    if key not in _PLANS:
        plan = []
        for name, param in vocab.items():
            if param.get("scope", "op") != "op":
                continue
            per_op = param.get("extract", {}).get(fmt, {})
            spec = per_op.get(op) or per_op.get("*")
            if spec is not None:
                plan.append((name, param["type"], spec))
        _PLANS[key] = plan
    return _PLANS[key]


def _steps(vocab: Mapping[str, Mapping[str, Any]], fmt: str, op: str, only: frozenset[str] | None) -> list[Step]:
    """(name, read, coerce) for the parameters to extract, each reader made once for its extractor."""
    key = (id(vocab), fmt, op, only)
    if key not in _STEPS:
        _STEPS[key] = [(name, _reader(fmt, spec), _coercer(ptype)) for name, ptype, spec in _plan(vocab, fmt, op)
                       if only is None or name in only]
    return _STEPS[key]


def parameters(node: Node, vocab: Mapping[str, Mapping[str, Any]], model_property: ModelProperty,
               only: frozenset[str] | None = None) -> dict[str, Any]:
    """Every op-level parameter the vocabulary can read for this node (or just those in `only`)."""
    values: dict[str, Any] = {}
    for name, read, coerce in _steps(vocab, node.format, node.op, only):
        value = read(node, model_property)
        if value is not _MISSING and value is not None:
            values[name] = coerce(value)
    return values


def _reader(fmt: str, spec: Mapping[str, Any]) -> Callable[[Node, ModelProperty], Any]:
    """The extractor as a function of the node; the ML Program's commonest ones, an output's dtype, shape or rank,
    read the output's type directly."""
    kind = spec["kind"]
    if kind == "constant":
        value = spec["value"]
        return lambda node, model_property: value
    if fmt == "mlprogram" and kind in ("dtype", "shape", "rank") and "output" in spec and "axis" not in spec:
        index = spec["output"]

        def output_tensor(node: Node, model_property: ModelProperty) -> Any:
            tensor = node.scope.tensor(node.outputs[index]) if index < len(node.outputs) else None
            return _MISSING if tensor is None else _of_tensor(tensor, kind)

        return output_tensor
    return lambda node, model_property: _extract(node, spec, model_property)


def _coercer(ptype: str) -> Callable[[Any], Any]:
    if ptype in ("string", "number"):
        return _same
    return lambda value: _coerce(value, ptype)


def _same(value: Any) -> Any:
    return value


def output_typed(vocab: Mapping[str, Mapping[str, Any]], fmt: str, op: str, names: frozenset[str]) -> bool:
    """Whether every one of `names` is an ML Program op's output dtype, shape or rank, or a constant: the values
    then follow from the op's output types alone."""
    return fmt == "mlprogram" and all(spec["kind"] == "constant" or (spec["kind"] in ("dtype", "shape", "rank")
                                      and "output" in spec and "axis" not in spec)
                                      for name, _, spec in _plan(vocab, fmt, op) if name in names)


def costly(vocab: Mapping[str, Mapping[str, Any]], fmt: str, op: str, names: frozenset[str]) -> frozenset[str]:
    """Those of `names` derived from the graph around the op (its consumers, producers, neighbours' shapes): the
    others are read from the op itself and cost little."""
    return frozenset(name for name, _, spec in _plan(vocab, fmt, op) if name in names and spec["kind"] in DERIVED)


def in_plan_order(vocab: Mapping[str, Mapping[str, Any]], fmt: str, op: str, values: dict[str, Any]) -> dict[str, Any]:
    """The values in the vocabulary's order for the op, whatever order they were extracted in."""
    return {name: values[name] for name, _, _ in _plan(vocab, fmt, op) if name in values}


def _coerce(value: Any, ptype: str) -> Any:
    if ptype.endswith("_list"):
        items = list(value) if isinstance(value, (list, tuple)) else [value]
        return [int(v) if ptype == "int_list" and isinstance(v, float) and v.is_integer() else v for v in items]
    if ptype == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if ptype == "bool" and isinstance(value, int):
        return bool(value)
    return value


def _extract(node: Node, spec: Mapping[str, Any], model_property: ModelProperty) -> Any:
    kind = spec["kind"]
    if kind == "constant":
        return spec["value"]
    if kind == "model-property":
        return model_property(spec["property"])
    if kind in DERIVED:
        value = DERIVED[kind](node, spec)
        return _MISSING if value is None else value
    if node.format == "neuralnetwork":
        value = _nn(node, spec)
    elif node.format == "coreai":
        value = _coreai(node, spec)
    else:
        value = _mil(node, spec)
    return _axis(value, spec["axis"]) if "axis" in spec and value is not _MISSING else value


def _axis(shape: Any, axis: int) -> Any:
    """One axis of a shape, for extractors that name it."""
    if not isinstance(shape, list) or not -len(shape) <= axis < len(shape):
        return _MISSING
    return shape[axis]


def _field(message: Any, path: str) -> Any:
    for part in _parts(path):
        if message is None:
            return _MISSING
        message = getattr(message, part, _MISSING)
        if message is _MISSING:
            return _MISSING
    return message


@lru_cache(maxsize=1024)
def _parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def _nn(node: Node, spec: Mapping[str, Any]) -> Any:
    kind = spec["kind"]
    if kind == "field":
        value = _field(node.raw, spec["path"])
        if hasattr(value, "__len__") and not isinstance(value, (str, bytes)):
            value = list(value)
            if not value and spec.get("fallback_path"):
                fallback = _field(node.raw, spec["fallback_path"])
                value = list(fallback) if fallback is not _MISSING else []
            return value or spec.get("default", _MISSING)
        return value
    if kind == "enum-field":
        parent_path, _, name = spec["path"].rpartition(".")
        parent = _field(node.raw, parent_path)
        if parent is _MISSING:
            return _MISSING
        number = parent.DESCRIPTOR.fields_by_name[name].enum_type.values_by_number.get(getattr(parent, name))
        if number is None:
            return _MISSING  # a value outside the enum (proto3 keeps it): unknown, not a guess
        return spec.get("names", {}).get(number.name, number.name.lower())
    if kind == "oneof":
        message = _field(node.raw, spec["path"])
        which = message.WhichOneof(spec["oneof"]) if message is not _MISSING else None
        return spec.get("names", {}).get(which, which) if which else _MISSING
    if kind == "origin":
        index = spec.get("input_index", 0)
        if index >= len(node.inputs):
            return _MISSING
        return "const" if is_const(node.scope, node.inputs[index]) else "runtime"
    if kind in ("shape", "rank"):
        shape = _nn_shape(node, spec)
        return shape if kind == "shape" or shape is _MISSING else len(shape)
    return _MISSING


def _nn_shape(node: Node, spec: Mapping[str, Any]) -> Any:
    """A layer input's or output's shape: as the converter wrote it into the layer, else as propagated."""
    if "input_index" in spec:
        index = spec["input_index"]
        tensors, names = node.raw.inputTensor, node.inputs
    else:
        index = spec.get("output", 0)
        tensors, names = node.raw.outputTensor, node.outputs
    if index < len(tensors) and tensors[index].rank:
        dims = list(tensors[index].dimValue)
        return dims if dims and all(d > 0 for d in dims) else _MISSING
    if index < len(names) and names[index] in node.scope.shapes:
        return list(node.scope.shapes[names[index]])
    return _MISSING


def _mil(node: Node, spec: Mapping[str, Any]) -> Any:
    kind = spec["kind"]
    if kind == "input":
        found, value = operand_value(node.scope, node, spec["input"])
        if not found:
            return spec.get("default", _MISSING)
        if value is None or isinstance(value, BlobRef):
            return _MISSING
        return value[spec["from_axis"]:] if "from_axis" in spec and isinstance(value, list) else value
    if kind == "inputs":
        parts = []
        for name in spec["inputs"]:
            found, value = operand_value(node.scope, node, name)
            if not found:
                return spec.get("default", _MISSING)
            if value is None or isinstance(value, BlobRef):
                return _MISSING
            parts.extend(value if isinstance(value, list) else [value])
        return parts
    if kind == "origin":
        names = input_binding_names(node, spec["input"]) if "input" in spec else mil_positional_input(node, spec.get("input_index", 0))
        if "input" in spec and not names and spec["input"] in (node.raw.inputs if node.bindings is None else node.bindings):
            return "const"
        return _MISSING if not names else ("const" if all(is_const(node.scope, n) for n in names) else "runtime")
    tensor = _operand_tensor(node, spec)
    if tensor is None:
        return _MISSING
    if kind in ("dtype", "shape", "rank"):
        return _of_tensor(tensor, kind)
    shape = tensor[1]
    if shape is None:
        return _MISSING
    if kind == "input-shape":
        return list(shape[spec.get("from_axis", 0):])
    if kind == "matmul-reduction":
        return _reduction(node, spec, list(shape))
    return _MISSING


def _of_tensor(tensor: tuple[str | None, tuple[int, ...] | None], kind: str) -> Any:
    """An operand's dtype, static shape or rank from its (dtype, shape), or _MISSING."""
    dtype, shape = tensor
    if kind == "dtype":
        return dtype or _MISSING
    if shape is None:
        return _MISSING
    return list(shape) if kind == "shape" else len(shape)


def _reduction(node: Node, spec: Mapping[str, Any], shape: list[int]) -> Any:
    """The reduction depth of a matrix product: the operand's last axis, or the one before it when transposed."""
    found, flag = operand_value(node.scope, node, spec["transpose"])
    transposed = bool(flag) if found else False
    if found and flag is None or not shape:
        return _MISSING
    axis = -2 if transposed and len(shape) >= 2 else -1
    return [shape[axis]] if shape[axis] > 0 else _MISSING


def _operand_tensor(node: Node, spec: Mapping[str, Any]) -> tuple[str | None, tuple[int, ...] | None] | None:
    """(dtype, static shape) of the operand an extractor names: an output, a named input or the positional one."""
    if "output" in spec:
        index = spec["output"]
        return node.scope.tensor(node.outputs[index]) if index < len(node.outputs) else None
    if "input" in spec:
        names = input_binding_names(node, spec["input"])
        if not names:  # an inline value, or no such input
            arguments = node.raw.inputs[spec["input"]].arguments if spec["input"] in node.raw.inputs else ()
            binding = arguments[0] if arguments else None
            if binding is None or binding.WhichOneof("binding") != "value":
                return None
            return dtype_of(binding.value.type), shape_of(binding.value.type)
    else:
        names = mil_positional_input(node, spec.get("input_index", 0))
    return node.scope.tensor(names[0]) if names else None


def _coreai(node: Node, spec: Mapping[str, Any]) -> Any:
    """Core AI operands are positional (conv2d: input, weight, stride, dilation, groups), and what the
    other formats keep as attributes are constant operands."""
    kind = spec["kind"]
    if kind in ("input", "origin", "producer"):
        index = spec.get("input_index", 0)
        if index >= len(node.inputs):
            return spec.get("default", _MISSING)
        operand = node.inputs[index]
        if kind == "origin":
            return "const" if operand in node.scope.consts else "runtime"
        if kind == "producer":
            return node.scope.producers.get(operand, _MISSING)
        value = node.scope.consts.get(operand)
        if value is None:
            return _MISSING
        return _derive(value, spec["derive"]) if "derive" in spec else value
    if "output" in spec:
        names = node.outputs[spec["output"]:spec["output"] + 1]
    else:
        names = node.inputs[spec.get("input_index", 0):spec.get("input_index", 0) + 1]
    operand_type = node.scope.types.get(names[0]) if names else None
    if not isinstance(operand_type, dict):
        return _MISSING
    if kind == "dtype":
        return operand_type.get("dtype") or _MISSING
    shape = operand_type.get("shape")
    if shape is None:
        return _MISSING
    if kind == "rank":
        return len(shape)
    if any(d < 0 for d in shape):
        return _MISSING
    if kind == "shape":
        return list(shape)
    if kind == "input-shape":
        return list(shape[spec.get("from_axis", 0):])
    return _MISSING


def _derive(value: Any, how: str) -> Any:
    if how == "largest-prime-factor":
        items = value if isinstance(value, list) else [value]
        return [largest_prime_factor(int(v)) for v in items if isinstance(v, (int, float))]
    return _MISSING


def largest_prime_factor(n: int) -> int:
    """1 for 0 and 1; otherwise the largest prime dividing n."""
    n, best, p = abs(n), 1, 2
    while n > 1 and p * p <= n:
        while n % p == 0:
            best, n = p, n // p
        p += 1
    return max(best, n) if n > 1 else best


PRIMARY_INPUTS = ("x", "input", "query", "data", "a")


def mil_positional_input(node: Node, index: int) -> list[str]:
    """The operand a MIL op's "first input" means: its main tensor (`x` and the like), not a parameter.

    MIL inputs are a map, so position comes from the op's conventions: the main tensor first, then the
    other runtime operands in name order."""
    inputs = node.bindings if node.bindings is not None else {
        name: input_binding_names(node, name) for name in node.raw.inputs}
    primary = [name for name in PRIMARY_INPUTS if name in inputs]
    if index < len(primary):  # the main tensor: no need to order the rest
        return input_binding_names(node, primary[index])[:1]
    runtime = sorted(name for name, bound in inputs.items() if name not in primary
                     and any(not is_const(node.scope, b) for b in bound))
    ordered = primary + runtime
    if index >= len(ordered):
        return []
    return input_binding_names(node, ordered[index])[:1]
