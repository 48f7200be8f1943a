"""ane-kb, the consumer CLI, against the fixture export."""

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ane_kb", *args], capture_output=True, text=True)


def test_rules_as_json(mini_export: Path) -> None:
    result = run("rules", "--op", "max_pool", "--format", "json", "--data", str(mini_export))
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert row["rule"] == "layer-rule/pool-big" and row["effect"] == "falls-back"
    assert row["condition"].startswith("any entry of `kernel_size` is greater than 13")


def test_rules_as_a_chinese_table(mini_export: Path) -> None:
    result = run("rules", "--model-format", "neuralnetwork", "--lang", "zh", "--data", str(mini_export))
    assert result.returncode == 0
    header, rule, row = result.stdout.splitlines()[:3]
    assert header.split() == ["规则", "可信度", "影响", "条件"]
    assert row.startswith("layer-rule/pool-big  很可能  回退")


def test_show_and_device(mini_export: Path) -> None:
    shown = run("show", "pool-big", "--data", str(mini_export))
    assert shown.returncode == 0 and "Big pooling windows fall back" in shown.stdout
    device = run("device", "iphone", "xs", "--format", "json", "--data", str(mini_export))
    assert json.loads(device.stdout)["coreml_can_use_ane"] is True
    zh = run("device", "iPhone XS", "--lang", "zh", "--data", str(mini_export))
    assert "Core ML 可以使用其神经引擎" in zh.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("show", "pool-bug"), "no record 'pool-bug'; did you mean layer-rule/pool-big?"),
    (("device", "Nokia 3310"), "no device named 'Nokia 3310'"),
    (("rules", "--confidence", "sure"), "argument --confidence: invalid choice: 'sure'"),
    (("rules", "--lang", "fr"), "argument --lang: invalid choice: 'fr'"),
    (("rules", "--op", "maxpool2d"), "unknown op 'maxpool2d'"),
    (("bogus",), "argument COMMAND: invalid choice: 'bogus'"),
    ((), "a command is required"),
])
def test_usage_errors_exit_2_with_one_line(mini_export: Path, args: tuple[str, ...], message: str) -> None:
    result = run(*args, *(["--data", str(mini_export)] if args and args[0] in ("show", "device", "rules") else []))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("ane-kb: error: ") and message in result.stderr


def test_broken_data_file_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "kb.json"
    broken.write_text("{", encoding="utf-8")
    result = run("rules", "--data", str(broken))
    assert result.returncode == 2
    assert result.stderr.startswith(f"ane-kb: error: {broken}:1:2: not valid JSON")


def test_version_names_the_package_and_the_data() -> None:
    import ane_kb

    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"ane-kb {ane_kb.__version__} (data {ane_kb.data_version})"


def test_chinese_output_names_no_raw_vocabulary_value(mini_export: Path) -> None:
    """`--lang zh` shows labels, never the raw values of confidence, effect or basis (`disputed`, `falls-back`)."""
    from ane_kb import labels, load

    kb = load(mini_export)
    raw = {*labels.CONFIDENCE["en"], *labels.EFFECTS["en"], *labels.CONFIDENCE["en"].values()}
    texts = [run("show", rec.ref, "--lang", "zh", "--data", str(mini_export)).stdout for rec in kb]
    texts.append(run("rules", "--lang", "zh", "--data", str(mini_export)).stdout)
    texts += [run("device", d.name, "--lang", "zh", "--data", str(mini_export)).stdout for d in list(kb.devices)[:3]]
    heads = [line for text in texts for line in text.splitlines() if "可信度" in line or "[" in line or "  " in line]
    assert heads, "no output to check"
    leaks = [line for line in heads for word in raw if f" {word}" in line or f"[{word}" in line or f": {word}]" in line]
    assert leaks == []
    assert any(labels.confidence(rec.confidence, "zh") in text for rec, text in zip(kb, texts))
