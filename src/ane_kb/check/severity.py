"""How serious a finding is, from its record's confidence and effect, and the persistence policy (contract §2, §6)."""

from __future__ import annotations

from ..persistence import Persistence
from ..records import Precision, Rule

OFF_ANE = ("falls-back", "fails-to-compile")
FIRM = ("confirmed", "likely")


def severity(rule: Rule, certain: bool, persistence: Persistence | None = None) -> str:
    """A restriction keeps its severity on newer engines until lifted (`assumed` is not weaker than `observed`);
    between its last observation and its first lift it is at most a warning, and once lifted it is information."""
    state = persistence.state if persistence is not None else None
    if state == "lifted":
        return "info"
    level = _normal(rule, certain)
    return "warning" if state == "between" and level == "error" else level


def _normal(rule: Rule, certain: bool) -> str:
    if isinstance(rule, Precision):
        level = rule.severity or "warning"
        return level if certain else "info"
    effect = rule.effect.kind if rule.effect else None
    if effect in ("runs-on-ane", "prefers-cpu") or effect is None:
        return "info"
    if effect == "slows-on-ane" and rule.scope == "model":
        return "info"  # a cost of the model's layout as a whole: advice, with no op to move
    if not certain:
        return "info"
    if effect in OFF_ANE and rule.confidence in FIRM:
        return "error"
    return "warning"


def moves_op_off_ane(rule: Rule) -> bool:
    return rule.effect is not None and rule.effect.kind in (*OFF_ANE, "may-fall-back")
