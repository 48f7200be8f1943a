"""Model-level properties named by the parameter vocabulary (extract.model: model-property)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .extract import mil_positional_input
from .graph import Node, input_binding_names, model_kind, sub_models
from .mil_values import BlobRef, shape_of
from .weights import weight_params
from .stages import builtin_stages

UNKNOWN = None


class ModelProperties:
    """Computes each property once, on demand. Unknown properties are None (reported as unknown).
    A model read without a Core ML spec (Core AI) has only the properties its reader knows."""

    def __init__(self, spec: Any, nodes: list[Node], weights_dir: Path | None,
                 known: dict[str, Any] | None = None) -> None:
        self.spec, self.nodes, self.weights_dir = spec, nodes, weights_dir
        self._cache: dict[str, Any] = dict(known or {})
        self.fallback_op_count: int | None = None

    def __call__(self, name: str) -> Any:
        if name not in self._cache:
            compute = COMPUTE.get(name) if self.spec is not None or name == "fallback_op_count" else None
            self._cache[name] = compute(self) if compute else UNKNOWN
        return self._cache[name]

    def _features(self) -> list[Any]:
        out = list(self.spec.description.input)
        for model in sub_models(self.spec):
            out.extend(model.description.input)
        return out

    def _input_shape_kind(self) -> str:
        kinds = {"fixed"}
        for feature in self._features():
            array = feature.type.multiArrayType if feature.type.WhichOneof("Type") == "multiArrayType" else None
            image = feature.type.imageType if feature.type.WhichOneof("Type") == "imageType" else None
            flex = array.WhichOneof("ShapeFlexibility") if array is not None else (
                image.WhichOneof("SizeFlexibility") if image is not None else None)
            if flex in ("enumeratedShapes", "enumeratedSizes"):
                kinds.add("enumerated")
            elif flex in ("shapeRange", "imageSizeRange"):
                ranges = _ranges(array, image)
                kinds.add("unbounded" if any(r.upperBound < 0 for r in ranges) else "range")
        for kind in ("unbounded", "range", "enumerated", "fixed"):
            if kind in kinds:
                return kind
        return "fixed"

    def _enumerated_count(self) -> int:
        counts = [len(f.type.multiArrayType.enumeratedShapes.shapes) for f in self._features()
                  if f.type.WhichOneof("Type") == "multiArrayType"]
        return max(counts, default=0)

    def _max_input_dim(self) -> int | None:
        """The model's own inputs only: a pipeline's inner models take tensors the pipeline computes."""
        best = 0
        for feature in self.spec.description.input:
            if feature.type.WhichOneof("Type") != "multiArrayType":
                continue
            array = feature.type.multiArrayType
            best = max([best, *array.shape, *(d for s in array.enumeratedShapes.shapes for d in s.shape)])
            for size in array.shapeRange.sizeRanges:
                if size.upperBound < 0:
                    return None
                best = max(best, size.upperBound, size.lowerBound)
        return best or None

    def _max_image_side(self) -> int | None:
        sides = [side for feature in self.spec.description.input for side in _image_sides(feature)]
        return max(sides) if sides else None

    def _weight_bytes(self) -> int | None:
        """Unknown for a model with a built-in stage: the operating system holds that network's weights."""
        if builtin_stages(self.spec):
            return None
        if self.weights_dir is not None:
            from .ranges import file_size

            return sum(file_size(p) for p in self.weights_dir.rglob("*") if p.is_file())
        total = 0
        for node in self.nodes:
            if node.format == "neuralnetwork":
                total += _nn_weight_bytes(node)
        for node in self.nodes:
            if node.format == "mlprogram":
                for value in node.scope.consts.values():
                    if isinstance(value, BlobRef):
                        return None
                break
        return total

    def _sdpa(self) -> list[Node]:
        return [n for n in self.nodes if n.op == "scaled_dot_product_attention"]

    def _query_shape(self, node: Node) -> tuple[int, ...] | None:
        names = [b.name for b in node.raw.inputs["query"].arguments] if "query" in node.raw.inputs else []
        return shape_of(node.scope.types[names[0]]) if names and names[0] in node.scope.types else None

    def _sdpa_min_query(self) -> int | None:
        shapes = [self._query_shape(n) for n in self._sdpa()]
        if not shapes or any(s is None for s in shapes):
            return None
        return min(math.prod(s) for s in shapes if s is not None)

    def _sdpa_wide_heads(self) -> int | None:
        per_function: dict[int, int] = {}
        for node in self._sdpa():
            shape = self._query_shape(node)
            if shape is None:
                return None
            if shape and shape[-1] > 256:
                per_function[id(node.scope)] = per_function.get(id(node.scope), 0) + 1
        return max(per_function.values(), default=0)

    def _palette_bits(self) -> list[int]:
        bits = set()
        for node in self.nodes:
            names = input_binding_names(node, "lut") if node.op.startswith("constexpr_lut_to_dense") else []
            if names:
                lut_type = node.scope.types.get(names[0])
                shape = shape_of(lut_type) if lut_type is not None else None
                entries = (shape[-2] if len(shape) >= 2 else shape[0]) if shape else 0
                if entries > 0:
                    bits.add(int(math.log2(entries)))
        return sorted(bits)

    def _state_widths(self) -> bool:
        for feature in self.spec.description.state:
            array = feature.type.stateType.arrayType
            if array.shape and array.shape[-1] % 32:
                return False
        return True

    def _output_producer(self) -> str | None:
        if not self.spec.description.output or model_kind(self.spec) not in ("neuralnetwork", "mlprogram"):
            return None
        target = self.spec.description.output[0].name
        by_output = {out: node for node in self.nodes for out in node.outputs}
        node = by_output.get(target)
        if node is not None and node.op == "cast":
            source = mil_positional_input(node, 0) if node.format == "mlprogram" else node.inputs[:1]
            node = by_output.get(source[0], node) if source else node
        return node.op if node is not None else None



# How each property is computed, as functions of the properties object (a table of its bound methods would make a
# reference cycle that keeps a checked graph alive until the cycle collector runs).
COMPUTE: dict[str, Callable[[ModelProperties], Any]] = {
    "spec_version": lambda p: p.spec.specificationVersion,
    "weight_bytes": ModelProperties._weight_bytes,
    "input_shape_kind": ModelProperties._input_shape_kind,
    "enumerated_shape_count": ModelProperties._enumerated_count,
    "max_input_dim": ModelProperties._max_input_dim,
    "max_image_side": ModelProperties._max_image_side,
    "fallback_op_count": lambda p: p.fallback_op_count,
    "sdpa_count": lambda p: len(p._sdpa()),
    "sdpa_min_query_elements": ModelProperties._sdpa_min_query,
    "sdpa_wide_head_count": ModelProperties._sdpa_wide_heads,
    "palette_bit_widths": ModelProperties._palette_bits,
    "state_width_multiple_of_32": ModelProperties._state_widths,
    "output_producer_op": ModelProperties._output_producer,
    "builtin_stages": lambda p: sorted({stage.type for stage in builtin_stages(p.spec)}),
}


def _nn_weight_bytes(node: Node) -> int:
    return sum(4 * len(item.floatValue) + len(item.float16Value) + len(item.rawValue) for _, item in weight_params(node))


IMAGE_CHANNELS = (1, 3, 4)
MIN_IMAGE_SIDE = 32
MAX_ASPECT = 8


def _image_sides(feature: Any) -> list[int]:
    """Height and width of an image input, or of a multi-array input shaped like one (see max_image_side)."""
    kind = feature.type.WhichOneof("Type")
    if kind == "imageType":
        image = feature.type.imageType
        return [int(image.height), int(image.width)]
    if kind != "multiArrayType":
        return []
    shape = [int(d) for d in feature.type.multiArrayType.shape]
    if not 3 <= len(shape) <= 5 or shape[-3] not in IMAGE_CHANNELS:
        return []
    height, width = shape[-2:]
    if min(height, width) < MIN_IMAGE_SIDE or max(height, width) > MAX_ASPECT * min(height, width):
        return []
    return [height, width]


def _ranges(array: Any, image: Any) -> list[Any]:
    if array is not None:
        return list(array.shapeRange.sizeRanges)
    return [image.imageSizeRange.widthRange, image.imageSizeRange.heightRange]
