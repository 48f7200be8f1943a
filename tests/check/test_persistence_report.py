"""The checker applies the persistence policy (contract §2) to the shipped KB: restrictions hold on newer engines
until an observation lifts them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.check import models
from tests.check.conftest import check_json

UPSAMPLE = "layer-rule/upsample-scale-too-large"
RECURRENT = "layer-rule/recurrent-layers"


@pytest.fixture(scope="module")
def upsample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return models.nn_upsample(tmp_path_factory.mktemp("persist") / "upsample4.mlmodel", factor=4)


def findings(model: Path, *args: str, rule: str) -> list[dict[str, Any]]:
    report, _ = check_json(str(model), *args)
    return [f for f in report["models"][0]["findings"] if f["rule"] == rule]


def test_a_restriction_observed_on_a12_still_errors_on_an_m5(built: dict[str, Path]) -> None:
    [lstm] = findings(built["lstm_pool"], "--device", "iPad Pro 13-inch (2025)", rule=RECURRENT)
    assert lstm["severity"] == "error"
    assert lstm["message"].endswith("observed on A12 Bionic, M4; assumed to hold on newer engines")


def test_the_restriction_is_simply_observed_where_it_was_measured(built: dict[str, Path]) -> None:
    [lstm] = findings(built["lstm_pool"], "--device", "iPad Pro 13-inch (2024)", rule=RECURRENT)
    assert lstm["severity"] == "error" and "assumed" not in lstm["message"]


def test_the_assumption_is_said_in_chinese(built: dict[str, Path]) -> None:
    [lstm] = findings(built["lstm_pool"], "--device", "iPad Pro 13-inch (2025)", "--lang", "zh", rule=RECURRENT)
    assert lstm["message"].endswith("在 A12 Bionic、M4 上观察到；推定在更新的神经引擎上仍然成立")


def test_a_restriction_lifted_on_the_m4_generation(upsample: Path) -> None:
    [old] = findings(upsample, "--device", "iPhone XS", rule=UPSAMPLE)
    [between] = findings(upsample, "--device", "iPad Air 11-inch (2024)", rule=UPSAMPLE)
    assert old["severity"] == "error"
    assert between["severity"] == "warning"
    assert between["message"].endswith(
        "observed on engines up to the A14 / M1 generation, lifted on M4; this engine lies between them, so it may not hold")
    assert findings(upsample, "--device", "iPad Pro 13-inch (2024)", rule=UPSAMPLE) == []
    assert findings(upsample, "--device", "iPad Pro 13-inch (2025)", rule=UPSAMPLE) == []


def test_verbose_says_where_it_was_lifted(upsample: Path) -> None:
    [lifted] = findings(upsample, "--device", "iPad Pro 13-inch (2024)", "--verbose", rule=UPSAMPLE)
    assert lifted["severity"] == "info"
    assert lifted["message"].endswith(": lifted on M4 (the op ran on the ANE there)")


def test_a_lift_on_one_chip_of_a_device_does_not_hide_the_other(upsample: Path) -> None:
    [finding] = findings(upsample, "--device", "Mac Studio (2025)", rule=UPSAMPLE)
    assert finding["severity"] == "warning" and "M3 Ultra" in finding["message"] and "M4 Max" not in finding["message"]
