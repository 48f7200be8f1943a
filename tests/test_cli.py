"""python -m generator: output format, exit codes and usage errors."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_validate_clean_kb_exits_0(minikb: Path) -> None:
    result = run("validate", str(minikb))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "9 records valid" in result.stderr or "records valid" in result.stderr


def test_validate_reports_every_problem_one_per_line_and_exits_1(minikb: Path) -> None:
    (minikb / "chip" / "m4.yaml").write_text((minikb / "chip" / "m4.yaml").read_text(encoding="utf-8")
                                             .replace("year: 2024", "year: 2024\nbogus: 1"), encoding="utf-8")
    (minikb / "chip" / "bad.yaml").write_text("id: [\n", encoding="utf-8")
    result = run("validate", "--kb", str(minikb))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(line.count(":") >= 4 for line in lines)
    assert any("/chip/m4.yaml:" in line and ": schema: unknown key 'bogus'" in line for line in lines)
    assert any("/chip/bad.yaml:2:1: yaml-syntax: " in line for line in lines)
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().endswith("2 error(s), 0 warning(s)")


def test_usage_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    for args in (("frobnicate",), (), ("validate", str(tmp_path / "nowhere")), ("export", "--bogus")):
        result = run(*args)
        assert result.returncode == 2, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("python -m generator: error: ")
        assert result.stdout == ""
