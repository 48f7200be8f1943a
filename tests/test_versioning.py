"""Versioned data end to end, in a scratch git repository: changelog, tombstones, redirects, vanished ids."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from ane_kb import MovedRecordWarning, UnknownIdError, load
from generator.kb import load_kb
from generator.site.build import build_site
from tests.conftest import ROOT, copy_minikb, errors

ENV = dict(os.environ, PYTHONPATH=str(ROOT), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
           GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=repo, capture_output=True, text=True, env=ENV)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=ENV)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    copy_minikb(root / "kb")
    _git(root, "init", "-q", "-b", "main")
    assert _run(root, "export").returncode == 0
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "first data")
    _git(root, "tag", "data-v0.1.0")
    return root


def _tombstone(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_added_record_appears_in_the_changelog(repo: Path) -> None:
    shutil.copy(repo / "kb" / "howto" / "check-thread.yaml", repo / "kb" / "howto" / "check-thread-two.yaml")
    new = repo / "kb" / "howto" / "check-thread-two.yaml"
    new.write_text(new.read_text(encoding="utf-8").replace("id: check-thread", "id: check-thread-two"), encoding="utf-8")
    result = _run(repo, "changelog", "--since", "data-v0.1.0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "## Added (1)" in result.stdout and "howto/check-thread-two" in result.stdout
    assert "## 新增 (1)" in result.stdout
    bump = _run(repo, "validate", "--base", "data-v0.1.0")
    assert bump.returncode == 0 and "warning: data-version: data_version 0.1.0 should be at least 0.2.0" in bump.stdout


def test_renamed_record_redirects_and_warns(repo: Path, tmp_path: Path) -> None:
    rules = repo / "kb" / "layer-rule"
    (rules / "pool-big.yaml").rename(rules / "pool-window-too-large.yaml")
    moved = rules / "pool-window-too-large.yaml"
    moved.write_text(moved.read_text(encoding="utf-8").replace("id: pool-big", "id: pool-window-too-large"), encoding="utf-8")
    _tombstone(rules / "pool-big.yaml", "id: pool-big\nkind: layer-rule\nstatus: moved\n"
                                        "redirect_to: layer-rule/pool-window-too-large\ndate: \"2026-01-02\"\n")
    settings = repo / "kb" / "_vocab" / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('data_version: "0.1.0"', 'data_version: "1.0.0"'),
                        encoding="utf-8")
    assert errors(repo / "kb") == []
    checked = _run(repo, "validate", "--base", "data-v0.1.0")
    assert checked.returncode == 0 and "warning" not in checked.stdout, checked.stdout
    log = _run(repo, "changelog", "--since", "data-v0.1.0", "--lang", "en").stdout
    assert "## Moved (1)" in log and "`layer-rule/pool-big` → now" in log
    assert _run(repo, "export").returncode == 0
    kb = load(repo / "src" / "ane_kb" / "data" / "kb.json")
    with pytest.warns(MovedRecordWarning, match="layer-rule/pool-big moved to layer-rule/pool-window-too-large"):
        assert kb.rules["pool-big"].id == "pool-window-too-large"
    with pytest.warns(MovedRecordWarning):
        assert kb.record("layer-rule/pool-big").id == "pool-window-too-large"
    site = tmp_path / "site"
    build_site(load_kb(repo / "kb"), site)
    for prefix in ("", "zh/"):
        page = (site / prefix / "layer-rule" / "pool-big" / "index.html").read_text(encoding="utf-8")
        assert 'http-equiv="refresh" content="0; url=../../layer-rule/pool-window-too-large/"' in page
        assert (site / prefix / "layer-rule" / "pool-window-too-large" / "index.html").is_file()


def test_removed_with_a_tombstone_explains_itself(repo: Path) -> None:
    path = repo / "kb" / "anecdote" / "slow-fp16.yaml"
    _tombstone(path, "id: slow-fp16\nkind: anecdote\nstatus: removed\ndate: \"2026-01-02\"\n"
                     "reason: {en: It was a duplicate., zh: 这条记录与另一条重复。}\n")
    assert errors(repo / "kb") == []
    assert _run(repo, "export").returncode == 0
    kb = load(repo / "src" / "ane_kb" / "data" / "kb.json")
    with pytest.raises(UnknownIdError, match="was removed: It was a duplicate."):
        kb.anecdotes["slow-fp16"]
    assert "## Removed (1)" in _run(repo, "changelog", "--since", "data-v0.1.0", "--lang", "en").stdout


def test_removed_without_a_tombstone_is_rejected(repo: Path) -> None:
    (repo / "kb" / "anecdote" / "slow-fp16.yaml").unlink()
    result = _run(repo, "validate", "--base", "data-v0.1.0")
    assert result.returncode == 1
    assert "kb/anecdote/slow-fp16.yaml:1:1: vanished-id: anecdote/slow-fp16 existed at data-v0.1.0 but is gone" in result.stdout


def test_tombstone_pointing_at_a_missing_record_is_rejected(repo: Path) -> None:
    _tombstone(repo / "kb" / "chip" / "a11.yaml", "id: a11\nkind: chip\nstatus: moved\nredirect_to: chip/a11-bionic\n"
                                                  "date: \"2026-01-02\"\n")
    problems = [p for p in errors(repo / "kb") if p.path.endswith("a11.yaml")]
    assert [p.check for p in problems] == ["references"]
    assert problems[0].message.startswith("'chip/a11-bionic' does not exist")


def test_tombstone_needs_its_fields(repo: Path) -> None:
    _tombstone(repo / "kb" / "chip" / "a11.yaml", "id: a11\nkind: chip\nstatus: removed\ndate: \"2026-01-02\"\n")
    problems = [p for p in errors(repo / "kb") if p.path.endswith("a11.yaml")]
    assert any("missing required field 'reason'" in p.message for p in problems)


def test_changelog_with_an_unknown_ref(repo: Path) -> None:
    result = _run(repo, "changelog", "--since", "no-such-ref")
    assert result.returncode == 2
    assert result.stderr.strip() == "python -m generator: error: unknown git ref 'no-such-ref'"


def test_export_carries_tombstones(repo: Path) -> None:
    document = json.loads((repo / "src" / "ane_kb" / "data" / "kb.json").read_text(encoding="utf-8"))
    assert document["tombstones"] == {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load(repo / "src" / "ane_kb" / "data" / "kb.json").record("chip/a12")


def test_renumbered_generations_need_a_major_bump_and_are_listed(repo: Path) -> None:
    def edit(path: str, old: str, new: str) -> None:
        file = repo / "kb" / path
        file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    edit("chip/m4.yaml", "generation: 2", "generation: 3")
    vocab = (repo / "kb" / "_vocab" / "ane-generations.yaml").read_text(encoding="utf-8")
    third = vocab[vocab.index("  2:"):].replace("  2:", "  3:", 1).replace("Second test", "Third test")
    edit("_vocab/ane-generations.yaml", vocab, vocab + third)
    edit("layer-rule/pool-big.yaml", "ane_generation: {min: 1, max: 1}", "ane_generation: {min: 1, max: 2}")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "renumber")
    assert _run(repo, "export").returncode == 0
    _git(repo, "commit", "-qam", "export")
    result = _run(repo, "changelog", "--since", "data-v0.1.0")
    assert "## Chips in another ANE generation (old → new ordinal) (1)" in result.stdout
    assert "chip/m4` M4: 2 → 3" in result.stdout
    bump = _run(repo, "validate", "--base", "data-v0.1.0")
    assert "data_version 0.1.0 should be at least 1.0.0 (chips changed ANE generation since 0.1.0)" in bump.stdout
