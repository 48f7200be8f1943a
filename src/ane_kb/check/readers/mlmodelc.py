"""The compiled-model reader: an .mlmodelc folder, read into the spec of the model it was compiled from.

A compiled ML Program keeps the program as text (model.mil, read by mil_text) and its weights in
weights/*.bin; a compiled NeuralNetwork keeps an Espresso network (model.espresso.net, read by espresso);
a compiled pipeline keeps each model in its own folder (model0/, model1/, ...). metadata.json, when present,
gives the specification version and the inputs' shapes and flexibility. coremldata.bin is not read: its
layout is not published.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..proto import modules
from . import LoadedModel, ModelInputError
from .mil_text import SPEC_VERSIONS, MilSyntaxError, parse

MODEL_PATH = "@model_path/"
MAX_TEXT_BYTES = 512 * 1024 * 1024
MAX_JSON_BYTES = 64 * 1024 * 1024
ARRAY_TYPES = {"float16": "FLOAT16", "float32": "FLOAT32", "double": "DOUBLE", "float64": "DOUBLE", "int32": "INT32",
               "int8": "INT8"}
MIL_ARRAY_TYPES = {10: "FLOAT16", 11: "FLOAT32", 12: "DOUBLE", 23: "INT32", 21: "INT8"}
SUBMODEL = re.compile(r"model(\d+)")


def read(path: Path) -> LoadedModel:
    """A compiled model folder: an ML Program, a NeuralNetwork or a pipeline of them."""
    if not path.is_dir():
        raise ModelInputError("compiled_not_folder")
    spec, weights_dir, notes = _read_folder(path, path)
    return LoadedModel(path, spec, weights_dir, notes=sorted(set(notes.unmapped)), properties=notes.properties,
                       unscanned_weights="; ".join(notes.unscanned) or None)


class _Notes:
    """What a reader learnt beyond the spec: source op types it could not map, and model properties."""

    def __init__(self) -> None:
        self.unmapped: list[str] = []
        self.properties: dict[str, Any] = {}
        self.unscanned: list[str] = []


def _read_folder(folder: Path, root: Path) -> tuple[Any, Path | None, _Notes]:
    metadata = _metadata(folder, root)
    if (folder / "model.mil").is_file():
        return (*_read_program(folder, root, metadata), _Notes())
    if (folder / "model.espresso.net").is_file():
        from . import espresso

        notes = _Notes()
        spec = espresso.read(folder, root, metadata, notes.unmapped, notes.properties)
        notes.unscanned.append(espresso.unscanned(folder, root))
        _describe_from_metadata(spec, metadata)
        return spec, None, notes
    submodels = sorted((p for p in folder.iterdir() if p.is_dir() and SUBMODEL.fullmatch(p.name)),
                       key=lambda p: int(p.name[5:]))
    if submodels:
        return _read_pipeline(folder, root, submodels, metadata)
    raise ModelInputError("compiled_missing_part", part=_missing_part(folder, metadata))


def _missing_part(folder: Path, metadata: dict[str, Any]) -> str:
    kind = str(metadata.get("modelType", {}).get("name", "")) if isinstance(metadata.get("modelType"), dict) else ""
    if "mlProgram" in kind or (folder / "weights").is_dir():
        return "model.mil"
    if "neuralnetwork" in kind.lower() or any((folder / f"model.espresso.{s}").exists() for s in ("shape", "weights")):
        return "model.espresso.net"
    return "model.mil or model.espresso.net"


def _read_program(folder: Path, root: Path, metadata: dict[str, Any]) -> tuple[Any, Path | None]:
    text = _text(folder / "model.mil", root)
    try:
        program, parsed = parse(text)
    except MilSyntaxError as exc:
        raise ModelInputError("compiled_bad_mil", where=_shown(folder / "model.mil", root), why=str(exc)) from None
    weight_folders = {_confined(folder, root, blob) for blob in parsed.blob_paths}
    spec = modules().Model_pb2.Model()
    spec.mlProgram.CopyFrom(program)
    spec.specificationVersion = _spec_version(metadata, program)
    _describe_program(spec, program)
    _describe_from_metadata(spec, metadata)
    weights = next(iter(weight_folders)) if len(weight_folders) == 1 else folder / "weights"
    return spec, weights


def _read_pipeline(folder: Path, root: Path, submodels: list[Path],
                   metadata: dict[str, Any]) -> tuple[Any, Path | None, _Notes]:
    spec = modules().Model_pb2.Model()
    notes, weights = _Notes(), None
    for sub in submodels:
        model, model_weights, sub_notes = _read_folder(sub, root)
        spec.pipeline.models.add().CopyFrom(model)
        notes.unmapped += sub_notes.unmapped
        notes.unscanned += sub_notes.unscanned
        if "weight_bytes" in sub_notes.properties:
            known = notes.properties.get("weight_bytes", 0)
            more = sub_notes.properties["weight_bytes"]
            notes.properties["weight_bytes"] = None if known is None or more is None else known + more
        weights = weights or model_weights
    spec.specificationVersion = max([_int(metadata.get("specificationVersion"))] +
                                    [m.specificationVersion for m in spec.pipeline.models])
    _describe_from_metadata(spec, metadata)
    return spec, weights, notes


def _text(path: Path, root: Path) -> str:
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise ModelInputError("compiled_too_big", where=_shown(path, root))
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ModelInputError("compiled_bad_mil", where=_shown(path, root), why="it is not UTF-8 text") from None


def _confined(folder: Path, root: Path, blob: str) -> Path:
    """The folder of a weight file named in model.mil, which must lie inside the compiled model."""
    relative = blob[len(MODEL_PATH):] if blob.startswith(MODEL_PATH) else None
    target = (folder / relative).resolve() if relative else None
    inside = root.resolve()
    if target is None or not relative or relative.startswith("/") or target == inside or inside not in target.parents:
        raise ModelInputError("compiled_outside", where=_shown(folder / "model.mil", root), item=blob[:200])
    return target.parent


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return path.name


def _metadata(folder: Path, root: Path) -> dict[str, Any]:
    """metadata.json's first entry, or {} when it is missing or unreadable (it is optional)."""
    path = folder / "metadata.json"
    if not path.is_file() or path.stat().st_size > MAX_JSON_BYTES:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return {}
    entry = data[0] if isinstance(data, list) and data else data
    return entry if isinstance(entry, dict) else {}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _spec_version(metadata: dict[str, Any], program: Any) -> int:
    stated = _int(metadata.get("specificationVersion"))
    opsets = [SPEC_VERSIONS.get(f.opset, 0) for f in program.functions.values()]
    return stated or max(opsets, default=0)


def _describe_program(spec: Any, program: Any) -> None:
    """The model's inputs and outputs, from its main function, with the flexibility its attributes state."""
    functions = program.functions
    if not functions:
        return
    name = "main" if "main" in functions else sorted(functions)[0]
    function = functions[name]
    flexible = _flexible_shapes(function)
    for named in function.inputs:
        wrapped = named.type.stateType.wrappedType if named.type.WhichOneof("type") == "stateType" else None
        target = spec.description.state.add() if wrapped is not None else spec.description.input.add()
        target.name = named.name
        tensor_type = (wrapped or named.type).tensorType
        array = target.type.stateType.arrayType if wrapped is not None else target.type.multiArrayType
        _array(array, tensor_type, flexible.get(named.name, {}))
    block = function.block_specializations.get(function.opset) or next(iter(function.block_specializations.values()),
                                                                         None)
    if block is None:
        return
    types = {out.name: out.type for op in block.operations for out in op.outputs}
    types.update({named.name: named.type for named in function.inputs})
    for output in block.outputs:
        feature = spec.description.output.add()
        feature.name = output
        if output in types and types[output].WhichOneof("type") == "tensorType":
            _array(feature.type.multiArrayType, types[output].tensorType, {})


def _array(array: Any, tensor_type: Any, flexible: dict[str, Any]) -> None:
    features = modules().FeatureTypes_pb2.ArrayFeatureType
    array.dataType = features.ArrayDataType.Value(MIL_ARRAY_TYPES.get(tensor_type.dataType, "FLOAT32"))
    default = flexible.get("default")
    dims = [d.constant.size if d.WhichOneof("dimension") == "constant" else None for d in tensor_type.dimensions]
    if default and len(default) == len(dims):
        dims = list(default)
    array.shape.extend(d if d is not None else 1 for d in dims)
    if flexible.get("ranges"):
        for low, high in flexible["ranges"]:
            array.shapeRange.sizeRanges.add(lowerBound=max(low, 0), upperBound=high)
    elif flexible.get("shapes"):
        for shape in flexible["shapes"]:
            array.enumeratedShapes.shapes.add().shape.extend(shape)
    elif any(d.WhichOneof("dimension") != "constant" for d in tensor_type.dimensions):
        for d in tensor_type.dimensions:
            size = d.constant.size if d.WhichOneof("dimension") == "constant" else -1
            array.shapeRange.sizeRanges.add(lowerBound=max(size, 0) if size >= 0 else 1, upperBound=size)


def _flexible_shapes(function: Any) -> dict[str, dict[str, Any]]:
    """Per input: its default shape and its ranges or enumerated shapes, from FlexibleShapeInformation."""
    from ..mil_values import decode

    if "FlexibleShapeInformation" not in function.attributes:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for pair in function.attributes["FlexibleShapeInformation"].immediateValue.tuple.values:
        parts = pair.immediateValue.tuple.values
        if len(parts) != 2:
            continue
        key = decode(parts[0])
        for entry in parts[1].immediateValue.dictionary.values:
            name, value = decode(entry.key), decode(entry.value)
            if not isinstance(name, str):
                continue
            slot = {"DefaultShapes": "default", "RangeDims": "ranges", "EnumeratedShapes": "shapes"}.get(str(key))
            if slot:
                out.setdefault(name, {})[slot] = _int_lists(value, slot)
    return out


def _int_lists(value: Any, slot: str) -> Any:
    def ints(item: Any) -> list[int] | None:
        return [int(v) for v in item] if isinstance(item, list) and all(isinstance(v, (int, float)) for v in item) else None

    if slot == "default":
        return ints(value)
    items = value if isinstance(value, list) else []
    found = [ints(item) for item in items]
    if slot == "ranges":
        return [tuple(r) for r in found if r is not None and len(r) == 2]
    return [s for s in found if s is not None]


def _describe_from_metadata(spec: Any, metadata: dict[str, Any]) -> None:
    """Inputs described by metadata.json where the model itself does not say (a compiled NeuralNetwork), and
    the flexibility metadata.json states for inputs the program declared fixed."""
    schema = metadata.get("inputSchema")
    if not isinstance(schema, list):
        return
    existing = {feature.name: feature for feature in spec.description.input}
    for entry in schema:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        feature = existing.get(entry["name"])
        if feature is None:
            feature = spec.description.input.add()
            feature.name = entry["name"]
            _feature_from_metadata(feature, entry)
        elif feature.type.multiArrayType.WhichOneof("ShapeFlexibility") is None:
            _flexibility_from_metadata(feature.type.multiArrayType, entry)


def _feature_from_metadata(feature: Any, entry: dict[str, Any]) -> None:
    features = modules().FeatureTypes_pb2
    if entry.get("type") == "Image":
        image = feature.type.imageType
        image.width, image.height = _int(entry.get("width")), _int(entry.get("height"))
        sizes = _json_list(entry.get("enumeratedSizes"))
        for size in sizes or []:
            if len(size) == 2:
                image.enumeratedSizes.sizes.add(width=_int(size[0]), height=_int(size[1]))
        ranges = _json_list(entry.get("sizeRange"))
        if ranges and len(ranges) == 2 and not sizes:
            image.imageSizeRange.widthRange.lowerBound, image.imageSizeRange.widthRange.upperBound = map(_int, ranges[0])
            image.imageSizeRange.heightRange.lowerBound, image.imageSizeRange.heightRange.upperBound = map(_int, ranges[1])
        return
    if entry.get("type") != "MultiArray":
        return
    array = feature.type.multiArrayType
    kind = str(entry.get("dataType", "")).lower()
    array.dataType = features.ArrayFeatureType.ArrayDataType.Value(ARRAY_TYPES.get(kind, "FLOAT32"))
    shape = _json_list(entry.get("shape"))
    array.shape.extend(_int(d) for d in shape or [] if not isinstance(d, list))
    _flexibility_from_metadata(array, entry)


def _flexibility_from_metadata(array: Any, entry: dict[str, Any]) -> None:
    if entry.get("hasShapeFlexibility") != "1":
        return
    shapes = _json_list(entry.get("enumeratedShapes"))
    ranges = _json_list(entry.get("shapeRange"))
    if shapes:
        for shape in shapes:
            if isinstance(shape, list):
                array.enumeratedShapes.shapes.add().shape.extend(_int(d) for d in shape)
    elif ranges:
        for size in ranges:
            if isinstance(size, list) and len(size) == 2:
                array.shapeRange.sizeRanges.add(lowerBound=max(_int(size[0]), 0), upperBound=_int(size[1]))


def _json_list(text: Any) -> list[Any] | None:
    if not isinstance(text, str) or len(text) > 1_000_000:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, list) else None
