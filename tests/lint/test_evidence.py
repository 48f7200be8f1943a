from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where

INFERRED = "    basis: unknown\n    evidence: inferred\n"


def test_an_inferred_value_needs_a_note(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/a12.yaml", "    basis: unknown\n", INFERRED)
    path = minikb / "chip/a12.yaml"
    problem = one(errors(minikb), "evidence")
    assert problem.message == "an inferred value needs a 'note' beside it that says what it is inferred from"
    assert (problem.line, problem.col) == where(path, "inferred")


def test_an_explained_inference_is_fine_below_confirmed(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/a12.yaml", "    basis: unknown\n", INFERRED + "    note: {en: Read from a ratio., zh: 由比例推算。}\n")
    assert errors(minikb) == []


def test_a_confirmed_record_cannot_rest_on_inferred_values(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/a12.yaml", "    basis: unknown\n", INFERRED + "    note: {en: Read from a ratio., zh: 由比例推算。}\n")
    path = edit("chip/a12.yaml", "confidence: likely", "confidence: confirmed")
    edit("chip/a12.yaml", "kind: community-doc\n    accessed", "kind: press-release\n    accessed")
    problem = one(errors(minikb), "evidence")
    assert problem.message.startswith("a 'confirmed' record cannot rest on inferred values (peak_ops[0]): lower its")
    assert (problem.line, problem.col) == where(path, "confirmed")


def test_inferred_thresholds_are_checked_too(minikb: Path, edit: Callable[..., Path]) -> None:
    text = (minikb / "precision/fp16-range.yaml").read_text(encoding="utf-8")
    assert "thresholds:" in text
    edit("precision/fp16-range.yaml", "thresholds:\n  - ", "thresholds:\n  - evidence: inferred\n    ")
    messages = sorted(p.message for p in errors(minikb) if p.check == "evidence")
    assert len(messages) == 2
    assert messages[0].startswith("a 'confirmed' record cannot rest on inferred values (thresholds[0])")
    assert messages[1] == "an inferred value needs a 'note' beside it that says what it is inferred from"
