"""Build the wheel and sdist from a clean copy, offline, and use the wheel alone in a fresh virtualenv."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

QUERY = """
import ane_kb, json
from ane_kb import rules, chips, devices, precision, anecdotes, howtos
sizes = {name: len(getattr(ane_kb, name)) for name in ("rules", "chips", "devices", "precision", "anecdotes", "howtos")}
assert all(sizes.values()), sizes
assert devices.lookup("iPhone 12 Pro").chips[0].id == "a14"
assert ane_kb.coreml_can_use_ane("iPhone 12 Pro") is True
assert ane_kb.coreml_can_use_ane("iPhone X") is False
pool = [m.rule.id for m in rules.matching(format="mlprogram", op="max_pool", params={"kernel_size": [15, 15]})]
assert pool, pool
print(json.dumps({"sizes": sizes, "version": ane_kb.__version__, "data": ane_kb.data_version, "file": ane_kb.__file__}))
"""


def _clean_copy(dest: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = _clean_copy(tmp_path_factory.mktemp("clean") / "ane-kb")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--sdist", "--outdir", str(out)],
                   cwd=copy, check=True, capture_output=True)
    return out


def test_wheel_holds_the_data_and_no_repository_tooling(built: Path) -> None:
    [wheel] = built.glob("ane_kb-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "ane_kb/data/kb.json" in names
    assert "ane_kb/data/schema/export.schema.json" in names
    assert "ane_kb/py.typed" in names
    assert "ane_kb/check/readers/mil.lark" in names
    assert not [n for n in names if n.startswith(("kb/", "generator/", "tests/"))]
    assert [sd.name for sd in built.glob("ane_kb-*.tar.gz")]


def test_wheel_alone_in_a_fresh_virtualenv(built: Path, tmp_path: Path) -> None:
    [wheel] = built.glob("ane_kb-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", str(wheel)], check=True,
                   capture_output=True)
    result = subprocess.run([str(python), "-c", QUERY], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert str(venv) in result.stdout and str(ROOT) not in result.stdout
    cli = subprocess.run([str(venv / "bin" / "ane-kb"), "device", "iPhone 12 Pro", "--format", "json"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert cli.returncode == 0 and '"coreml_can_use_ane": true' in cli.stdout
