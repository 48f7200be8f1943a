"""The persistence policy (contract §2) on a synthetic KB with one chip per generation, 1 to 9."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ane_kb import KnowledgeBase
from ane_kb.check.severity import severity
from ane_kb.persistence import names

PARAMS = {"kernel_size": [15, 15], "stride": [1, 1]}


def chip(doc: dict[str, Any], gen: int) -> str:
    ref = f"chip/g{gen}"
    record = copy.deepcopy(doc["records"]["chip/a12"])
    record.update(id=f"g{gen}", title={"en": f"G{gen}", "zh": f"G{gen}"})
    record["ane"]["generation"] = gen
    doc["records"][ref] = record
    doc["vocab"]["ane_generations"][str(gen)] = {"label": {"en": f"G{gen} generation", "zh": f"G{gen} 代"},
                                                 "reference_chip": ref}
    return ref


def synthetic(mini_export: Path, observed_on: list[dict[str, Any]], confidence: str = "likely") -> KnowledgeBase:
    doc = json.loads(mini_export.read_text(encoding="utf-8"))
    for gen in range(1, 10):
        chip(doc, gen)
    rule = doc["records"]["layer-rule/pool-big"]
    rule.pop("applies_to")
    rule["observed_on"] = observed_on
    rule["confidence"] = confidence
    return KnowledgeBase(doc)


def restricted(*gens: int) -> dict[str, Any]:
    return {"chips": [f"chip/g{g}" for g in gens], "outcome": "restricted"}


def lift(gen: int) -> dict[str, Any]:
    return {"chips": [f"chip/g{gen}"], "outcome": "runs-on-ane"}


def answer(kb: KnowledgeBase, gen: int) -> tuple[str | None, str] | None:
    """(policy state, severity) for a target of generation `gen`, or None when the rule does not match."""
    found = kb.rules.matching(format="mlprogram", op="max_pool", params=PARAMS, chip=f"g{gen}", include_lifted=True)
    if not found:
        return None
    [match] = found
    return (match.persistence.state if match.persistence else None), severity(match.rule, match.certain, match.persistence)


def test_a_restriction_seen_on_an_old_engine_still_errors_on_the_newest(mini_export: Path) -> None:
    kb = synthetic(mini_export, [restricted(2)])
    assert answer(kb, 2) == ("observed", "error")
    assert answer(kb, 8) == ("assumed", "error")
    assert answer(kb, 9) == ("assumed", "error")


def test_a_lift_clears_its_generation_and_newer_and_warns_in_between(mini_export: Path) -> None:
    kb = synthetic(mini_export, [restricted(2, 4), lift(7)])
    assert answer(kb, 1) == ("observed", "error")
    assert answer(kb, 4) == ("observed", "error")
    assert answer(kb, 5) == ("between", "warning")
    assert answer(kb, 6) == ("between", "warning")
    assert answer(kb, 7) == ("lifted", "info")
    assert answer(kb, 9) == ("lifted", "info")


def test_lifted_rules_are_left_out_unless_asked_for(mini_export: Path) -> None:
    kb = synthetic(mini_export, [restricted(2), lift(7)])
    assert kb.rules.matching(format="mlprogram", op="max_pool", params=PARAMS, chip="g7") == []
    assert kb.rules.matching(format="mlprogram", op="max_pool", params=PARAMS, chip="g6")
    [match] = kb.rules.matching(format="mlprogram", op="max_pool", params=PARAMS, chip="g7", include_lifted=True)
    assert match.lifted


def test_restricted_again_after_a_lift_is_observed_there(mini_export: Path) -> None:
    kb = synthetic(mini_export, [restricted(2), lift(5), restricted(8)], confidence="disputed")
    assert answer(kb, 6) == ("lifted", "info")
    assert answer(kb, 8) == ("observed", "warning")
    assert answer(kb, 9) == ("assumed", "warning")


def test_restricted_on_both_sides_of_the_target_is_observed(mini_export: Path) -> None:
    kb = synthetic(mini_export, [restricted(2), restricted(7)])
    assert answer(kb, 5) == ("observed", "error")


def test_a_lift_and_a_restriction_on_one_generation_give_a_warning(mini_export: Path) -> None:
    kb = synthetic(mini_export, [restricted(5), lift(5)], confidence="disputed")
    assert answer(kb, 5)[0] == "between"  # type: ignore[index]


def test_a_bare_generation_span_counts_as_observed_there(mini_export: Path) -> None:
    kb = synthetic(mini_export, [{"ane_generation": {"max": 4}, "outcome": "restricted"}])
    assert answer(kb, 3) == ("observed", "error")
    assert answer(kb, 5) == ("assumed", "error")
    match = kb.rules.matching(format="mlprogram", op="max_pool", params=PARAMS, chip="g5")[0]
    assert match.persistence is not None
    labels = kb.vocab["ane_generations"]
    assert names(match.persistence.restricted, kb.chips, labels) == "engines up to the G4 generation"
    assert names(match.persistence.restricted, kb.chips, labels, "zh") == "G4 代及更早的神经引擎"


def test_observations_without_chips_or_generations_leave_the_rule_as_it_is(mini_export: Path) -> None:
    kb = synthetic(mini_export, [{"date": "2020", "outcome": "restricted"}])
    assert answer(kb, 9) == (None, "error")


def test_no_target_chip_means_no_policy(mini_export: Path) -> None:
    kb = synthetic(mini_export, [restricted(2), lift(7)])
    [match] = kb.rules.matching(format="mlprogram", op="max_pool", params=PARAMS)
    assert match.persistence is None


@pytest.mark.parametrize("gen", [1, 5, 9])
def test_a_rule_about_ops_running_on_the_ane_has_no_persistence(mini_export: Path, gen: int) -> None:
    kb = synthetic(mini_export, [restricted(2)])
    rule = kb.document["records"]["layer-rule/pool-big"]
    rule["effect"] = {"kind": "runs-on-ane"}
    kb = KnowledgeBase(kb.document)
    assert answer(kb, gen) == (None, "info")
