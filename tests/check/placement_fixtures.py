"""Models rebuilt from the test placement files (tests/data/placement/), once per module that asks."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "placement"
NAMES = ("m4-conv3x3", "m4-conv3x3-d2", "m4-maxpool-k9", "espresso-avgpool-k28")


def placement(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def measured_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from placement_models import build_model

    tmp = tmp_path_factory.mktemp("placement-models")
    return {name: build_model(placement(name)["build"], tmp) for name in NAMES}
