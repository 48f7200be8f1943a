"""python -m generator build: all or nothing, and it never touches the checked-in export."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator.kb import load_kb
from generator.site import build as site_build
from tests.conftest import ROOT
from tests.test_cli import run

EXPORT = ROOT / "src" / "ane_kb" / "data" / "kb.json"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_of_another_kb_writes_both_languages_and_leaves_the_export(minikb: Path, tmp_path: Path) -> None:
    before = _digest(EXPORT)
    out = tmp_path / "site"
    result = run("build", "--kb", str(minikb), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "layer-rule" / "pool-big" / "index.html").is_file()
    assert (out / "zh" / "layer-rule" / "pool-big" / "index.html").is_file()
    assert _digest(EXPORT) == before


def test_invalid_kb_writes_nothing(minikb: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "marker.txt").write_text("previous site", encoding="utf-8")
    (minikb / "chip" / "m4.yaml").write_text("id: [\n", encoding="utf-8")
    result = run("build", "--kb", str(minikb), "--out", str(out))
    assert result.returncode == 1
    assert "build: nothing written" in result.stderr
    assert [p.name for p in out.iterdir()] == ["marker.txt"]


def test_failed_mkdocs_build_leaves_the_previous_site(minikb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "  - Licence: license.md", "  - Licence: license.md\n  - Missing: no-such-page.md"), encoding="utf-8")
    monkeypatch.setitem(site_build.CONFIGS, "en", broken)
    out = tmp_path / "site"
    out.mkdir()
    (out / "marker.txt").write_text("previous site", encoding="utf-8")
    with pytest.raises(site_build.BuildError, match="mkdocs build --strict -f broken.yml failed"):
        site_build.build_site(load_kb(minikb), out)
    assert [p.name for p in out.iterdir()] == ["marker.txt"]
    assert not list(tmp_path.glob(".site.*"))
