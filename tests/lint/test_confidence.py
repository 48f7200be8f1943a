from collections.abc import Callable
from pathlib import Path

from generator.lint.confidence import unmet
from tests.conftest import errors, lint_dir, one, where


def test_confirmed_needs_a_primary_source(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "kind: apple-doc", "kind: blog")
    problem = one(errors(minikb), "confidence")
    assert problem.message == ("'confirmed' needs a source of kind apple-doc, apple-code, wwdc, apple-staff, experiment, "
                               "press-release (has: blog)")
    assert (problem.line, problem.col) == where(path, "confirmed")


def test_likely_accepts_two_sources_of_any_kind(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("howto/check-thread.yaml", "kind: community-doc", "kind: forum")
    assert one(errors(minikb), "confidence").message.startswith("'likely' needs a source of kind")
    edit("howto/check-thread.yaml", "sources:\n", "sources:\n  - {url: https://example.org/b, title: B, kind: blog, accessed: \"2026-01-02\"}\n")
    assert errors(minikb) == []


def test_disputed_needs_disputes(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("howto/check-thread.yaml", "confidence: likely", "confidence: disputed")
    assert one(errors(minikb), "confidence").message == (
        "'disputed' needs a 'disputes' list with each claim and its own sources")


def test_disputes_on_a_settled_record_warn(minikb: Path, edit: Callable[..., Path]) -> None:
    claim = ("  - claim: {en: One view., zh: 一种说法。}\n    sources: [{url: https://example.org/a, title: A, kind: blog, "
             "accessed: \"2026-01-02\"}]\n")
    edit("howto/check-thread.yaml", "sources:\n", "disputes:\n" + claim + claim + "sources:\n")
    warnings = [p for p in lint_dir(minikb) if p.warning]
    assert [p.check for p in warnings] == ["confidence"]
    assert errors(minikb) == []


def test_unmet_rule_logic() -> None:
    rule = {"any_kind": ["apple-doc"], "min_sources": 2}
    assert unmet(rule, [{"kind": "apple-doc"}]) is None
    assert unmet(rule, [{"kind": "blog"}, {"kind": "forum"}]) is None
    assert unmet(rule, [{"kind": "blog"}]) == "a source of kind apple-doc or at least 2 sources (has: blog)"
    assert unmet({}, []) is None


def test_a_press_release_confirms_a_chips_figures(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/m4.yaml", "kind: apple-doc", "kind: press-release")
    assert errors(minikb) == []


def test_a_press_release_alone_cannot_confirm_a_behaviour(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("precision/fp16-range.yaml", "kind: experiment", "kind: press-release")
    problem = one(errors(minikb), "confidence")
    assert problem.message == (
        "'confirmed' needs a source of kind apple-doc, apple-code, wwdc, apple-staff, experiment "
        "(has: press-release; a press-release source confirms only the figures it states in chip and device records, "
        "not a behaviour)")
    assert (problem.line, problem.col) == where(path, "confirmed")


def test_a_press_release_counts_toward_likely(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("howto/check-thread.yaml", "kind: community-doc", "kind: press-release")
    assert errors(minikb) == []


def test_figures_only_logic() -> None:
    rule = {"any_kind": ["apple-doc", "press-release"], "figures_only": {"kinds": ["press-release"], "records": ["chip"]}}
    assert unmet(rule, [{"kind": "press-release"}], "chip") is None
    assert unmet(rule, [{"kind": "press-release"}], "howto") == (
        "a source of kind apple-doc (has: press-release; a press-release source confirms only the figures it states "
        "in chip records, not a behaviour)")
    assert unmet(rule, [{"kind": "press-release"}, {"kind": "apple-doc"}], "howto") is None
