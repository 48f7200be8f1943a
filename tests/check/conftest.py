"""Models built once per test session, and a way to run `ane-kb check` as a process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.check import models


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("models")
    return {
        "lstm_pool": models.nn_lstm_pool(tmp / "lstm_pool.mlmodel"),
        "lstm_pool_13": models.nn_lstm_pool(tmp / "lstm_pool_13.mlmodel", pool=13),
        "nn_clean": models.nn_conv_pool(tmp / "nn_clean.mlmodel"),
        "nn_nested": models.nn_nested(tmp / "nn_nested.mlmodel"),
        "nn_pipeline": models.nn_pipeline(tmp / "nn_pipeline.mlmodel", tmp),
        "mil_dilated": models.mil_conv_pool(tmp / "mil_dilated.mlpackage", dilation=2, channels=128, outputs=512,
                                           relu=False),
        "mil_clean": models.mil_conv_pool(tmp / "mil_clean.mlpackage"),
        "mil_clean_big": models.mil_conv_pool(tmp / "mil_clean_big.mlpackage", channels=128, outputs=512, relu=False),
        "mil_nested": models.mil_nested(tmp / "mil_nested.mlpackage"),
        "mil_pipeline": models.mil_pipeline(tmp / "mil_pipeline.mlpackage", tmp),
        "tree": models.tree_ensemble(tmp / "tree.mlmodel"),
    }


def run_check(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ane_kb", "check", *args], capture_output=True, text=True, cwd=cwd)


def check_json(*args: str) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    result = run_check(*args, "--format", "json")
    return json.loads(result.stdout), result


def copy_package(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest)
    return dest
