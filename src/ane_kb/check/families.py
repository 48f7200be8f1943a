"""One finding per op family on each op: when several rules of one family fire on the same op, the most severe is
reported and the others are listed in its values (`values.also`), so one limit is not reported twice."""

from __future__ import annotations

from collections.abc import Iterable

from ..records import Rule
from .report import Finding

SEVERITY_ORDER = ("error", "warning", "info")
CONFIDENCE_ORDER = ("confirmed", "likely", "disputed", "speculative", "anecdotal")
ALSO = {"en": "; also in this family: {rules}", "zh": "；同一族中还匹配了：{rules}"}


def _rank(finding: Finding, rule: Rule) -> tuple[int, int, bool, str]:
    """Most severe first; then the firmer evidence; then a rule that names the op before one about any op."""
    confidence = CONFIDENCE_ORDER.index(rule.confidence) if rule.confidence in CONFIDENCE_ORDER else len(CONFIDENCE_ORDER)
    return SEVERITY_ORDER.index(finding.severity), confidence, not rule.identifiers, finding.rule


def merge(found: Iterable[tuple[Finding, Rule]], lang: str) -> list[Finding]:
    """The findings of one op, one per family, in the order their families first appear."""
    groups: dict[str, list[tuple[Finding, Rule]]] = {}
    for finding, rule in found:
        groups.setdefault(rule.family or rule.ref, []).append((finding, rule))
    merged = []
    for group in groups.values():
        group.sort(key=lambda item: _rank(*item))
        head, rest = group[0][0], group[1:]
        if rest:
            head.values["also"] = [{"rule": f.rule, "severity": f.severity, "message": f.message, "values": f.values}
                                   for f, _ in rest]
            names = ", ".join(f"{rule.title.text(lang)} ({f.severity})" for f, rule in rest)
            head.message += ALSO.get(lang, ALSO["en"]).format(rules=names)
        merged.append(head)
    return merged
