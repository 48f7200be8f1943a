"""Every layer or op of a model, in execution order, with what extraction needs to read its parameters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .mil_values import BlobRef, decode, decode_shared, dtype_of, shape_of, tensor_of
from .printable import printable
from .readers import ModelInputError
from .nn_shapes import EXACT_ARRAY_MAPPING, input_shapes, propagate

NN_TYPES = ("neuralNetwork", "neuralNetworkClassifier", "neuralNetworkRegressor")
PIPELINE_TYPES = {"pipeline": "pipeline", "pipelineClassifier": "pipeline", "pipelineRegressor": "pipeline"}
CONST_OPS = ("const",)


class Consts(dict):  # type: ignore[type-arg]
    """Constant values by name. An ML Program constant is kept as its `const` op and its value decoded on first
    use: most of a big graph's constants (strides, pad types, weights) are never read, and `name in consts` needs
    no value (a `const` op with no `val` is a constant of unknown value, None)."""

    def put_op(self, name: str, op: Any) -> None:
        dict.__setitem__(self, name, _Pending(op))

    def __getitem__(self, name: str) -> Any:
        value = dict.__getitem__(self, name)
        if type(value) is _Pending:
            attributes = value.op.attributes
            value = decode_shared(attributes["val"]) if "val" in attributes else None
            dict.__setitem__(self, name, value)
        return value

    def decoded(self, name: str) -> bool:
        """Whether a constant's value has been read already (so looking at it costs nothing)."""
        return type(dict.get(self, name)) is not _Pending

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default

    def values(self) -> Any:
        return [self[name] for name in self]

    def items(self) -> Any:
        return [(name, self[name]) for name in self]


class _Pending:
    __slots__ = ("op",)

    def __init__(self, op: Any) -> None:
        self.op = op


@dataclass
class Scope:
    """What the ops of one network or function share: constants, operand types and producers."""

    format: str
    spec: Any
    consts: Consts = field(default_factory=Consts)
    types: dict[str, Any] = field(default_factory=dict)
    producers: dict[str, str] = field(default_factory=dict)
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    consumers: dict[str, list[tuple[Node, str]]] = field(default_factory=dict)
    tensors: dict[str, tuple[str | None, tuple[int, ...] | None]] = field(default_factory=dict)

    def tensor(self, name: str) -> tuple[str | None, tuple[int, ...] | None] | None:
        """(dtype, static shape or None) of an ML Program value, read from its type once: an op's output type is
        asked for by the op and by every op that reads it."""
        found = self.tensors.get(name)
        if found is None:
            value_type = self.types.get(name)
            if value_type is None:
                return None
            found = self.tensors[name] = tensor_of(value_type)
        return found

    def uses(self, name: str) -> list[tuple[Node, str]]:
        """The nodes that read value `name`, each with the input it is bound to (a NeuralNetwork input's index)."""
        return self.consumers.get(name, [])


@dataclass(slots=True, eq=False)
class Node:
    format: str
    op: str
    name: str
    path: str
    raw: Any
    scope: Scope
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    is_const: bool = False
    source: str | None = None
    bindings: dict[str, list[str]] | None = None  # ML Program: each input's named operands, read once by the walk
    inline: tuple[str, ...] = ()  # ML Program: the inputs that bind an inline value (not in `bindings`)
    weights: list[tuple[str, Any]] | None = None  # NeuralNetwork: the layer's weight fields, found on first use


def model_kind(spec: Any) -> str:
    kind = spec.WhichOneof("Type")
    if kind in NN_TYPES:
        return "neuralnetwork"
    if kind == "mlProgram":
        return "mlprogram"
    if kind in PIPELINE_TYPES:
        return "pipeline"
    return "other"


def formats(spec: Any) -> list[str]:
    """The model formats in a spec (a pipeline's, of every model in it)."""
    kind = model_kind(spec)
    if kind in ("neuralnetwork", "mlprogram"):
        return [kind]
    return sorted({f for model in sub_models(spec) for f in formats(model)})


def sub_models(spec: Any) -> list[Any]:
    kind = spec.WhichOneof("Type")
    if kind == "pipeline":
        return list(spec.pipeline.models)
    if kind in ("pipelineClassifier", "pipelineRegressor"):
        return list(getattr(spec, kind).pipeline.models)
    return []


def walk(spec: Any, path: str = "") -> Iterator[Node]:
    """Nodes of a model and, for a pipeline, of every model in it (path `models[i]/...`)."""
    kind = model_kind(spec)
    if kind == "neuralnetwork":
        network = getattr(spec, spec.WhichOneof("Type"))
        scope = Scope("neuralnetwork", spec, shapes=input_shapes(spec, network))
        propagate(network.layers, scope.shapes, network.arrayInputShapeMapping == EXACT_ARRAY_MAPPING)
        yield from _walk_nn(network.layers, scope, path)
    elif kind == "mlprogram":
        yield from _walk_mil(spec, path)
    elif kind == "pipeline":
        for i, model in enumerate(sub_models(spec)):
            yield from walk(model, f"{path}models[{i}]")


def _join(path: str, part: str) -> str:
    return f"{path}/{part}" if path else part


def _walk_nn(layers: Any, scope: Scope, path: str) -> Iterator[Node]:
    for layer in layers:
        kind = layer.WhichOneof("layer") or "unknown"
        node = Node("neuralnetwork", kind, layer.name, path, layer, scope, list(layer.input), list(layer.output))
        for index, name in enumerate(layer.input):
            scope.consumers.setdefault(name, []).append((node, str(index)))
        for out in layer.output:
            scope.producers[out] = kind
        yield node
        if kind == "loop":
            yield from _walk_nn(layer.loop.conditionNetwork.layers, scope, _join(path, f"{layer.name}/condition"))
            yield from _walk_nn(layer.loop.bodyNetwork.layers, scope, _join(path, f"{layer.name}/body"))
        elif kind == "branch":
            yield from _walk_nn(layer.branch.ifBranch.layers, scope, _join(path, f"{layer.name}/if"))
            yield from _walk_nn(layer.branch.elseBranch.layers, scope, _join(path, f"{layer.name}/else"))


def _walk_mil(spec: Any, path: str) -> Iterator[Node]:
    functions = spec.mlProgram.functions
    for fname in sorted(functions, key=lambda n: (n != "main", n)):
        function = functions[fname]
        scope = Scope("mlprogram", spec)
        for named in function.inputs:
            scope.types[named.name] = named.type
            scope.producers[named.name] = "input"
        fpath = path if len(functions) == 1 else _join(path, f"functions[{fname}]")
        blocks = function.block_specializations
        if not blocks:
            raise ModelInputError("no_block", function=printable(fname))
        block = blocks[function.opset] if function.opset in blocks else blocks[sorted(blocks)[0]]
        yield from _walk_block(block, scope, fpath)


def _walk_block(block: Any, scope: Scope, path: str) -> Iterator[Node]:
    for named in getattr(block, "inputs", ()):
        scope.types[named.name] = named.type
    consumers = scope.consumers
    for op in block.operations:
        op_type = op.type
        outputs = _outputs(op, op_type, scope)
        if op_type in CONST_OPS:
            yield _const_node(op, op_type, outputs, scope, path)
            continue
        bindings, inline = _bindings(op.inputs)
        inputs = [bound for names in bindings.values() for bound in names]
        name = outputs[0] if outputs else op_type
        node = Node("mlprogram", op_type, name, path, op, scope, inputs, outputs, bindings=bindings, inline=inline)
        for input_name, names in bindings.items():
            for bound in names:
                consumers.setdefault(bound, []).append((node, input_name))
        yield node
        if op.blocks:
            for i, nested in enumerate(op.blocks):
                yield from _walk_block(nested, scope, _join(path, f"{name}/block{i}"))


def _outputs(op: Any, op_type: str, scope: Scope) -> list[str]:
    """The names of an op's outputs, each with its type and producer recorded. Most ops have one output, read by
    index: iterating a protobuf container costs more than indexing it."""
    outs = op.outputs
    names = []
    for out in (outs[0],) if len(outs) == 1 else outs:
        name = out.name
        names.append(name)
        scope.types[name] = out.type
        scope.producers[name] = op_type
    return names


def _const_node(op: Any, op_type: str, outputs: list[str], scope: Scope, path: str) -> Node:
    """A constant, its value left in the op until something reads it (`Consts`)."""
    if not outputs:
        return Node("mlprogram", op_type, op_type, path, op, scope, [], [], is_const=True)
    scope.consts.put_op(outputs[0], op)
    return Node("mlprogram", op_type, outputs[0], path, op, scope, [], outputs, is_const=True)


def _bindings(inputs: Any) -> tuple[dict[str, list[str]], tuple[str, ...]]:
    """Each input's named operands, and the inputs that bind an inline value too (a binding to an inline value
    has no name). Most inputs bind one operand, read by index: iterating protobuf containers costs more than
    indexing them."""
    bindings: dict[str, list[str]] = {}
    inline: tuple[str, ...] = ()
    for input_name in inputs:
        arguments = inputs[input_name].arguments
        if len(arguments) == 1:
            bound = arguments[0].name
            bindings[input_name] = [bound] if bound else []
            if not bound:
                inline += (input_name,)
        else:
            bound_names = bindings[input_name] = [b.name for b in arguments if b.name]
            if len(bound_names) < len(arguments):
                inline += (input_name,)
    return bindings, inline


def release(nodes: list[Node]) -> None:
    """Break the graph's reference cycles (a node names its scope, the scope's consumers name the node), so that
    a checked graph is freed as soon as it is dropped, not by a pass of the cycle collector over every object."""
    for scope in {id(node.scope): node.scope for node in nodes}.values():
        scope.consumers.clear()


def operand_type(scope: Scope, name: str) -> Any | None:
    return scope.types.get(name)


def operand_value(scope: Scope, node: Node, input_name: str) -> tuple[bool, Any]:
    """(found, value) of a MIL op input: a constant's value, or (True, None) for a runtime operand."""
    if node.bindings is not None and input_name not in node.inline:  # named operands only: no need of the op
        names = node.bindings.get(input_name)
        if names is None:
            return False, None
        consts = scope.consts
        if not all(name in consts for name in names):
            return True, None
        values = [consts[name] for name in names]
        return True, values[0] if len(values) == 1 else values
    if input_name not in node.raw.inputs:
        return False, None
    values = []
    for binding in node.raw.inputs[input_name].arguments:
        if binding.WhichOneof("binding") == "value":
            values.append(decode(binding.value))
        elif binding.name in scope.consts:
            values.append(scope.consts[binding.name])
        else:
            return True, None
    return True, values[0] if len(values) == 1 else values


def input_binding_names(node: Node, input_name: str) -> list[str]:
    if node.bindings is not None:
        return node.bindings.get(input_name, [])
    if input_name not in node.raw.inputs:
        return []
    return [b.name for b in node.raw.inputs[input_name].arguments if b.WhichOneof("binding") == "name"]


def is_const(scope: Scope, name: str) -> bool:
    return name in scope.consts or scope.producers.get(name, "").startswith("constexpr_") or \
        scope.producers.get(name) in ("loadConstant", "loadConstantND")


__all__ = ["BlobRef", "Node", "Scope", "dtype_of", "release", "shape_of", "walk"]
