"""Support grid cells follow the persistence policy, and ane-kb device lists the same rules as the page."""

from __future__ import annotations

import json

from ane_kb import load
from ane_kb.cli import main
from ane_kb.device_rules import for_device
from generator.site import support_grid

KB = load()


def _state(rule_id: str, generation: int) -> str:
    chips = {n: c for n, _, c in support_grid.generations(KB)}
    return support_grid.cell(KB.rules[f"layer-rule/{rule_id}"], generation, chips[generation], KB).state


def test_a_lifted_restriction_runs_from_its_lift_on() -> None:
    lifted = [r for r in KB.rules if r.confidence != "disputed" and any(o.lifts for o in r.observed_on)]
    assert lifted, "the KB has no lifted rule to test with"
    rule = lifted[0]
    states = [_state(rule.id, n) for n, _, _ in support_grid.generations(KB)]
    assert "lifted" in states and states.index("lifted") > 0
    assert all(s == "lifted" for s in states[states.index("lifted"):])


def test_a_restriction_without_a_lift_is_assumed_on_newer_engines() -> None:
    rule = KB.rules["layer-rule/recurrent-layers"]
    newest = max(n for n, _, _ in support_grid.generations(KB))
    assert not any(o.lifts for o in rule.observed_on)
    assert _state(rule.id, newest) in ("assumed", "observed")
    assert _state("pooling-kernel-too-large", 2) == "disputed"


def test_a_rule_limited_to_some_chips_is_na_elsewhere() -> None:
    limited = [r for r in KB.rules if r.applies_to.chips]
    assert limited
    rule = limited[0]
    gens = {c.ane.generation for c in KB.chips if c.ref in rule.applies_to.chips and c.ane}
    outside = [n for n, _, _ in support_grid.generations(KB) if n not in gens]
    assert outside and all(_state(rule.id, n) == "na" for n in outside)


def test_cli_device_lists_the_rules_of_the_page(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["device", "iPhone", "12", "Pro", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["engines"][0]["generation"] == 4
    expected = [a.rule.ref for a in for_device(KB, KB.devices.lookup("iPhone 12 Pro"))]
    assert [r["rule"] for r in data["rules"]] == expected and expected
    assert main(["device", "iPhone", "12", "Pro", "--lang", "zh"]) == 0
    assert "适用的规则" in capsys.readouterr().out
