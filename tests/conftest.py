"""Shared test helpers: a small valid KB to copy and break, and ways to lint it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ane_kb import KnowledgeBase, load
from generator import export as exporter
from generator.kb import load_kb
from generator.lint import lint
from generator.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
REAL_VOCAB = ROOT / "kb" / "_vocab"
MINIKB = Path(__file__).resolve().parent / "fixtures" / "minikb"


def copy_minikb(dest: Path) -> Path:
    """A copy of the fixture KB, with the project's real vocabularies under the fixture's own."""
    shutil.copytree(REAL_VOCAB, dest / "_vocab")
    shutil.copytree(MINIKB, dest, dirs_exist_ok=True)
    return dest


@pytest.fixture
def minikb(tmp_path: Path) -> Path:
    return copy_minikb(tmp_path / "kb")


def lint_dir(kb_dir: Path) -> list[Problem]:
    return lint(load_kb(kb_dir))


def errors(kb_dir: Path) -> list[Problem]:
    return [p for p in lint_dir(kb_dir) if not p.warning]


@pytest.fixture
def edit(minikb: Path) -> Callable[[str, str, str], Path]:
    """Replace `old` by `new` in one fixture record (which must contain `old`) and return its path."""

    def _edit(relpath: str, old: str, new: str) -> Path:
        path = minikb / relpath
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relpath}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return _edit


def only(problems: list[Problem], check: str) -> list[Problem]:
    return [p for p in problems if p.check == check]


def where(path: Path, snippet: str, offset: int = 0) -> tuple[int, int]:
    """Line and column (1-based) of the first occurrence of `snippet` in the file, plus `offset` columns."""
    text = path.read_text(encoding="utf-8")
    index = text.index(snippet)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col + offset


def one(problems: list[Problem], check: str) -> Problem:
    found = only(problems, check)
    assert len(found) == 1, [p.format() for p in problems]
    return found[0]


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
