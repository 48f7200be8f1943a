from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, only, where


def test_id_must_match_the_file_name(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "id: m4", "id: m-4")
    problem = one(errors(minikb), "identity")
    assert problem.message == "id 'm-4' does not match the file name m4.yaml"
    assert (problem.line, problem.col) == where(path, "m-4")


def test_kind_must_match_the_folder(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "kind: chip", "kind: device")
    problems = errors(minikb)
    identity = one(problems, "identity")
    assert identity.message == "kind 'device' does not match the folder kb/chip/"
    assert (identity.line, identity.col) == where(path, "device")


def test_duplicate_id_names_the_other_file(minikb: Path) -> None:
    copy = minikb / "chip" / "m4-copy.yaml"
    copy.write_text((minikb / "chip" / "m4.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    messages = [p.message for p in only(errors(minikb), "identity")]
    assert "id 'm4' does not match the file name m4-copy.yaml" in messages
    assert any(m.startswith("duplicate id 'chip/m4': also used by ") and "chip/m4" in m for m in messages)
