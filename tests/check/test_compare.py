"""`ane-kb check MODEL --compare placement.json` (contract §7) on placement files from published measurements.

The files in tests/data/placement/ are copies of calibration cases (benchmarks/placement/), each citing its source:
an M4 MLComputePlan sweep (751K/Apple-Neural-Engine-Microarchitecture-Study-M6, plan_iso_cpune.tsv) and an
Espresso log line from hollance/neural-engine issue #2. Their `build` descriptions rebuild the measured models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ane_kb import cli
from ane_kb.placement import spec_sha256
from generator import schemas
from tests.check.placement_fixtures import DATA, measured_models, placement  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "src" / "ane_kb" / "data" / "kb.json"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def flat(text: str) -> str:
    """Text output with its line wrapping undone."""
    return " ".join(text.split())


def compared(capsys: pytest.CaptureFixture[str], model: Path, name: str, *extra: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(capsys, str(model), "--compare", str(DATA / f"{name}.json"), "--format", "json", *extra)
    assert code in (0, 1), err
    report = json.loads(out)
    assert [e.message for e in schemas.validator("check.schema.json").iter_errors(report)] == []
    model_report: dict[str, Any] = report["models"][0]
    return code, model_report


def kb_without_lift(tmp_path: Path) -> Path:
    """The KB as it stood before the 2026 M4 sweep: the 2020 dilated-convolution rule with no lift recorded."""
    document = json.loads(EXPORT.read_text(encoding="utf-8"))
    rule = document["records"]["layer-rule/dilated-convolution"]
    rule["confidence"] = "likely"
    rule["applies_to"] = {}
    rule["observed_on"] = [o for o in rule["observed_on"] if o.get("outcome") != "runs-on-ane"]
    rule.pop("disputes", None)
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def kb_without(tmp_path: Path, ref: str) -> Path:
    document = json.loads(EXPORT.read_text(encoding="utf-8"))
    del document["records"][ref]
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_full_agreement(capsys: pytest.CaptureFixture[str], measured_models: dict[str, Path]) -> None:
    code, model = compared(capsys, measured_models["m4-conv3x3"], "m4-conv3x3")
    comparison = model["comparison"]
    assert comparison["chip"] == "m4" and comparison["note"] is None
    assert comparison["counts"]["agrees"] == 1 and sum(comparison["counts"].values()) == 1
    assert comparison["ops"][0] == {"layer": "conv_0", "op": "ios18.conv", "measured": "ane", "preferred": "cpu",
                                    "predicted": "on", "agrees": True, "outcome": "agrees", "rules": []}


def test_an_agreeing_restriction_names_its_rule(capsys: pytest.CaptureFixture[str], measured_models: dict[str, Path]) -> None:
    code, model = compared(capsys, measured_models["m4-maxpool-k9"], "m4-maxpool-k9")
    op = model["comparison"]["ops"][0]
    assert (op["measured"], op["predicted"], op["outcome"]) == ("not-ane", "off", "agrees")
    assert op["rules"] == ["layer-rule/max-pool-kernel-limit-m4 (error)"]
    finding = next(f for f in model["findings"] if f["rule"] == "layer-rule/max-pool-kernel-limit-m4")
    assert finding["measured"] == "not-ane" and finding["agrees"] is True


def test_a_lifted_restriction(tmp_path: Path, capsys: pytest.CaptureFixture[str], measured_models: dict[str, Path]) -> None:
    data = kb_without_lift(tmp_path)
    code, model = compared(capsys, measured_models["m4-conv3x3-d2"], "m4-conv3x3-d2", "--data", str(data))
    op = model["comparison"]["ops"][0]
    assert (op["measured"], op["predicted"], op["agrees"]) == ("ane", "off", False)
    assert op["outcome"] == "predicted-off-but-ane-supports-it"
    assert op["rules"] == ["layer-rule/dilated-convolution (error)"]
    finding = next(f for f in model["findings"] if f["rule"] == "layer-rule/dilated-convolution")
    assert finding["measured"] == "ane" and finding["agrees"] is False
    # the real KB has recorded this lift: the same measurement agrees with it
    _, real = compared(capsys, measured_models["m4-conv3x3-d2"], "m4-conv3x3-d2")
    assert real["comparison"]["ops"][0]["outcome"] == "agrees"


def test_a_new_restriction(tmp_path: Path, capsys: pytest.CaptureFixture[str], measured_models: dict[str, Path]) -> None:
    data = kb_without(tmp_path, "layer-rule/max-pool-kernel-limit-m4")
    code, model = compared(capsys, measured_models["m4-maxpool-k9"], "m4-maxpool-k9", "--data", str(data))
    op = model["comparison"]["ops"][0]
    assert (op["measured"], op["predicted"], op["agrees"]) == ("not-ane", "on", False)
    assert op["outcome"] == "predicted-on-but-ane-does-not"


def test_the_text_report_has_a_comparison_table(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                measured_models: dict[str, Path]) -> None:
    data = kb_without_lift(tmp_path)
    code, out, err = run(capsys, str(measured_models["m4-conv3x3-d2"]), "--compare", str(DATA / "m4-conv3x3-d2.json"),
                         "--data", str(data))
    assert code == 1
    assert all(len(line) <= 100 for line in out.split("\n\n")[0].splitlines())
    out = flat(out)
    assert "compared with" in out and "DIFF conv_0 (ios18.conv): predicted off, but the ANE supports it" in out
    assert "layer-rule/dilated-convolution (error)" in out
    assert out.rstrip().endswith("finding(s) at or above --fail-on error")
    code, out, err = run(capsys, str(measured_models["m4-conv3x3-d2"]), "--compare", str(DATA / "m4-conv3x3-d2.json"),
                         "--data", str(data), "--lang", "zh")
    assert "预测不上神经引擎，但神经引擎支持它" in out


def test_a_chip_the_kb_does_not_know(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     measured_models: dict[str, Path]) -> None:
    # a published measurement that names no chip (an Espresso log line; the thread does not name the device)
    code, model = compared(capsys, measured_models["espresso-avgpool-k28"], "espresso-avgpool-k28")
    comparison = model["comparison"]
    assert comparison["chip"] is None and "names no chip" in comparison["note"]
    assert comparison["ops"][0]["outcome"] == "predicted-on-but-ane-does-not"  # the disputed rule is a warning
    # the same measurement relabelled with a chip id the KB lacks
    unknown = placement("m4-conv3x3")
    unknown["host"]["chip"] = "m99"
    path = tmp_path / "m99.json"
    path.write_text(json.dumps(unknown), encoding="utf-8")
    code, out, err = run(capsys, str(measured_models["m4-conv3x3"]), "--compare", str(path))
    assert code == 0, err
    out = flat(out)
    assert "the KB does not know the chip 'm99'" in out and "pass --device" in out


@pytest.mark.parametrize(("text", "problem"), [
    ("{", "not a JSON placement file"),
    ('{"format_version": 2, "ops": [{"name": "x"}], "examined": ["ane"]}', "format_version 2 is not supported"),
    ('{"format_version": 1, "ops": [], "examined": ["ane"]}', "ops: expected a non-empty list"),
    ('{"format_version": 1, "ops": [{"name": "x"}]}', "examined: expected the list"),
])
def test_a_malformed_file_is_one_usage_line_and_nothing_is_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                   measured_models: dict[str, Path], text: str,
                                                                   problem: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, str(measured_models["m4-conv3x3"]), "--compare", str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(path) in err and problem in err and "Traceback" not in err


def test_several_models_are_paired_by_sha256(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             measured_models: dict[str, Path]) -> None:
    files = []
    for name in ("m4-conv3x3", "m4-maxpool-k9"):
        data = placement(name)
        data["model"]["sha256"] = spec_sha256(measured_models[name])
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(capsys, str(measured_models["m4-maxpool-k9"]), str(measured_models["m4-conv3x3"]),
                         "--compare", str(files[0]), "--compare", str(files[1]), "--format", "json")
    models = json.loads(out)["models"]
    assert [m["comparison"]["placement"] for m in models] == [str(files[1]), str(files[0])]
    stray = tmp_path / "stray.json"
    stray.write_text(json.dumps(placement("m4-conv3x3-d2")), encoding="utf-8")
    code, out, err = run(capsys, str(measured_models["m4-maxpool-k9"]), str(measured_models["m4-conv3x3"]),
                         "--compare", str(files[0]), "--compare", str(stray))
    assert code == 2 and out == "" and "stray.json: model.sha256 matches none of the models" in err


def test_spec_sha256_hashes_the_spec_file(measured_models: dict[str, Path]) -> None:
    import hashlib

    package = measured_models["m4-conv3x3"]
    spec = package / "Data" / "com.apple.CoreML" / "model.mlmodel"
    assert spec_sha256(package) == hashlib.sha256(spec.read_bytes()).hexdigest()
    plain = measured_models["espresso-avgpool-k28"]
    assert spec_sha256(plain) == hashlib.sha256(plain.read_bytes()).hexdigest()


def test_ops_only_in_the_measurement_are_unmatched_and_undecidable_ops_say_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], measured_models: dict[str, Path]) -> None:
    data = placement("m4-conv3x3")
    data["ops"].append({"name": "conv_0_fused_relu", "type": "ios18.conv", "supported": ["cpu", "ane"],
                        "preferred": "ane"})
    data["ops"][0]["supported"], data["ops"][0]["preferred"] = None, "cpu"  # a report that shows only the device used
    path = tmp_path / "renamed.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(capsys, str(measured_models["m4-conv3x3"]), "--compare", str(path), "--format", "json")
    ops = {op["layer"]: op for op in json.loads(out)["models"][0]["comparison"]["ops"]}
    assert ops["conv_0_fused_relu"]["outcome"] == "unmatched" and ops["conv_0_fused_relu"]["agrees"] is None
    assert ops["conv_0"]["measured"] == "unknown" and ops["conv_0"]["outcome"] == "not-measured"
    code, out, err = run(capsys, str(measured_models["m4-conv3x3"]), "--compare", str(path))
    out = flat(out)
    assert "conv_0_fused_relu (ios18.conv): unmatched (only in the measurement)" in out
    assert "conv_0 (ios18.conv): the measurement cannot tell" in out
