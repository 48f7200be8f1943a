"""The JSON export: deterministic, schema-valid, and never half-written."""

import json
from collections.abc import Callable
from pathlib import Path

from generator import export as exporter
from generator import readme_counts
from generator.kb import load_kb
from tests.conftest import ROOT
from tests.test_cli import run


def test_export_is_deterministic_sorted_and_valid(minikb: Path, tmp_path: Path) -> None:
    out1, out2 = tmp_path / "a.json", tmp_path / "b.json"
    assert run("export", "--kb", str(minikb), "--out", str(out1)).returncode == 0
    assert run("export", "--kb", str(minikb), "--out", str(out2)).returncode == 0
    assert out1.read_bytes() == out2.read_bytes()
    document = json.loads(out1.read_text(encoding="utf-8"))
    assert list(document["records"]) == sorted(document["records"])
    assert document["meta"]["content_hash"] == exporter.content_hash(minikb)
    assert document["meta"]["settings"]["site_url"].startswith("https://")
    assert document["meta"]["counts"]["chip"] == {"confirmed": 1, "likely": 1}
    assert exporter.export_problems(document, "x") == []
    assert "一颗较新的测试芯片" in out1.read_text(encoding="utf-8")  # UTF-8, not \u escapes


def test_content_hash_changes_with_any_file(minikb: Path) -> None:
    before = exporter.content_hash(minikb)
    (minikb / "chip" / "m4.yaml").write_text((minikb / "chip" / "m4.yaml").read_text(encoding="utf-8") + "\n",
                                             encoding="utf-8")
    assert exporter.content_hash(minikb) != before


def test_export_of_an_invalid_kb_leaves_the_old_file(minikb: Path, tmp_path: Path,
                                                     edit: Callable[..., Path]) -> None:
    out = tmp_path / "kb.json"
    out.write_text("previous content\n", encoding="utf-8")
    edit("chip/m4.yaml", "year: 2024", "year: soon")
    result = run("export", "--kb", str(minikb), "--out", str(out))
    assert result.returncode == 1
    assert out.read_text(encoding="utf-8") == "previous content\n"
    assert "nothing written" in result.stderr
    assert list(tmp_path.glob(".kb.json.*")) == []


def test_export_schema_rejects_a_broken_document(minikb: Path) -> None:
    document = exporter.build(load_kb(minikb))
    document["records"]["chip/m4"]["year"] = "2024"
    del document["meta"]["data_version"]
    messages = [p.message for p in exporter.export_problems(document, "x")]
    assert any("data_version" in m for m in messages)
    assert any(m.startswith("records/chip/m4/year") for m in messages)


def test_checked_in_export_is_fresh() -> None:
    kb = load_kb(ROOT / "kb")
    expected = exporter.dumps(exporter.build(kb))
    actual = (ROOT / "src" / "ane_kb" / "data" / "kb.json").read_text(encoding="utf-8")
    assert actual == expected, "src/ane_kb/data/kb.json is stale: run `make export`"


def test_checked_in_per_kind_export_is_fresh() -> None:
    expected = exporter.per_kind(exporter.build(load_kb(ROOT / "kb")))
    folder = ROOT / "src" / "ane_kb" / "data" / "kinds"
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected), "src/ane_kb/data/kinds is stale: run `make export`"
    for name, text in expected.items():
        assert (folder / name).read_text(encoding="utf-8") == text, f"kinds/{name} is stale: run `make export`"


def test_the_index_magic_is_the_packages() -> None:
    from ane_kb.data import INDEX_MAGIC

    assert exporter.INDEX_MAGIC == INDEX_MAGIC


def test_readme_counts_are_fresh() -> None:
    document = json.loads((ROOT / "src" / "ane_kb" / "data" / "kb.json").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_counts.table(document) in readme, "README counts are stale: run `make export`"
    assert readme_counts.render(readme, document) == readme
