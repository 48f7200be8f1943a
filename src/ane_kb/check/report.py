"""The check report, as typed objects and as the JSON of the contract (shared/design/contracts.md §6)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..records import Record

SEVERITIES = ("error", "warning", "info")
NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def json_safe(value: Any) -> Any:
    """`value` with every non-finite float (a NaN scale read from a model) written as the string JavaScript
    would print ("NaN", "Infinity", "-Infinity"): JSON has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return NON_FINITE[str(value)]
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value


@dataclass
class Finding:
    rule: str
    severity: str
    confidence: str
    layer: str | None
    op: str | None
    path: str
    values: dict[str, Any]
    unknown: list[str]
    message: str
    fix: str | None
    docs: str
    sources: list[str]
    source: str | None = None


def finding_for(record: Record, severity: str, message: str, lang: str, *, fix: bool = True, layer: str | None = None,
                op: str | None = None, path: str = "", values: dict[str, Any] | None = None,
                unknown: list[str] | None = None, source: str | None = None) -> Finding:
    """A finding about `record`: its confidence, docs and sources filled in; its workaround as the fix."""
    workaround = getattr(record, "workaround", None) if fix else None
    return Finding(rule=record.ref, severity=severity, confidence=record.confidence, layer=layer, op=op, path=path,
                   values=json_safe(values or {}), unknown=unknown or [], message=message,
                   fix=workaround.text(lang) if workaround else None, docs=record.url(lang),
                   sources=[s.url for s in record.sources], source=source)


@dataclass
class Summary:
    layers: int = 0
    flagged: int = 0
    segments: list[dict[str, Any]] = field(default_factory=list)
    switches: int = 0
    risks: dict[str, Any] = field(default_factory=lambda: {"warnings": 0, "rules": []})
    uncovered_ops: list[str] = field(default_factory=list)
    ignored_rules: list[str] = field(default_factory=list)


@dataclass
class ModelReport:
    path: str
    format: str
    error: str | None = None
    message: str | None = None
    verdict: str = "unknown"
    summary: Summary = field(default_factory=Summary)
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def worst(self) -> str | None:
        for severity in SEVERITIES:
            if any(f.severity == severity for f in self.findings):
                return severity
        return None


@dataclass
class Report:
    tool: dict[str, str]
    models: list[ModelReport]

    def to_dict(self) -> dict[str, Any]:
        return {"tool": dict(self.tool), "models": [m.to_dict() for m in self.models]}

    def exit_code(self, fail_on: str = "error") -> int:
        if any(m.error for m in self.models):
            return 2
        if fail_on == "never":
            return 0
        threshold = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
        return 1 if any(f.severity in threshold for m in self.models for f in m.findings) else 0
