"""python -m generator observe (contract §7): a reviewed patch from a measurement, never a silent edit.

The placement files are the published measurements in tests/data/placement/ (see tests/check/test_compare.py):
the M4 MLComputePlan sweep of 751K/Apple-Neural-Engine-Microarchitecture-Study-M6 and an Espresso log line from
hollance/neural-engine issue #2. Each test works on a copy of the real KB inside a throw-away git repository.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "placement"
PROBLEM = re.compile(r"^[^\n]+:\d+:\d+: [a-z-]+: .+$")


def generator(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": f"{ROOT}:{ROOT / 'src'}", "PATH": "/usr/bin:/bin"}, timeout=300)


def git(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": str(cwd)})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding a copy of the real KB, committed."""
    shutil.copytree(ROOT / "kb", tmp_path / "kb")
    git("init", "-q", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    done = git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "kb", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path


def observed(repo: Path, placement: Path, *extra: str) -> tuple[str, subprocess.CompletedProcess[str]]:
    result = generator("observe", str(placement), "--kb", "kb", "--out", "obs.patch", *extra, cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return (repo / "obs.patch").read_text(encoding="utf-8"), result


def added(patch: str) -> list[str]:
    return [line[1:] for line in patch.splitlines() if line.startswith("+") and not line.startswith("+++")]


def removed(patch: str) -> list[str]:
    return [line[1:] for line in patch.splitlines() if line.startswith("-") and not line.startswith("---")]


def apply_and_validate(repo: Path) -> list[str]:
    check = git("apply", "--check", "obs.patch", cwd=repo)
    assert check.returncode == 0, check.stderr
    assert git("apply", "obs.patch", cwd=repo).returncode == 0
    result = generator("validate", "--kb", "kb", cwd=repo)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    return result.stdout.splitlines()


def placement_copy(tmp_path: Path, name: str, **changes: Any) -> Path:
    data = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        target = data
        *parents, last = dotted.split("__")
        for part in parents:
            target = target[part]
        target[last] = value
    path = tmp_path / f"{name}-copy.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_a_lift_becomes_a_runs_on_ane_observation_and_validate_fails_until_the_stubs_are_written(repo: Path) -> None:
    assert generator("validate", "--kb", "kb", cwd=repo).returncode == 0
    patch, result = observed(repo, DATA / "m4-conv3x3-d2.json")
    assert patch.startswith("diff --git a/kb/layer-rule/dilated-convolution.yaml b/kb/layer-rule/dilated-convolution.yaml")
    assert removed(patch) == [], "observe adds; it never rewrites what is there"
    lines = added(patch)
    assert "    outcome: runs-on-ane" in lines and "  - chips: [chip/m4]" in lines
    assert any("plan_iso_cpune.tsv" in line and "source:" in line for line in lines)
    assert "a lift" in result.stderr and "confidence: disputed" in result.stderr
    problems = apply_and_validate(repo)
    stubs = [p for p in problems if ": placeholder: " in p]
    assert all(PROBLEM.match(p) for p in problems)
    assert {p.split(":")[0] for p in stubs} == {"kb/layer-rule/dilated-convolution.yaml"}
    assert any("note.en still holds a placeholder" in p for p in stubs)
    assert any("note.zh still holds a placeholder" in p for p in stubs)
    # once applied, the same measurement has nothing more to add
    again = generator("observe", str(DATA / "m4-conv3x3-d2.json"), "--kb", "kb", "--out", "again.patch", cwd=repo)
    assert again.returncode == 0 and "already recorded" in again.stderr and not (repo / "again.patch").exists()


def test_a_restriction_seen_again_is_a_restricted_observation(repo: Path) -> None:
    patch, _ = observed(repo, DATA / "m4-maxpool-k9.json")
    assert "a/kb/layer-rule/max-pool-kernel-limit-m4.yaml" in patch and removed(patch) == []
    lines = added(patch)
    assert "    outcome: restricted" in lines and "    outcome: runs-on-ane" not in lines
    assert any("kernel_width [9]" in line for line in lines)
    problems = apply_and_validate(repo)
    assert problems and all(p.startswith("kb/layer-rule/max-pool-kernel-limit-m4.yaml:") and ": placeholder: " in p
                            for p in problems)
    # with the two stubs written, the record validates: the patch holds nothing else to fix
    record = repo / "kb" / "layer-rule" / "max-pool-kernel-limit-m4.yaml"
    text = record.read_text(encoding="utf-8")
    text = re.sub(r"en: >-\n        TODO:.*?\n(?=      zh:)",
                  "en: A 9×9 max_pool stayed on the CPU in the study's per-op compute plan.\n", text, flags=re.S)
    text = re.sub(r"zh: 'TODO:.*?'\n", "zh: 在该研究的逐算子计算计划中，9×9 的 max_pool 留在了 CPU 上。\n", text, flags=re.S)
    record.write_text(text, encoding="utf-8")
    result = generator("validate", "--kb", "kb", cwd=repo)
    assert result.returncode == 0, result.stdout


def test_a_new_restriction_gets_a_rule_scaffold(repo: Path) -> None:
    # the KB before the M4 boundary sweep: no rule keeps a 9-wide max_pool off the ANE
    (repo / "kb" / "layer-rule" / "max-pool-kernel-limit-m4.yaml").unlink()
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qam", "without the rule", cwd=repo)
    patch, result = observed(repo, DATA / "m4-maxpool-k9.json")
    new = "kb/layer-rule/max-pool-off-ane-on-m4.yaml"
    assert f"+++ b/{new}" in patch and "--- /dev/null" in patch and "new file mode 100644" in patch
    assert "new rule scaffold" in result.stderr
    lines = added(patch)
    assert "family: pooling" in lines and "  mlprogram: [max_pool]" in lines
    assert "    outcome: restricted" in lines and "    expect: match" in lines
    problems = apply_and_validate(repo)
    stubs = {p.split(": placeholder: ")[1].split(" still")[0] for p in problems if p.startswith(f"{new}:")
             and ": placeholder: " in p}
    assert {"title.en", "title.zh", "summary.en", "summary.zh", "body.en", "body.zh", "confidence"} <= stubs


def test_a_contributor_measurement_cites_the_source_given_or_a_placeholder(repo: Path, tmp_path: Path) -> None:
    mine = placement_copy(tmp_path, "m4-maxpool-k9", source={"measured_by": "contributor", "tool": "ane-kb probe 0.1.0"})
    url = "https://github.com/ane-kb/ane-kb/issues/999"
    patch, _ = observed(repo, mine, "--source", url)
    lines = added(patch)
    assert f"    source: {url}" in lines and f"  - url: {url}" in lines and "    kind: issue-thread" in lines
    (repo / "obs.patch").unlink()
    patch, _ = observed(repo, mine)
    assert "    source: https://TODO.invalid/where-the-placement-file-is-published" in added(patch)
    problems = apply_and_validate(repo)
    assert any("max-pool-kernel-limit-m4.yaml" in p and "placeholder" in p and "sources" in p for p in problems)


def test_a_chip_the_kb_does_not_know_is_one_line_and_nothing_is_written(repo: Path, tmp_path: Path) -> None:
    result = generator("observe", str(DATA / "espresso-avgpool-k28.json"), "--kb", "kb", "--out", "obs.patch", cwd=repo)
    assert result.returncode == 1 and not (repo / "obs.patch").exists()
    [line] = result.stdout.splitlines()
    assert PROBLEM.match(line) and "espresso-avgpool-k28.json:" in line and "host/chip: the measurement names no chip" in line
    unknown = placement_copy(tmp_path, "m4-conv3x3", host__chip="m99")
    result = generator("observe", str(unknown), "--kb", "kb", "--out", "obs.patch", cwd=repo)
    assert result.returncode == 1 and not (repo / "obs.patch").exists()
    [line] = result.stdout.splitlines()
    assert "chip 'm99' is not in the KB" in line and "python -m generator new chip m99" in line
    assert re.search(r":1[0-9]:\d+: placement:", line), "the line points at host.chip"


@pytest.mark.parametrize(("text", "where", "problem"), [
    ('{"format_version": 1,\n  "ops": [\n', ":3:1: placement:", "not JSON"),
    ('{"format_version": 1, "model": {"name": "x", "sha256": null, "format": "mlprogram"}, "host": {"chip": "m4"}, '
     '"method": "mlcomputeplan", "examined": ["cpu", "ane"], "source": {"measured_by": "contributor"}, '
     '"ops": [{"name": "a", "type": "conv", "supported": ["npu"], "preferred": "ane"}]}', ":1:", "ops/0/supported/0"),
    ('{"format_version": 2}', ":1:", "format_version"),
    ('[1, 2]', ":1:1:", "is not of type 'object'"),
])
def test_a_malformed_file_is_reported_per_problem_and_nothing_is_written(repo: Path, text: str, where: str,
                                                                         problem: str) -> None:
    (repo / "bad.json").write_text(text, encoding="utf-8")
    result = generator("observe", "bad.json", "--kb", "kb", "--out", "obs.patch", cwd=repo)
    assert result.returncode == 1 and not (repo / "obs.patch").exists()
    lines = result.stdout.splitlines()
    assert lines and all(PROBLEM.match(line) and line.startswith("bad.json:") for line in lines)
    assert any(where in line and problem in line for line in lines), lines
    assert "Traceback" not in result.stderr and "nothing written" in result.stderr


def test_usage_errors_exit_2_with_one_line(repo: Path) -> None:
    for args in (("observe",), ("observe", str(DATA / "m4-conv3x3.json"), "--source", "http://example.com/x"),
                 ("observe", str(DATA / "m4-conv3x3.json"), "--kb", "nowhere")):
        result = generator(*args, "--out", "obs.patch", cwd=repo) if len(args) > 1 else generator(*args, cwd=repo)
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1 and result.stdout == "" and not (repo / "obs.patch").exists()


def test_full_agreement_with_no_restriction_has_nothing_to_add(repo: Path) -> None:
    result = generator("observe", str(DATA / "m4-conv3x3.json"), "--kb", "kb", cwd=repo)
    assert result.returncode == 0 and result.stdout == "" and "nothing to add" in result.stderr


def test_a_file_without_parameters_takes_them_from_the_model(repo: Path, tmp_path: Path) -> None:
    """The iOS snippet and hand transcriptions carry no params: --model reads them as probe would."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from placement_models import build_model

    data = json.loads((DATA / "m4-maxpool-k9.json").read_text(encoding="utf-8"))
    model = build_model(data["build"], tmp_path / "models")
    bare = placement_copy(tmp_path, "m4-maxpool-k9", source={"measured_by": "contributor"})
    stripped = json.loads(bare.read_text(encoding="utf-8"))
    for op in stripped["ops"]:
        op.pop("params")
    bare.write_text(json.dumps(stripped), encoding="utf-8")
    result = generator("observe", str(bare), "--kb", "kb", "--out", "obs.patch", cwd=repo)
    assert result.returncode == 0 and not (repo / "obs.patch").exists()
    assert "could not be evaluated" in result.stderr and "add those values" in result.stderr
    patch, _ = observed(repo, bare, "--model", str(model), "--source", "https://github.com/ane-kb/ane-kb/pull/1000")
    assert "a/kb/layer-rule/max-pool-kernel-limit-m4.yaml" in patch and "    outcome: restricted" in added(patch)
    broken = tmp_path / "broken.mlmodel"
    broken.write_bytes(b"not a model")
    result = generator("observe", str(bare), "--kb", "kb", "--model", str(broken), "--out", "x.patch", cwd=repo)
    assert result.returncode == 1 and not (repo / "x.patch").exists()
    [line] = result.stdout.splitlines()
    assert PROBLEM.match(line) and "broken.mlmodel:1:1: model: " in line
