"""Build the small model a placement file's `build` section describes (schema/placement.schema.json).

A calibration case does not ship its model: it describes it, and this module rebuilds it with coremltools'
MIL builder or NeuralNetworkBuilder into a cache folder (git-ignored). Values in a description:

- `"@name"` refers to a model input, a shared constant or an earlier op's first output; `"@name:1"` to its
  second output. Inside a `repeat` block, `"@prev"` is the previous op's output and `{i}` in a name is the
  repetition's index.
- `{"random": shape}` draws standard-normal values times `scale` (default 0.05) from a generator seeded
  with the description's `seed`; `{"integers": [low, high], "shape": shape}` draws integers;
  `{"array": value}`, `{"zeros": shape}`, `{"ones": shape}`, `{"full": shape, "value": v}` and
  `{"scalar": v}` make constants. Each takes a `dtype` (default fp16 for floats, int32 for integers).
- a list holding such values (e.g. an LSTM's four gate matrices) becomes a list of constants.
- anything else (numbers, strings, lists of numbers) is passed to the builder as it is.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

logging.getLogger("coremltools").setLevel(logging.ERROR)
os.environ.setdefault("TQDM_DISABLE", "1")  # coremltools' conversion progress bars
sys.modules.setdefault("torch", None)  # type: ignore[arg-type]

import numpy as np  # noqa: E402
import coremltools as ct  # noqa: E402
from coremltools.converters.mil import Builder as mb  # noqa: E402
from coremltools.converters.mil.mil import Function, Program, types  # noqa: E402
from coremltools.models import datatypes  # noqa: E402
from coremltools.models.neural_network import NeuralNetworkBuilder  # noqa: E402

DTYPES = {"fp16": np.float16, "fp32": np.float32, "int32": np.int32, "int16": np.int16, "int8": np.int8,
          "uint8": np.uint8, "uint32": np.uint32, "bool": np.bool_}
MIL_TYPES = {"fp16": types.fp16, "fp32": types.fp32, "int32": types.int32, "bool": types.bool}
FLOAT32 = 65568


class BuildError(ValueError):
    """A description the builder cannot follow; the message names the case and the place."""


def cache_key(build: dict[str, Any]) -> str:
    text = json.dumps(build, sort_keys=True) + ct.__version__
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build_model(build: dict[str, Any], cache: Path) -> Path:
    """The model for `build`, built once into `cache` (the path is keyed by the description)."""
    suffix = ".mlpackage" if build["builder"] == "mil" else ".mlmodel"
    path = cache / (cache_key(build) + suffix)
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        staged = Path(tmp) / path.name
        (_build_mil if build["builder"] == "mil" else _build_nn)(build, staged)
        shutil.move(str(staged), str(path))
    return path


class _Values:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.names: dict[str, Any] = {}

    def get(self, spec: Any, prev: Any = None) -> Any:
        if isinstance(spec, str) and spec.startswith("@"):
            return self._ref(spec[1:], prev)
        if isinstance(spec, list) and any(isinstance(v, str) and v.startswith("@") for v in spec):
            return tuple(self.get(v, prev) for v in spec)
        if isinstance(spec, list) and any(isinstance(v, dict) for v in spec):
            return [self.get(v, prev) for v in spec]
        if isinstance(spec, dict):
            return self._constant(spec)
        return spec

    def _ref(self, name: str, prev: Any) -> Any:
        if name == "prev":
            if prev is None:
                raise BuildError("@prev outside a repeat block")
            return prev
        base, _, index = name.partition(":")
        if base not in self.names:
            raise BuildError(f"@{base} is not defined before its use")
        value = self.names[base]
        if isinstance(value, (tuple, list)):
            return value[int(index or 0)]
        return value

    def _constant(self, spec: dict[str, Any]) -> Any:
        dtype = DTYPES[spec.get("dtype", "int32" if "integers" in spec else "fp16")]
        if "random" in spec:
            return (self.rng.standard_normal(spec["random"]) * spec.get("scale", 0.05)).astype(dtype)
        if "integers" in spec:
            low, high = spec["integers"]
            return self.rng.integers(low, high, spec["shape"]).astype(dtype)
        if "array" in spec:
            return np.asarray(spec["array"], dtype)
        if "zeros" in spec:
            return np.zeros(spec["zeros"], dtype)
        if "ones" in spec:
            return np.ones(spec["ones"], dtype)
        if "full" in spec:
            return np.full(spec["full"], spec["value"], dtype)
        if "scalar" in spec:
            return dtype(spec["scalar"])
        raise BuildError(f"unknown value {json.dumps(spec)[:80]}")


def _mil_op(item: dict[str, Any], values: _Values, prev: Any, index: int | None) -> Any:
    op = item["op"]
    if op.startswith("_") or not hasattr(mb, op):
        raise BuildError(f"unknown MIL op {op!r}")
    name = item["name"].replace("{i}", str(index)) if index is not None else item["name"]
    args = {k: values.get(v, prev) for k, v in item.get("args", {}).items()}
    if op == "cond":
        args["_true_fn"] = _branch(item["true"], values)
        args["_false_fn"] = _branch(item["false"], values)
    out = getattr(mb, op)(name=name, **args)
    values.names[name] = out
    return out


def _branch(block: dict[str, Any], values: _Values) -> Any:
    def run() -> Any:
        for item in block["ops"]:
            _mil_op(item, values, None, None)
        return values.get(block["output"])
    return run


def _build_mil(build: dict[str, Any], path: Path) -> None:
    values = _Values(build.get("seed", 0))
    placeholders = {i["name"]: mb.placeholder(shape=i["shape"], dtype=MIL_TYPES[i.get("dtype", "fp16")])
                    for i in build["inputs"]}
    target = getattr(ct.target, build.get("target", "macOS15"))
    with Function(placeholders, opset_version=target) as function:
        values.names.update(function.inputs)
        for const in build.get("consts", []):
            values.names[const["name"]] = mb.const(val=values.get(const["value"]), name=const["name"])
        for item in build["ops"]:
            if "repeat" in item:
                prev = values.get(item["from"])
                for index in range(item["repeat"]):
                    for inner in item["ops"]:
                        prev = _mil_op(inner, values, prev, index)
            else:
                _mil_op(item, values, None, None)
        function.set_outputs([values.get(o) for o in build["outputs"]])
    program = Program()
    program.add_function("main", function)
    precision = ct.precision.FLOAT16 if build.get("precision", "fp16") == "fp16" else ct.precision.FLOAT32
    model = ct.convert(program, convert_to="mlprogram", minimum_deployment_target=target,
                       compute_precision=precision, skip_model_load=True)
    model.save(str(path))


def _build_nn(build: dict[str, Any], path: Path) -> None:
    values = _Values(build.get("seed", 0))
    inputs = [(i["name"], datatypes.Array(*i["shape"])) for i in build["inputs"]]
    declared = build.get("output_shapes", {})
    outputs = [(o, datatypes.Array(*declared[o]) if o in declared else None) for o in build["outputs"]]
    builder = NeuralNetworkBuilder(inputs, outputs,
                                   disable_rank5_shape_mapping=build.get("rank_nd", False))
    if "optionals" in build:
        opt_in, opt_out = build["optionals"]
        builder.add_optionals([(n, s) for n, s in opt_in], [(n, s) for n, s in opt_out])
    for layer in build["layers"]:
        method = layer["method"]
        if not method.startswith("add_") or not hasattr(builder, method):
            raise BuildError(f"unknown NeuralNetworkBuilder method {method!r}")
        getattr(builder, method)(**{k: values.get(v) for k, v in layer["args"].items()})
    for out in builder.spec.description.output:
        out.type.multiArrayType.dataType = FLOAT32
    ct.utils.save_spec(builder.spec, str(path))
