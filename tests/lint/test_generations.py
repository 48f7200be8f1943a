from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where

M4 = "chip/m4.yaml"
VOCAB = "_vocab/ane-generations.yaml"


def test_same_engine_across_generations(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit(M4, "sources:\n", "same_engine_as:\n  - chip: chip/a12\n    confidence: likely\nsources:\n")
    problem = one(errors(minikb), "generations")
    assert problem.message == "same_engine_as names chip/a12 (generation 1), but this chip is in generation 2"
    assert (problem.line, problem.col) == where(path, "chip/a12")


def test_same_engine_within_a_generation_is_clean(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/a12.yaml", "generation: 1", "generation: 2")
    edit(M4, "sources:\n", "same_engine_as:\n  - chip: chip/a12\n    confidence: likely\nsources:\n")
    assert not [p for p in errors(minikb) if p.check == "generations"]


def test_compile_target_of_another_family(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(VOCAB, "    reference_chip: chip/m4\n", "    reference_chip: chip/m4\n    compile_target: h16\n")
    edit(M4, "coreml_usable: true}", "coreml_usable: true, compile_target: h17}")
    assert one(errors(minikb), "generations").message == "compile_target h17 is not of generation 2's family h16"


def test_variant_letter_is_the_same_family(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(VOCAB, "    reference_chip: chip/m4\n", "    reference_chip: chip/m4\n    compile_target: h16\n")
    edit(M4, "coreml_usable: true}", "coreml_usable: true, compile_target: h16g}")
    assert not [p for p in errors(minikb) if p.check == "generations"]


def test_generations_follow_the_engine_not_the_year(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(VOCAB, "    reference_chip: chip/a12\n", "    reference_chip: chip/a12\n    compile_target: h17\n")
    edit(VOCAB, "    reference_chip: chip/m4\n", "    reference_chip: chip/m4\n    compile_target: h16\n")
    assert one(errors(minikb), "generations").message == (
        "generation 2 has compiler target h16, not newer than generation 1's h17: generations follow the engine design")


def test_generation_needs_sources(minikb: Path, edit: Callable[..., Path]) -> None:
    text = (minikb / VOCAB).read_text(encoding="utf-8")
    (minikb / VOCAB).write_text(text.replace("    sources:\n", "    unsourced:\n", 1), encoding="utf-8")
    assert any(p.check == "schema" and "sources" in p.message for p in errors(minikb))
