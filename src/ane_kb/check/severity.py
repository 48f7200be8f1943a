"""How serious a finding is, from its record's confidence and effect (contract §6)."""

from __future__ import annotations

from ..records import Precision, Rule

OFF_ANE = ("falls-back", "fails-to-compile")
FIRM = ("confirmed", "likely")


def severity(rule: Rule, certain: bool, observed_only_older: bool) -> str:
    if isinstance(rule, Precision):
        level = rule.severity or "warning"
        return level if certain else "info"
    effect = rule.effect.kind if rule.effect else None
    if effect in ("runs-on-ane", "prefers-cpu") or effect is None:
        return "info"
    if not certain:
        return "info"
    if effect in OFF_ANE and rule.confidence in FIRM and not observed_only_older:
        return "error"
    return "warning"


def moves_op_off_ane(rule: Rule) -> bool:
    return rule.effect is not None and rule.effect.kind in (*OFF_ANE, "may-fall-back")
