"""Compiled models (.mlmodelc): the model.mil grammar, the Espresso reader, and the same findings as the source."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ane_kb.check import check_model
from ane_kb.check.mil_values import decode
from ane_kb.check.readers import ModelInputError, read_model
from ane_kb.check.readers.mil_text import MilSyntaxError, parse
from tests.check import models
from tests.check.conftest import check_json, run_check
from tests.check.espresso_writer import espresso_folder
from tests.check.mil_writer import compile_package

HEADER_10 = ('program(1.0)\n[buildInfo = dict<tensor<string, []>, tensor<string, []>>('
             '{{"coremlc-component-MIL", "5.33.5"}, {"coremlc-version", "1877.40.3"}})]\n')
HEADER_13 = 'program(1.3)\n[buildInfo = dict<string, string>({{"coremlc-version", "3520.5.1"}})]\n'

PROGRAM_10 = HEADER_10 + """{
    func main<ios15>(tensor<fp32, [1, 3, 32, 32]> image) {
            tensor<int32, [2]> var_4 = const()[name = tensor<string, []>("op_4"), val = tensor<int32, [2]>([2, 2])];
            tensor<string, []> pad_0 = const()[name = tensor<string, []>("pad_0"), val = tensor<string, []>("same")];
            tensor<fp16, [8, 3, 3, 3]> w = const()[name = tensor<string, []>("w"), val = tensor<fp16, [8, 3, 3, 3]>(BLOBFILE(path = tensor<string, []>("@model_path/weights/weight.bin"), offset = tensor<uint64, []>(64)))];
            tensor<fp32, [1, 8, 32, 32]> conv_0 = conv(dilations = var_4, pad_type = pad_0, weight = w, x = image)[name = tensor<string, []>("conv_0")];
            tensor<fp32, []> eps = const()[name = tensor<string, []>("eps"), val = tensor<fp32, []>(0x1.4f8b58p-17)];
        } -> (conv_0);
}
"""

PROGRAM_13 = HEADER_13 + """{
    func main<ios18>(tensor<fp16, [1, ?, 64]> x, state<tensor<fp16, [1, 8, 64]>> cache)
        [FlexibleShapeInformation = tuple<tuple<string, dict<string, tensor<int32, [?]>>>, tuple<string, dict<string, list<tensor<int32, [2]>, ?>>>>((("DefaultShapes", {{"x", [1, 4, 64]}}), ("RangeDims", {{"x", [[1, 1], [1, 512], [64, 64]]}})))] {
            tensor<int32, [2]> k = const()[val = tensor<int32, [2]>([15, 15])];
            tensor<fp16, [1, ?, 64]> pooled = max_pool(kernel_sizes = k, pad_type = string("valid"), strides = tensor<int32, [2]>([1, 1]), x = x);
            tensor<fp16, [1, ?, 32]> a, tensor<fp16, [1, ?, 32]> b = split(axis = int32(-1), num_splits = int32(2), x = pooled);
            tensor<fp16, [1, ?, 64]> joined = concat(axis = int32(-1), interleave = bool(false), values = (b, a));
            tensor<fp16, [3]> special = const()[val = tensor<fp16, [3]>([inf, -inf, nan])];
            tensor<fp32, [2, 2]> nested = const()[val = tensor<fp32, [2, 2]>([[0x1p+0, -0x1.8p+1], [1.5, -2]])];
            fp16 scale = const()[val = fp16(-0x1.5p-17)];
        } -> (joined);
}
"""

NESTED = HEADER_10 + """{
    func main<ios16>(tensor<fp32, [1]> s, tensor<fp32, [1, 3, 16, 16]> x) {
            tensor<bool, []> p = greater(x = s, y = tensor<fp32, []>(0x0p+0))[name = tensor<string, []>("p")];
            tensor<fp32, [1, 3, 16, 16]> out = cond(pred = p)[name = tensor<string, []>("out")]
                cond_true() {
                    tensor<int32, [2]> k = const()[name = tensor<string, []>("k"), val = tensor<int32, [2]>([15, 15])];
                    tensor<fp32, [1, 3, 16, 16]> big = max_pool(kernel_sizes = k, pad_type = tensor<string, []>("same"), strides = k, x = x)[name = tensor<string, []>("big")];
                } -> (big)
                cond_false() {
                } -> (x);
            tensor<fp32, []> i, tensor<fp32, [1, 3, 16, 16]> v = while_loop(loop_vars = (s, out))[name = tensor<string, []>("loop")]
                loop_cond(tensor<fp32, []> i_x, tensor<fp32, [1, 3, 16, 16]> v_x) {
                    tensor<bool, []> c = less(x = i_x, y = tensor<fp32, []>(0x1.8p+1))[name = tensor<string, []>("c")];
                } -> (c)
                loop_body(tensor<fp32, []> i_x, tensor<fp32, [1, 3, 16, 16]> v_x) {
                    tensor<fp32, [1, 3, 16, 16]> r = relu(x = v_x)[name = tensor<string, []>("r")];
                } -> (i_x, r);
        } -> (v);
}
"""


def _ops(program: Any) -> dict[str, Any]:
    block = program.functions["main"].block_specializations[program.functions["main"].opset]
    return {op.outputs[0].name: op for op in block.operations if op.outputs}


def _compiled(tmp_path: Path, text: str, name: str = "m.mlmodelc", weights: bool = True) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "model.mil").write_text(text, encoding="utf-8")
    if weights:
        (folder / "weights").mkdir()
        (folder / "weights" / "weight.bin").write_bytes(_blob([0.5] * (8 * 3 * 3 * 3)))
    return folder


def _blob(values: list[float]) -> bytes:
    import struct

    data = struct.pack(f"<{len(values)}e", *values)
    header = struct.pack("<II", 2, 2) + bytes(56)
    entry = struct.pack("<IIQQQ", 0xDEADBEEF, 1, len(data), 128, 0) + bytes(32)
    return header + entry + data


def test_program_10_with_tensor_string_scalars_and_blob_references() -> None:
    program, parsed = parse(PROGRAM_10)
    assert parsed.version == "1.0" and parsed.blob_paths == ["@model_path/weights/weight.bin"]
    assert program.functions["main"].opset == "CoreML5"
    ops = _ops(program)
    assert decode(ops["var_4"].attributes["val"]) == [2, 2]
    assert decode(ops["pad_0"].attributes["val"]) == "same"
    assert decode(ops["eps"].attributes["val"]) == pytest.approx(float.fromhex("0x1.4f8b58p-17"))
    blob = ops["w"].attributes["val"].blobFileValue
    assert (blob.fileName, blob.offset) == ("@model_path/weights/weight.bin", 64)
    assert decode(ops["conv_0"].attributes["name"]) == "conv_0"
    assert [b.name for b in ops["conv_0"].inputs["dilations"].arguments] == ["var_4"]
    build = {decode(p.key): decode(p.value) for p in program.attributes["buildInfo"].immediateValue.dictionary.values}
    assert build == {"coremlc-component-MIL": "5.33.5", "coremlc-version": "1877.40.3"}


def test_program_13_with_scalar_types_states_flexible_shapes_and_multiple_outputs() -> None:
    program, parsed = parse(PROGRAM_13)
    function = program.functions["main"]
    assert parsed.version == "1.3" and function.opset == "CoreML8"
    assert function.inputs[1].type.WhichOneof("type") == "stateType"
    assert function.inputs[0].type.tensorType.dimensions[1].WhichOneof("dimension") == "unknown"
    ops = _ops(program)
    pooled = ops["pooled"]
    assert decode(pooled.inputs["pad_type"].arguments[0].value) == "valid"
    assert decode(pooled.inputs["strides"].arguments[0].value) == [1, 1]
    assert [o.name for o in ops["a"].outputs] == ["a", "b"]
    assert [b.name for b in ops["joined"].inputs["values"].arguments] == ["b", "a"]
    special = decode(ops["special"].attributes["val"])
    assert special[0] == float("inf") and special[1] == float("-inf") and special[2] != special[2]
    assert decode(ops["nested"].attributes["val"]) == [1.0, -3.0, 1.5, -2.0]
    assert decode(ops["scale"].attributes["val"]) == pytest.approx(float.fromhex("-0x1.5p-17"), rel=1e-3)
    assert "FlexibleShapeInformation" in function.attributes


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.3"])
def test_every_program_version_and_both_build_info_forms(version: str) -> None:
    for header in (HEADER_10, HEADER_13):
        text = header.replace("program(1.0)", f"program({version})").replace("program(1.3)", f"program({version})")
        text += "{\n    func main<ios17>(tensor<fp32, [2]> x) {\n        tensor<fp32, [2]> y = relu(x = x);\n    } -> (y);\n}\n"
        program, parsed = parse(text)
        assert parsed.version == version and program.functions["main"].opset == "CoreML7"
        assert len(program.attributes["buildInfo"].immediateValue.dictionary.values) >= 1


def test_nested_blocks_keep_their_inputs_outputs_and_ops() -> None:
    program, _ = parse(NESTED)
    ops = _ops(program)
    branch, loop = ops["out"], ops["i"]
    assert [len(b.operations) for b in branch.blocks] == [2, 0]
    assert [list(b.outputs) for b in branch.blocks] == [["big"], ["x"]]
    assert [n.name for n in loop.blocks[1].inputs] == ["i_x", "v_x"]
    assert list(loop.blocks[1].outputs) == ["i_x", "r"] and [o.name for o in loop.outputs] == ["i", "v"]
    assert [b.name for b in loop.inputs["loop_vars"].arguments] == ["s", "out"]


def test_functions_with_opset_suffixes_symbols_any_rank_lists_and_comments() -> None:
    text = HEADER_13 + """{
    // a comment
    func first<ios16>(tensor<fp32, [1, n]> x) {
        list<tensor<fp32, [2]>, ?> l = make_list(init_length = int32(0));
        tensor<fp32, *> z = identity(x = x);
    } -> (z);
    func second<ios26>(tensor<fp32, [4]> x) {
        tensor<uint8, [4]> q = const()[val = tensor<uint8, [4]>([0, 1, 254, 255])];
        tensor<int64, [2]> big = const()[val = tensor<int64, [2]>([-9007199254740993, 3])];
    } -> (x);
}
"""
    program, _ = parse(text)
    assert {n: f.opset for n, f in program.functions.items()} == {"first": "CoreML6", "second": "CoreML9"}
    first = program.functions["first"]
    assert first.inputs[0].type.tensorType.dimensions[1].WhichOneof("dimension") == "unknown"
    ops = {op.outputs[0].name: op for op in first.block_specializations["CoreML6"].operations}
    assert ops["l"].outputs[0].type.WhichOneof("type") == "listType"
    assert ops["z"].outputs[0].type.tensorType.rank == -1
    second = {op.outputs[0].name: op for op in program.functions["second"].block_specializations["CoreML9"].operations}
    assert decode(second["q"].attributes["val"]) == [0, 1, 254, 255]
    assert decode(second["big"].attributes["val"]) == [-9007199254740993, 3]


@pytest.mark.parametrize(("text", "expected"), [
    ("program(1.0)\n{\n    func main<ios15>(tensor<fp32, [1]> x) {\n        tensor<fp32, [1]> y = relu(x = x)\n    } -> (y);\n}",
     "line 5, column 5: unexpected '}'"),
    ("program(1.0)\n{\n    func main<ios15>(tensor<fp32, [1]> x) {", "the text ends before the program does"),
    ("program(1.0)\n{ func main<ios15>(tensor<fp32, [1]> x) { tensor<fp32, [1]> y = relu(x = x)$; } -> (y); }",
     "unexpected character '$'"),
    ("program(1.0)\n{ func main<ios15>(tensor<qq32, [1]> x) { } -> (x); }", "unknown tensor type tensor<qq32"),
    (HEADER_13 + "{ func main<ios17>(tensor<fp32, [1]> x) { tensor<int8, [1]> y = const()[val = tensor<int8, [1]>([300])]; } -> (y); }",
     "a value does not fit its type"),
])
def test_syntax_errors_say_where(text: str, expected: str) -> None:
    with pytest.raises(MilSyntaxError) as caught:
        parse(text)
    assert expected in str(caught.value)


@pytest.mark.parametrize("version", ["1.0", "1.3"])
@pytest.mark.parametrize("model", ["mil_nested", "mil_dilated", "mil_clean"])
def test_a_compiled_program_gives_the_findings_of_its_package(tmp_path: Path, built: dict[str, Path], model: str,
                                                              version: str) -> None:
    compiled = compile_package(built[model], tmp_path / f"{model}.mlmodelc", version)
    source, target = check_model(built[model]).to_dict(), check_model(compiled).to_dict()
    assert target["error"] is None and target["format"] == "mlprogram"
    for report in (source, target):
        report.pop("path")
    assert target == source
    assert source["findings"]


def test_the_cli_reads_a_compiled_program(tmp_path: Path, built: dict[str, Path]) -> None:
    compiled = compile_package(built["mil_dilated"], tmp_path / "m.mlmodelc", "1.3")
    report, result = check_json(str(compiled), "--device", "a12")
    source, from_source = check_json(str(built["mil_dilated"]), "--device", "a12")
    assert result.returncode == from_source.returncode and "Traceback" not in result.stderr
    rules = {f["rule"] for f in report["models"][0]["findings"]}
    assert "layer-rule/dilated-convolution" in rules
    assert rules == {f["rule"] for f in source["models"][0]["findings"]}


def test_without_weight_bin_the_other_checks_still_run(tmp_path: Path, built: dict[str, Path]) -> None:
    compiled = compile_package(built["mil_dilated"], tmp_path / "m.mlmodelc", weights=False)
    report = check_model(compiled).to_dict()
    assert report["error"] is None
    notes = [f for f in report["findings"] if f["severity"] == "warning" and "weights/weight.bin is missing" in f["message"]]
    assert len(notes) == 1 and "precision scan was skipped" in notes[0]["message"]
    assert "layer-rule/dilated-convolution" in {f["rule"] for f in report["findings"]}


def test_flexible_shapes_reach_the_model_description(tmp_path: Path) -> None:
    loaded = read_model(_compiled(tmp_path, PROGRAM_13, weights=False))
    array = loaded.spec.description.input[0].type.multiArrayType
    assert list(array.shape) == [1, 4, 64]
    assert [(r.lowerBound, r.upperBound) for r in array.shapeRange.sizeRanges] == [(1, 1), (1, 512), (64, 64)]
    assert [s.name for s in loaded.spec.description.state] == ["cache"]
    assert loaded.spec.specificationVersion == 9


def test_a_dimension_without_flexible_shape_information_is_unbounded(tmp_path: Path) -> None:
    text = HEADER_13 + "{ func main<ios17>(tensor<fp32, [1, ?]> x) { tensor<fp32, [1, ?]> y = relu(x = x); } -> (y); }"
    report = check_model(_compiled(tmp_path, text, weights=False))
    array = read_model(tmp_path / "m.mlmodelc").spec.description.input[0].type.multiArrayType
    assert [(r.lowerBound, r.upperBound) for r in array.shapeRange.sizeRanges] == [(1, 1), (1, -1)]
    assert report.error is None


@pytest.mark.parametrize(("setup", "expected"), [
    ("weights", "not a complete compiled model: model.mil is missing"),
    ("shape", "not a complete compiled model: model.espresso.net is missing"),
    ("metadata-nn", "not a complete compiled model: model.espresso.net is missing"),
    ("empty", "not a complete compiled model: model.mil or model.espresso.net is missing"),
])
def test_a_missing_part_is_one_line_naming_it(tmp_path: Path, built: dict[str, Path], setup: str, expected: str) -> None:
    folder = tmp_path / "m.mlmodelc"
    folder.mkdir()
    (folder / "coremldata.bin").write_bytes(b"\0" * 8)
    if setup == "weights":
        (folder / "weights").mkdir()
    elif setup == "shape":
        (folder / "model.espresso.shape").write_text("{}", encoding="utf-8")
    elif setup == "metadata-nn":
        (folder / "metadata.json").write_text(json.dumps([{"modelType": {"name": "MLModelType_neuralNetwork"}}]))
    report, result = check_json(str(folder), str(built["nn_clean"]))
    assert result.returncode == 2 and report["models"][0]["error"] == expected
    assert report["models"][1]["error"] is None
    assert result.stderr.strip() == f"ane-kb: error: {folder}: {expected}"


@pytest.mark.parametrize("path", ["@model_path/../outside.bin", "/etc/passwd", "@model_path/weights/../../x.bin",
                                  "@model_path/"])
def test_weight_paths_must_stay_inside_the_folder(tmp_path: Path, path: str) -> None:
    text = PROGRAM_10.replace("@model_path/weights/weight.bin", path)
    with pytest.raises(ModelInputError) as caught:
        read_model(_compiled(tmp_path, text))
    assert "names a weight file outside the compiled model" in str(caught.value)


def test_a_symlinked_weights_folder_may_not_leave_the_model(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    folder = _compiled(tmp_path, PROGRAM_10, weights=False)
    (folder / "weights").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ModelInputError):
        read_model(folder)


@pytest.mark.parametrize(("content", "expected"), [
    (b"program(1.0)\n{\n  func main<ios15>(", "model.mil cannot be read: the text ends before the program does"),
    (b"\xff\xfe\x00garbage", "model.mil cannot be read: it is not UTF-8 text"),
    (b"", "model.mil cannot be read"),
])
def test_bad_model_mil_is_one_line_without_traceback(tmp_path: Path, built: dict[str, Path], content: bytes,
                                                     expected: str) -> None:
    folder = tmp_path / "m.mlmodelc"
    folder.mkdir()
    (folder / "model.mil").write_bytes(content)
    report, result = check_json(str(folder), str(built["nn_clean"]))
    assert result.returncode == 2 and expected in report["models"][0]["error"]
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_file_named_mlmodelc_is_refused(tmp_path: Path) -> None:
    single = tmp_path / "m.mlmodelc"
    single.write_bytes(b"x")
    result = run_check(str(single))
    assert result.returncode == 2 and "is a folder, and this is a file" in result.stderr


# -- compiled NeuralNetworks --------------------------------------------------------------------------------

def _espresso(tmp_path: Path, layers: list[dict[str, Any]], shapes: dict[str, list[int]] | None = None,
              weights: bool = True, metadata: bool = True) -> Path:
    return espresso_folder(tmp_path / "nn.mlmodelc", layers, shapes or {}, weights, metadata)


CONV_POOL = [
    {"type": "convolution", "name": "conv", "bottom": "x", "top": "c", "C": 8, "K": 3, "Nx": 3, "Ny": 3,
     "stride_x": 1, "stride_y": 1, "dilation_x": 2, "dilation_y": 2, "n_groups": 1, "has_biases": 0,
     "pad_mode": 1, "blob_weights": 1},
    {"type": "pool", "name": "pool", "bottom": "c", "top": "y", "avg_or_max": 1, "size_x": 15, "size_y": 15,
     "stride_x": 1, "stride_y": 1, "is_global": 0},
]


def test_a_compiled_network_gives_the_rule_findings_of_its_source(tmp_path: Path) -> None:
    source = models.nn_conv_pool(tmp_path / "nn.mlmodel", dilation=2, pool=15)
    compiled = _espresso(tmp_path, CONV_POOL, {"x": [1, 3, 32, 32], "c": [1, 8, 32, 32], "y": [1, 8, 32, 32]})
    a, b = check_model(source).to_dict(), check_model(compiled).to_dict()
    assert b["error"] is None and b["format"] == "neuralnetwork"

    def rule_findings(report: dict[str, Any]) -> set[tuple[Any, ...]]:
        return {(f["rule"], f["severity"], f["layer"], f["op"], json.dumps(f["values"], sort_keys=True))
                for f in report["findings"] if f["rule"].startswith("layer-rule/") and f["layer"]}

    assert rule_findings(a) == rule_findings(b)
    assert {"layer-rule/dilated-convolution", "layer-rule/pooling-kernel-too-large"} <= {f[0] for f in rule_findings(b)}
    assert a["verdict"] == b["verdict"] and a["summary"]["segments"] == b["summary"]["segments"]


def test_unmapped_espresso_types_are_listed_never_dropped(tmp_path: Path) -> None:
    layers = [*CONV_POOL, {"type": "fancy_new_layer", "name": "f", "bottom": "y", "top": "z"},
              {"type": "elementwise", "name": "e", "bottom": "z,y", "top": "w", "operation": 57},
              {"type": "elementwise", "name": "sum", "bottom": "w,y", "top": "v", "operation": 0}]
    report = check_model(_espresso(tmp_path, layers)).to_dict()
    uncovered = report["summary"]["uncovered_ops"]
    assert "espresso:fancy_new_layer" in uncovered and "espresso:elementwise(operation=57)" in uncovered
    assert report["summary"]["layers"] == 5


def test_compiled_network_weights_are_not_scanned_and_say_so(tmp_path: Path) -> None:
    present = check_model(_espresso(tmp_path, CONV_POOL)).to_dict()
    assert any("Espresso's own format" in f["message"] and f["severity"] == "warning" for f in present["findings"])
    shutil.rmtree(tmp_path / "nn.mlmodelc")
    missing = check_model(_espresso(tmp_path, CONV_POOL, weights=False)).to_dict()
    assert any("model.espresso.weights is missing" in f["message"] for f in missing["findings"])


def test_weight_bytes_of_a_compiled_network_come_from_its_weights_file(tmp_path: Path) -> None:
    from ane_kb.check.graph import walk
    from ane_kb.check.properties import ModelProperties

    loaded = read_model(_espresso(tmp_path, CONV_POOL))
    props = ModelProperties(loaded.spec, list(walk(loaded.spec)), loaded.weights_dir, loaded.properties)
    assert props("weight_bytes") == 4096 and props("input_shape_kind") == "fixed"
    assert [f.name for f in loaded.spec.description.input] == ["x"]


@pytest.mark.parametrize(("net", "expected"), [
    ("not json", "model.espresso.net cannot be read: it is not JSON (line 1"),
    ('{"layers": 5}', "model.espresso.net cannot be read: it has no list of layers"),
    ("[1, 2]", "model.espresso.net cannot be read: it has no list of layers"),
])
def test_a_bad_network_description_is_one_line(tmp_path: Path, net: str, expected: str) -> None:
    folder = _espresso(tmp_path, [])
    (folder / "model.espresso.net").write_text(net, encoding="utf-8")
    report, result = check_json(str(folder))
    assert result.returncode == 2 and expected in report["models"][0]["error"]
    assert "Traceback" not in result.stderr


def test_odd_layer_fields_never_break_the_reader(tmp_path: Path) -> None:
    layers = [{"type": "convolution", "name": 5, "bottom": ["x", 3], "top": None, "Nx": "3", "Ny": True},
              {"type": "pool", "avg_or_max": 7, "size_x": 2.0, "size_y": 2}, "not a layer", {"name": "typeless"}]
    report = check_model(_espresso(tmp_path, layers, {"x": [1, 0, 3, 3]}, metadata=False)).to_dict()
    assert report["error"] is None and report["summary"]["layers"] == 3


def test_a_compiled_pipeline_reads_every_model(tmp_path: Path, built: dict[str, Path]) -> None:
    folder = tmp_path / "pipe.mlmodelc"
    compile_package(built["mil_dilated"], folder / "model0")
    compile_package(built["mil_clean"], folder / "model1")
    (folder / "coremldata.bin").write_bytes(bytes(16))
    report = check_model(folder).to_dict()
    assert report["error"] is None and report["format"] == "pipeline"
    assert {f["path"] for f in report["findings"] if f["rule"] == "layer-rule/dilated-convolution"} == {"models[0]"}


def test_a_bare_list_argument_takes_the_type_its_values_imply() -> None:
    text = HEADER_13 + """{ func main<ios18>(tensor<fp32, [1, 4, 1, 8]> x) {
        tensor<fp32, [1, 4, 1, 8]> y = max_pool(kernel_sizes = [1, 1], strides = [[1], [1]], pad_type = string("valid"), x = x);
    } -> (y); }"""
    program, _ = parse(text)
    pool = _ops(program)["y"]
    value = pool.inputs["kernel_sizes"].arguments[0].value
    assert decode(value) == [1, 1] and value.type.tensorType.dataType == 23
    assert [d.constant.size for d in pool.inputs["strides"].arguments[0].value.type.tensorType.dimensions] == [2, 1]
