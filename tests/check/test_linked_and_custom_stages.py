"""A pipeline stage that links to another model file, or that is the app's own code, is named for what it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ane_kb.check import check_model
from tests.check.models import ct, datatypes, nn_builder


def _pipeline_with(path: Path, fill: Any) -> Path:
    """A small neural stage followed by a stage that `fill` writes into a fresh Model message."""
    from coremltools.models.pipeline import Pipeline

    builder = nn_builder((3, 8, 8))
    builder.add_activation("relu", "RELU", input_name="x", output_name="y")
    pipe = Pipeline([("x", datatypes.Array(3, 8, 8))], [("z", datatypes.Array(3, 8, 8))])
    pipe.add_model(builder.spec)
    stage = ct.proto.Model_pb2.Model()
    stage.specificationVersion = 4
    fill(stage)
    pipe.add_model(stage)
    pipe.spec.specificationVersion = 4
    ct.utils.save_spec(pipe.spec, str(path))
    return path


def _link(stage: Any) -> None:
    stage.linkedModel.linkedModelFile.linkedModelFileName.defaultValue = "Decoder.mlmodelc"


def _custom(stage: Any) -> None:
    stage.customModel.className = "MyTokenizer"


def _stage_finding(report: Any) -> Any:
    [finding] = [f for f in report.findings if f.rule == "layer-rule/classical-pipeline-stages"]
    return finding


def test_a_linked_model_stage_names_the_file_to_check(tmp_path: Path) -> None:
    path = _pipeline_with(tmp_path / "linked.mlmodel", _link)
    finding = _stage_finding(check_model(path))
    assert finding.op == "linkedModel" and "Decoder.mlmodelc" in finding.message
    assert "not a neural network" not in finding.message
    assert "Decoder.mlmodelc" in _stage_finding(check_model(path, lang="zh")).message


def test_a_custom_model_stage_is_the_apps_own_code(tmp_path: Path) -> None:
    path = _pipeline_with(tmp_path / "custom.mlmodel", _custom)
    finding = _stage_finding(check_model(path))
    assert finding.op == "customModel" and "MyTokenizer" in finding.message and "app's own code" in finding.message
    assert "App 自己的代码" in _stage_finding(check_model(path, lang="zh")).message


def test_a_model_that_is_only_a_link_says_so(tmp_path: Path) -> None:
    spec = ct.proto.Model_pb2.Model()
    spec.specificationVersion = 4
    _link(spec)
    path = tmp_path / "only-link.mlmodel"
    ct.utils.save_spec(spec, str(path))
    report = check_model(path)
    assert report.verdict == "not-applicable"
    assert report.message and report.message.startswith("This stage links") and "Decoder.mlmodelc" in report.message
