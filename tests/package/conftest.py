"""A knowledge base exported from the fixture KB, for package tests that must not move with the content."""

from __future__ import annotations

from pathlib import Path

import pytest

from ane_kb import KnowledgeBase, load
from generator import export as exporter
from generator.kb import load_kb
from tests.conftest import copy_minikb


@pytest.fixture(scope="session")
def mini_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mini")
    kb_dir = copy_minikb(root / "kb")
    out = root / "kb.json"
    out.write_text(exporter.dumps(exporter.build(load_kb(kb_dir))), encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def kb(mini_export: Path) -> KnowledgeBase:
    return load(mini_export)
