"""Reading files: encodings, empty files and files that do not belong in kb/."""

from pathlib import Path

from tests.conftest import errors, one


def test_empty_file(minikb: Path) -> None:
    (minikb / "chip" / "m5.yaml").write_text("# nothing here\n\n", encoding="utf-8")
    problem = one(errors(minikb), "empty-file")
    assert problem.format().endswith("chip/m5.yaml:1:1: empty-file: file has no content; a record needs at least id and kind")


def test_non_utf8_file_names_the_byte_and_its_place(minikb: Path) -> None:
    (minikb / "chip" / "m5.yaml").write_bytes(b"id: m5\ntitle: caf\xe9\n")
    problem = one(errors(minikb), "encoding")
    assert (problem.line, problem.col) == (2, 11)
    assert problem.message == "file is not UTF-8 (byte 0xe9 cannot be decoded)"


def test_non_yaml_file_in_a_kind_folder(minikb: Path) -> None:
    (minikb / "chip" / "notes.txt").write_text("hello", encoding="utf-8")
    problem = one(errors(minikb), "not-yaml")
    assert problem.format().endswith("chip/notes.txt:1:1: not-yaml: unexpected file: only .yaml record files belong here")


def test_yml_extension_gets_a_hint(minikb: Path) -> None:
    (minikb / "chip" / "m5.yml").write_text("id: m5\n", encoding="utf-8")
    problem = one(errors(minikb), "not-yaml")
    assert problem.message.endswith("(rename .yml to .yaml)")


def test_unknown_folder_in_kb(minikb: Path) -> None:
    (minikb / "chips").mkdir()
    problem = one(errors(minikb), "not-yaml")
    assert "unexpected folder: kb/ holds only the kind folders" in problem.message


def test_a_list_is_not_a_record(minikb: Path) -> None:
    (minikb / "chip" / "m5.yaml").write_text("- id: m5\n", encoding="utf-8")
    problem = one(errors(minikb), "not-a-mapping")
    assert problem.message == "a record or vocabulary file must be a mapping of keys to values"


def test_malformed_yaml_is_reported_with_its_place_and_others_still_checked(minikb: Path) -> None:
    (minikb / "chip" / "m5.yaml").write_text("id: m5\nkind: [chip\n", encoding="utf-8")
    (minikb / "chip" / "m6.yaml").write_text("id: m7\n", encoding="utf-8")
    problems = errors(minikb)
    syntax = one(problems, "yaml-syntax")
    assert syntax.path.endswith("chip/m5.yaml") and syntax.line == 3
    assert any(p.check == "identity" and p.path.endswith("chip/m6.yaml") for p in problems)


def test_tagged_record_is_refused_with_its_place(minikb: Path) -> None:
    (minikb / "chip" / "m5.yaml").write_text("id: m5\nkind: !!python/object:os.system chip\n", encoding="utf-8")
    problem = one(errors(minikb), "yaml-safety")
    assert (problem.line, problem.col) == (2, 7)
