"""The text of a compiled ML Program (model.mil), parsed with the grammar in mil.lark into the same
`MIL_pb2.Program` an .mlpackage holds, so every check reads both forms the same way.

Lark is imported on first use (`pip install 'ane-kb[check]'`). A text the grammar does not accept raises
MilSyntaxError with the line and column.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast

from ..proto import ProtoUnavailable, modules

GRAMMAR = Path(__file__).with_name("mil.lark")

OPSETS = {"ios15": "CoreML5", "ios16": "CoreML6", "ios17": "CoreML7", "ios18": "CoreML8", "ios26": "CoreML9"}
SPEC_VERSIONS = {"CoreML5": 6, "CoreML6": 7, "CoreML7": 8, "CoreML8": 9, "CoreML9": 10}
DATA_TYPES = {"bool": "BOOL", "string": "STRING", "fp16": "FLOAT16", "fp32": "FLOAT32", "fp64": "FLOAT64",
              "bf16": "BFLOAT16", "fp8e4m3fn": "FLOAT8E4M3FN", "fp8e5m2": "FLOAT8E5M2", "int4": "INT4", "int8": "INT8",
              "int16": "INT16", "int32": "INT32", "int64": "INT64", "uint1": "UINT1", "uint2": "UINT2", "uint3": "UINT3",
              "uint4": "UINT4", "uint6": "UINT6", "uint8": "UINT8", "uint16": "UINT16", "uint32": "UINT32",
              "uint64": "UINT64"}
COMPOUND = ("tensor", "list", "tuple", "dict", "state")
_PACKED = {"fp16": "e", "int8": "b", "uint8": "B", "int16": "h", "uint16": "H"}
_LONG = ("int64", "uint32", "uint64")


class MilSyntaxError(ValueError):
    """model.mil is not a program this grammar reads; the message gives line, column and what was found."""


@dataclass(frozen=True)
class MilType:
    """A type as written: `fp32`, or a name with arguments (`tensor<fp32, [1, ?]>`, `dict<K, V>` ...)."""

    name: str
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Shape:
    dims: tuple[int | str | None, ...] | None  # None: any rank (`*`); a dimension None is `?`, a str is a symbol


@dataclass(frozen=True)
class Typed:
    """A value as written: its type and its literal (a number, string, bool, nested list or dict entries)."""

    type: MilType
    literal: Any


@dataclass(frozen=True)
class Blob:
    path: str
    offset: int


@dataclass
class Parsed:
    """What the text says beyond the Program: its version and the paths of the weight files it names."""

    version: str
    blob_paths: list[str] = field(default_factory=list)


@cache
def _parser() -> Any:
    try:
        from lark import Lark
    except ImportError:
        raise ProtoUnavailable("ane-kb check needs Lark to read a compiled ML Program: pip install 'ane-kb[check]'") \
            from None
    return Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", maybe_placeholders=False,
                propagate_positions=False)


def parse(text: str) -> tuple[Any, Parsed]:
    """(MIL_pb2.Program, Parsed) for the text of a model.mil."""
    from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

    try:
        tree = _parser().parse(text)
    except UnexpectedEOF:
        raise MilSyntaxError("the text ends before the program does (truncated?)") from None
    except UnexpectedToken as exc:
        if exc.token.type == "$END":
            raise MilSyntaxError("the text ends before the program does (truncated?)") from None
        found = repr(str(exc.token)[:40])
        raise MilSyntaxError(f"line {exc.line}, column {exc.column}: unexpected {found}") from None
    except UnexpectedCharacters as exc:
        raise MilSyntaxError(f"line {exc.line}, column {exc.column}: unexpected character {exc.char!r}") from None
    except (UnexpectedInput, LarkError) as exc:
        raise MilSyntaxError(str(exc).splitlines()[0][:200]) from None
    parsed = Parsed(version=str(tree.children[0]))
    try:
        return _Builder(parsed).program(tree), parsed
    except (TypeError, AttributeError, IndexError, OverflowError, struct.error) as exc:
        raise MilSyntaxError(f"a value does not fit its type ({exc})") from None


class _Builder:
    """Walks the parse tree into MIL_pb2 messages."""

    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed
        self.pb = modules().MIL_pb2

    # -- program structure ---------------------------------------------------------------------------
    def program(self, tree: Any) -> Any:
        program = self.pb.Program()
        program.version = int(self.parsed.version.split(".")[0])
        for child in tree.children[1:]:
            if child.data == "attributes":
                self._attributes(child, program.attributes)
            else:
                self._function(child, program)
        return program

    def _function(self, tree: Any, program: Any) -> None:
        children = list(tree.children)
        name = str(children.pop(0))
        function = program.functions[name]
        opset = "CoreML5"
        for child in children:
            if _is(child, "opset"):
                opset = OPSETS.get(str(child.children[0]).lower(), str(child.children[0]))
            elif _is(child, "param"):
                function.inputs.append(self._named(child))
            elif _is(child, "attributes"):
                self._attributes(child, function.attributes)
            elif _is(child, "body"):
                self._body(child, function.block_specializations[opset])
        function.opset = opset

    def _body(self, tree: Any, block: Any) -> None:
        for child in tree.children:
            if _is(child, "statement"):
                self._statement(child, block.operations.add())
            else:
                block.outputs.append(str(child))

    def _statement(self, tree: Any, op: Any) -> None:
        for child in tree.children:
            if _is(child, "outputs"):
                op.outputs.extend(self._named(param) for param in child.children)
            elif not hasattr(child, "data"):
                op.type = str(child)
            elif child.data == "argument":
                self._argument(child, op.inputs)
            elif child.data == "attributes":
                self._attributes(child, op.attributes)
            elif child.data == "block":
                self._block(child, op.blocks.add())

    def _block(self, tree: Any, block: Any) -> None:
        for child in tree.children:
            if _is(child, "param"):
                block.inputs.append(self._named(child))
            elif _is(child, "body"):
                self._body(child, block)

    def _argument(self, tree: Any, inputs: Any) -> None:
        name, binding = tree.children
        argument = inputs[str(name)]
        for item in (binding.children if _is(binding, "bindings") else [binding]):
            added = argument.arguments.add()
            if _is(item, "name_binding"):
                added.name = str(item.children[0])
            elif _is(item, "untyped"):
                added.value.CopyFrom(self.value(_implied([self._literal(c) for c in item.children])))
            else:
                added.value.CopyFrom(self.value(self._typed(item)))

    def _attributes(self, tree: Any, target: Any) -> None:
        for attribute in tree.children:
            name, value = attribute.children
            target[str(name)].CopyFrom(self.value(self._typed(value)))

    def _named(self, tree: Any) -> Any:
        type_tree, name = tree.children
        named = self.pb.NamedValueType(name=str(name))
        named.type.CopyFrom(self.value_type(self._type(type_tree)))
        return named

    # -- types and values as written ------------------------------------------------------------------
    def _type(self, tree: Any) -> MilType:
        name, *args = tree.children
        return MilType(str(name), tuple(self._type_argument(a) for a in args))

    def _type_argument(self, tree: Any) -> Any:
        if tree.data == "type":
            return self._type(tree)
        if tree.data == "length":
            return int(tree.children[0])
        if tree.data == "unknown_length":
            return None
        if tree.data == "any_rank":
            return Shape(None)
        return Shape(tuple(_dimension(d) for d in tree.children))

    def _typed(self, tree: Any) -> Typed | Blob:
        first = tree.children[0]
        if _is(first, "blobfile"):
            return self._blob(first)
        return Typed(self._type(first), [self._literal(item) for item in tree.children[1:]])

    def _blob(self, tree: Any) -> Blob:
        fields: dict[str, Any] = {}
        for argument in tree.children:
            name, value = argument.children
            typed = self._typed(value) if _is(value, "value") else None
            fields[str(name)] = _scalar(typed.literal) if isinstance(typed, Typed) else None
        path, offset = fields.get("path"), fields.get("offset")
        if not isinstance(path, str) or not isinstance(offset, int) or offset < 0:
            raise MilSyntaxError("a BLOBFILE reference needs a string path and a non-negative integer offset")
        self.parsed.blob_paths.append(path)
        return Blob(path, offset)

    def _literal(self, tree: Any) -> Any:
        kind = tree.data
        if kind == "number":
            return _number(str(tree.children[0]))
        if kind == "special":
            return float(str(tree.children[0]))
        if kind == "string":
            return _unquote(str(tree.children[0]))
        if kind in ("true", "false"):
            return kind == "true"
        if kind == "sequence":
            return [self._literal(child) for child in tree.children]
        if kind == "mapping":
            return [(self._literal(e.children[0]), self._literal(e.children[1])) for e in tree.children]
        return self._typed(tree)

    # -- into MIL_pb2 -----------------------------------------------------------------------------------
    def value_type(self, mil_type: MilType) -> Any:
        value_type = self.pb.ValueType()
        name, args = mil_type.name, mil_type.args
        if name == "tensor" and len(args) == 2 and isinstance(args[0], MilType):
            self._tensor_type(value_type.tensorType, args[0].name, args[1])
        elif name == "list" and args and isinstance(args[0], MilType):
            value_type.listType.type.CopyFrom(self.value_type(args[0]))
            length = args[1] if len(args) > 1 else None
            if isinstance(length, int):
                value_type.listType.length.constant.size = length
            else:
                value_type.listType.length.unknown.variadic = False
        elif name == "tuple":
            value_type.tupleType.types.extend(self.value_type(a) for a in args if isinstance(a, MilType))
        elif name == "dict" and len(args) == 2:
            value_type.dictionaryType.keyType.CopyFrom(self.value_type(args[0]))
            value_type.dictionaryType.valueType.CopyFrom(self.value_type(args[1]))
        elif name == "state" and args and isinstance(args[0], MilType):
            value_type.stateType.wrappedType.CopyFrom(self.value_type(args[0]))
        elif name in DATA_TYPES and not args:
            self._tensor_type(value_type.tensorType, name, Shape(()))
        else:
            raise MilSyntaxError(f"unknown type {_show(mil_type)}")
        return value_type

    def _tensor_type(self, tensor: Any, dtype: str, shape: Any) -> None:
        if dtype not in DATA_TYPES or not isinstance(shape, Shape):
            raise MilSyntaxError(f"unknown tensor type tensor<{dtype}, ...>")
        tensor.dataType = self.pb.DataType.Value(DATA_TYPES[dtype])
        if shape.dims is None:
            tensor.rank = -1
            return
        tensor.rank = len(shape.dims)
        for dim in shape.dims:
            added = tensor.dimensions.add()
            if isinstance(dim, int):
                added.constant.size = dim
            else:
                added.unknown.variadic = False

    def value(self, typed: Typed | Blob, declared: MilType | None = None) -> Any:
        """A Value message: a BLOBFILE reference, or an immediate value of the declared (or written) type."""
        value = self.pb.Value()
        if isinstance(typed, Blob):
            if declared is None:
                raise MilSyntaxError("a BLOBFILE reference must be wrapped in its tensor type")
            value.type.CopyFrom(self.value_type(declared))
            value.blobFileValue.fileName, value.blobFileValue.offset = typed.path, typed.offset
            return value
        literals = typed.literal
        if len(literals) == 1 and isinstance(literals[0], Blob):
            return self.value(literals[0], typed.type)
        value.type.CopyFrom(self.value_type(typed.type))
        self._immediate(value.immediateValue, typed.type, literals[0] if len(literals) == 1 else literals)
        return value

    def _immediate(self, immediate: Any, mil_type: MilType, literal: Any) -> None:
        name, args = mil_type.name, mil_type.args
        if name == "tuple":
            items = literal if isinstance(literal, list) else [literal]
            for item_type, item in zip([a for a in args if isinstance(a, MilType)], items):
                immediate.tuple.values.add().CopyFrom(self._typed_item(item_type, item))
        elif name == "dict":
            for key, item in literal if isinstance(literal, list) else []:
                pair = immediate.dictionary.values.add()
                pair.key.CopyFrom(self._typed_item(args[0], key))
                pair.value.CopyFrom(self._typed_item(args[1], item))
        elif name == "list":
            for item in literal if isinstance(literal, list) else [literal]:
                immediate.list.values.add().CopyFrom(self._typed_item(args[0], item))
        elif name == "state":
            raise MilSyntaxError("a state type has no immediate value")
        else:
            dtype = args[0].name if name == "tensor" else name
            _fill_tensor(immediate.tensor, dtype, _flatten(literal))

    def _typed_item(self, mil_type: MilType, literal: Any) -> Any:
        if isinstance(literal, (Typed, Blob)):
            return self.value(literal, mil_type)
        return self.value(Typed(mil_type, [literal]))


def _fill_tensor(tensor: Any, dtype: str, values: list[Any]) -> None:
    if dtype in _PACKED:
        code = _PACKED[dtype]
        cast = float if code == "e" else int
        tensor.bytes.values = struct.pack(f"<{len(values)}{code}", *(cast(v) for v in values))
    elif dtype in ("fp32", "bf16") or dtype.startswith("fp8"):
        tensor.floats.values.extend(float(v) for v in values)
    elif dtype == "fp64":
        tensor.doubles.values.extend(float(v) for v in values)
    elif dtype == "bool":
        tensor.bools.values.extend(bool(v) for v in values)
    elif dtype == "string":
        tensor.strings.values.extend(str(v) for v in values)
    elif dtype in _LONG:
        tensor.longInts.values.extend(int(v) for v in values)
    else:
        tensor.ints.values.extend(int(v) for v in values)


def _flatten(literal: Any) -> list[Any]:
    if isinstance(literal, Typed):
        return _flatten(literal.literal[0] if len(literal.literal) == 1 else literal.literal)
    if isinstance(literal, list):
        return [v for item in literal for v in _flatten(item)]
    if isinstance(literal, Blob) or isinstance(literal, tuple):
        raise MilSyntaxError("a tensor value holds a reference or an entry where a number was expected")
    return [literal]


def _implied(items: list[Any]) -> Typed:
    """A bare list literal as a tensor of the type its values imply (int32, fp32, bool or string)."""
    values, dims, level = _flatten(items), [], cast(Any, items)
    while isinstance(level, list):
        dims.append(len(level))
        level = level[0] if level else None
    if values and all(isinstance(v, bool) for v in values):
        dtype = "bool"
    elif values and all(isinstance(v, str) for v in values):
        dtype = "string"
    elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        dtype = "int32"
    else:
        dtype = "fp32"
    return Typed(MilType("tensor", (MilType(dtype), Shape(tuple(dims)))), [items])


def _scalar(literal: list[Any]) -> Any:
    values = _flatten(literal)
    return values[0] if len(values) == 1 else None


def _number(text: str) -> int | float:
    lowered = text.lower()
    if "0x" in lowered:
        return float.fromhex(text)
    if any(c in lowered for c in ".e"):
        return float(text)
    return int(text)


def _unquote(text: str) -> str:
    body = text[1:-1]
    if "\\" not in body:
        return body
    out, i = [], 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(nxt, nxt))
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _dimension(tree: Any) -> int | str | None:
    if tree.data == "fixed_dimension":
        return int(tree.children[0])
    if tree.data == "symbolic_dimension":
        return str(tree.children[0])
    return None


def _is(node: Any, data: str) -> bool:
    return getattr(node, "data", None) == data


def _show(mil_type: MilType) -> str:
    return mil_type.name + ("<...>" if mil_type.args else "")
