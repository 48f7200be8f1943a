from pathlib import Path

from tests.conftest import errors, one


def test_parameter_file_name_must_match(minikb: Path) -> None:
    param = minikb / "_vocab" / "parameters" / "stride.yaml"
    param.write_text(param.read_text(encoding="utf-8").replace("name: stride", "name: strides"), encoding="utf-8")
    problem = one(errors(minikb), "vocabulary")
    assert problem.message == "parameter name 'strides' does not match the file name stride.yaml"
    assert problem.line == 1


def test_unknown_vocabulary_file(minikb: Path) -> None:
    (minikb / "_vocab" / "colours.yaml").write_text("a: 1\n", encoding="utf-8")
    assert one(errors(minikb), "vocabulary").message.startswith("unknown vocabulary file; expected one of: settings")


def test_missing_vocabulary_file(minikb: Path) -> None:
    (minikb / "_vocab" / "tags.yaml").unlink()
    messages = [p.message for p in errors(minikb) if p.check == "vocabulary"]
    assert "required vocabulary file is missing" in messages


def test_generations_without_gaps(minikb: Path) -> None:
    gens = minikb / "_vocab" / "ane-generations.yaml"
    gens.write_text(gens.read_text(encoding="utf-8").replace("  2:\n", "  3:\n"), encoding="utf-8")
    assert one(errors(minikb), "vocabulary").message == "generations must be numbered 1, 2, 3, ... without gaps"
