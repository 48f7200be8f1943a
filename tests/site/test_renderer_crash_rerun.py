"""Browser tests get one rerun when Chromium's renderer crashes, and none for any other failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CASES = '''
import pytest

CALLS = {"crash": 0, "wrong": 0, "plain": 0}


@pytest.fixture
def page():
    return None


def test_renderer_crash_once(page):
    CALLS["crash"] += 1
    if CALLS["crash"] == 1:
        raise RuntimeError("Page.wait_for_selector: Target crashed")


def test_wrong_answer(page):
    CALLS["wrong"] += 1
    assert CALLS["wrong"] == 0


def test_crash_without_the_page_fixture():
    CALLS["plain"] += 1
    if CALLS["plain"] == 1:
        raise RuntimeError("Target crashed")
'''


def test_only_a_renderer_crash_in_a_page_test_is_rerun(tmp_path: Path) -> None:
    (tmp_path / "test_cases.py").write_text(CASES, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.site.conftest",
                           str(tmp_path / "test_cases.py")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    summary = done.stdout.strip().splitlines()[-1]
    assert "2 failed, 1 passed, 1 rerun" in summary, done.stdout
    assert "FAILED" in done.stdout and "test_wrong_answer" in done.stdout
    assert "test_crash_without_the_page_fixture" in done.stdout
