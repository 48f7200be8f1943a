"""Contributing: `new` scaffolds, placeholders fail validation, `fix` is canonical and idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import canonical
from generator.kb import load_kb
from generator.lint import canonical_form
from tests.conftest import ROOT, errors, lint_dir
from tests.test_cli import run


def test_new_writes_a_scaffold_with_the_schema_line(minikb: Path) -> None:
    result = run("new", "layer-rule", "my-finding", "--kb", str(minikb))
    assert result.returncode == 0, result.stderr
    text = (minikb / "layer-rule" / "my-finding.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schema/layer-rule.schema.json"
    assert "id: my-finding" in text and "TODO" in text


@pytest.mark.parametrize(("args", "message"), [
    (("new", "rule", "x"), "unknown kind 'rule'; choose one of: chip, device"),
    (("new", "chip", "Bad_Id"), "bad id 'Bad_Id'"),
    (("new", "chip", "m4"), "chip/m4 already exists"),
    (("new", "chip"), "the following arguments are required: ID"),
])
def test_new_refuses_bad_requests_and_writes_nothing(minikb: Path, args: tuple[str, ...], message: str) -> None:
    before = sorted(p.name for p in minikb.rglob("*"))
    original = (minikb / "chip" / "m4.yaml").read_bytes()
    result = run(*args, "--kb", str(minikb))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert sorted(p.name for p in minikb.rglob("*")) == before
    assert (minikb / "chip" / "m4.yaml").read_bytes() == original


def test_fix_on_invalid_yaml_reports_and_leaves_the_file(minikb: Path) -> None:
    broken = minikb / "chip" / "m5.yaml"
    broken.write_bytes(b"id: m5\nkind: [chip\n  # a comment\n")
    before = broken.read_bytes()
    result = run("fix", str(broken))
    assert result.returncode == 1
    assert "m5.yaml:4:1: yaml-syntax:" in result.stdout or "m5.yaml:3" in result.stdout
    assert broken.read_bytes() == before


def test_fix_keeps_comments_and_is_idempotent(minikb: Path) -> None:
    path = minikb / "chip" / "m4.yaml"
    text = path.read_text(encoding="utf-8").replace("year: 2024", "year: 2024  # first shipped in the iPad Pro")
    text = text.replace("has_ane: true\n", "").replace("family: m-series\n", "has_ane: true\nfamily: m-series\n")
    path.write_text(text.replace('accessed: "2026-01-02"', "accessed: 2026-01-02"), encoding="utf-8")
    assert run("fix", str(path)).returncode == 0
    fixed = path.read_text(encoding="utf-8")
    assert "# first shipped in the iPad Pro" in fixed and 'accessed: "2026-01-02"' in fixed
    assert run("fix", str(path)).returncode == 0
    assert path.read_text(encoding="utf-8") == fixed
    assert errors(minikb) == []


def test_validate_warns_about_a_non_canonical_record_with_a_diff(minikb: Path) -> None:
    path = minikb / "chip" / "m4.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kind: chip\n", "").replace("id: m4\n", "id: m4\nkind: chip\n", 1)
                    .replace("confidence: confirmed\n", "").replace("family: m-series\n", "family: m-series\nconfidence: confirmed\n"),
                    encoding="utf-8")
    warnings = [p for p in lint_dir(minikb) if p.warning]
    assert [p.check for p in warnings] == ["canonical-form"]
    assert "python -m generator fix" in warnings[0].message
    assert "+++ canonical" in warnings[0].detail and "-confidence: confirmed" in warnings[0].detail
    assert errors(minikb) == []


def test_missing_or_wrong_schema_line_is_an_error(minikb: Path) -> None:
    path = minikb / "chip" / "m4.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    [problem] = [p for p in errors(minikb) if p.check == "schema-line"]
    assert (problem.line, problem.col) == (1, 1) and "is missing" in problem.message
    path.write_text("# yaml-language-server: $schema=../../schema/device.schema.json\n" + "\n".join(lines[1:]) + "\n",
                    encoding="utf-8")
    [problem] = [p for p in errors(minikb) if p.check == "schema-line"]
    assert "device.schema.json" in problem.message


def test_the_cheap_check_agrees_with_the_formatter_on_every_record() -> None:
    """validate's quick canonical check flags a record exactly when fix would change it."""
    kb = load_kb(ROOT / "kb")
    formatter = canonical.Formatter()
    disagreements = []
    for entry in kb.records:
        assert entry.file.doc is not None
        flagged = canonical_form.first_difference(entry.file.doc.root, canonical.record_schema(entry.kind), None,
                                                  entry.file.text) is not None
        changes = canonical.canonical_text(entry.file.text, entry.kind, formatter) != entry.file.text
        if flagged != changes:
            disagreements.append(entry.ref)
    assert disagreements == []


def test_end_to_end_scaffold_fill_validate_fix(minikb: Path) -> None:
    assert run("new", "anecdote", "slow-first-load", "--kb", str(minikb)).returncode == 0
    path = minikb / "anecdote" / "slow-first-load.yaml"
    failing = [p for p in errors(minikb) if p.path.endswith("slow-first-load.yaml")]
    placeholders = [p for p in failing if p.check == "placeholder"]
    assert len(placeholders) >= 8
    for field in ("title.en", "title.zh", "summary.en", "summary.zh", "confidence", "sources[0].url",
                  "sources[0].title", "sources[0].kind", "reported"):
        assert any(p.message.startswith(f"{field} still holds a placeholder") for p in placeholders), field
    text = path.read_text(encoding="utf-8")
    for old, new in [
        ('"TODO: a short English title"', "The first load is slow"),
        ('"TODO: 中文标题"', "首次加载很慢"),
        ('"TODO: the claim itself, in one to three English sentences"', "The first load of a model took a minute."),
        ('"TODO: 用一到三句中文写出结论本身"', "模型第一次加载花了一分钟。"),
        ('"TODO: confirmed, likely, speculative, anecdotal or disputed"', "anecdotal"),
        ("https://TODO.invalid/the-page-you-read", "https://example.org/post"),
        ('"TODO: the title of the source"', "A forum post"),
        ('"TODO: apple-doc, apple-code, wwdc, apple-staff, experiment, community-doc, issue-thread, forum, blog, paper, press or press-release"',
         "forum"),
        ('"TODO: the year (or year-month) it was reported"', '"2024"'),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    assert [p.format() for p in lint_dir(minikb) if p.path.endswith("slow-first-load.yaml")] == []
    assert run("fix", str(path)).returncode == 0
    once = path.read_bytes()
    assert run("fix", str(path)).returncode == 0
    assert path.read_bytes() == once
    assert errors(minikb) == []
