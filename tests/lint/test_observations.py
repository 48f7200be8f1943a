from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one

RULE = "layer-rule/pool-big.yaml"
LIFT = "  - chips: [chip/m4]\n    date: \"2026\"\n    source: https://example.org/pool\n    outcome: runs-on-ane\n"


def test_a_cap_needs_a_lift_just_above_it(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, LIFT, "")
    assert one(errors(minikb), "observations").message == (
        "ane_generation max 1 is not supported by an observation with outcome runs-on-ane on generation 2: "
        "record where the sources looked as observed_on (outcome: restricted) and drop the bound")


def test_no_cap_needs_no_lift(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, LIFT, "")
    edit(RULE, "  ane_generation: {min: 1, max: 1}\n", "")
    assert not [p for p in errors(minikb) if p.check == "observations"]


def test_a_lift_names_its_chips(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "  - chips: [chip/m4]\n    date: \"2026\"", "  - date: \"2026\"")
    assert any(p.check == "schema" and p.message == "missing required field 'chips' in observed_on[1]" for p in errors(minikb))


def test_a_lift_below_a_restriction_is_a_dispute(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "  - chips: [chip/a12]\n    os:", "  - chips: [chip/m4]\n    os:")
    edit(RULE, LIFT, LIFT.replace("chip/m4", "chip/a12"))
    edit(RULE, "  ane_generation: {min: 1, max: 1}\n", "")
    assert one(errors(minikb), "observations").message == (
        "the op was seen on the ANE on generation 1 but restricted on generation 2: record the disagreement "
        "(confidence: disputed)")


def test_a_lift_is_meaningless_on_a_rule_that_runs_on_the_ane(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "effect: {kind: falls-back, to: [cpu]}", "effect: {kind: runs-on-ane}")
    assert one(errors(minikb), "observations").message.startswith("outcome runs-on-ane is a lift of a restriction")


def test_a_generation_span_must_be_defined(minikb: Path, edit: Callable[..., Path]) -> None:
    edit(RULE, "    date: \"2020\"\n", "    date: \"2020\"\n    ane_generation: {max: 9}\n")
    assert one(errors(minikb), "observations").message == "ANE generation 9 is not defined in kb/_vocab/ane-generations.yaml"
