"""The zoo of benchmarks/zoo.py draws no more errors than its targets allow: a rule that starts firing on a
ResNet, a MobileNet, a transformer block or a detector head shows up here, not only in the benchmark's figures.
(The compressed ResNets have their own regression tests in test_scoped_rules.py; the verdicts are the
benchmark's to print, since warnings do not decide them.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from ane_kb.check import check_model
from benchmarks import zoo_models
from benchmarks.zoo import TARGETS

BUILDERS = {
    "resnet": lambda d: zoo_models.resnet(d / "resnet.mlpackage"),
    "mobilenet": lambda d: zoo_models.mobilenet(d / "mobilenet.mlpackage"),
    "transformer_bc1s": lambda d: zoo_models.transformer_bc1s(d / "bc1s.mlpackage"),
    "transformer_bsc": lambda d: zoo_models.transformer_bsc(d / "bsc.mlpackage"),
    "lstm_audio": lambda d: zoo_models.lstm_audio(d / "lstm.mlpackage"),
    "detector_head": lambda d: zoo_models.detector_head(d / "detector.mlpackage"),
    "nn_cnn": lambda d: zoo_models.nn_cnn(d / "nn_cnn.mlmodel"),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_a_zoo_model_draws_no_more_errors_than_its_target(tmp_path: Path, name: str) -> None:
    report = check_model(BUILDERS[name](tmp_path))
    errors = [f"{f.rule} @ {f.layer}" for f in report.findings if f.severity == "error"]
    assert report.error is None and len(errors) <= TARGETS[name].max_errors, errors
    assert not [u for f in report.findings for u in f.unknown if u.startswith(("dims ", "rank "))]


def test_the_lstm_is_the_one_error_of_the_audio_model(tmp_path: Path) -> None:
    report = check_model(BUILDERS["lstm_audio"](tmp_path))
    assert [(f.rule, f.op) for f in report.findings if f.severity == "error"] == [("layer-rule/recurrent-layers", "lstm")]
