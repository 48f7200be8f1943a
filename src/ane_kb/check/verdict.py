"""The segment picture and the verdict, decided by error findings alone (contract §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .graph import Node
from .report import ModelReport

if TYPE_CHECKING:
    from ..knowledge import KnowledgeBase
    from .runner import Target

UNLIKELY_SHARE = 0.5
UNLIKELY_SWITCHES = 4


def segments(nodes: list[Node], off: set[int]) -> list[dict[str, Any]]:
    """Runs of consecutive layers, in execution order, that are ANE-eligible or not."""
    runs: list[dict[str, Any]] = []
    for index, node in enumerate(nodes):
        eligible = index not in off
        if not runs or runs[-1]["ane"] != eligible:
            runs.append({"ane": eligible, "layers": []})
        runs[-1]["layers"].append(node.name)
    return runs


def risks(report: ModelReport) -> dict[str, Any]:
    """Warnings, counted: they never move an op off the ANE, but the user should know of them."""
    warnings = [f for f in report.findings if f.severity == "warning"]
    return {"warnings": len(warnings), "rules": sorted({f.rule for f in warnings})}


def decide(report: ModelReport, nodes: list[Node], off: set[int], kb: KnowledgeBase, target: Target) -> None:
    """Segments, risks and verdict. `off` holds the layers an error finding moves off the ANE."""
    runs = segments(nodes, off)
    report.summary.segments = runs
    report.summary.switches = max(0, len(runs) - 1)
    report.summary.risks = risks(report)
    errors = [f for f in report.findings if f.severity == "error"]
    whole_model = any(f.layer is None and f.rule.startswith(("chip/", "device/")) for f in errors) or \
        any(_whole_model(kb, f.rule) for f in errors)
    if not nodes:
        report.verdict = "unknown"
    elif whole_model or (off and (len(off) / len(nodes) >= UNLIKELY_SHARE or report.summary.switches >= UNLIKELY_SWITCHES)):
        report.verdict = "unlikely"
    elif off or errors:
        report.verdict = "partly"
    elif any(_unreadable_stage(kb, f.rule) for f in report.findings):
        report.verdict = "unknown"  # the main work is a network the OS ships: its graph is not in the file
    else:
        report.verdict = "likely-all-ane"


def _whole_model(kb: KnowledgeBase, ref: str) -> bool:
    effect = _effect(kb, ref)
    return bool(effect is not None and effect.whole_model)


def _unreadable_stage(kb: KnowledgeBase, ref: str) -> bool:
    """A model-wide finding whose placement is unknown: a built-in model whose layers the file does not hold."""
    effect = _effect(kb, ref)
    return bool(effect is not None and effect.whole_model and list(effect.to) == ["unknown"])


def _effect(kb: KnowledgeBase, ref: str) -> Any:
    return getattr(kb.record(ref), "effect", None)
