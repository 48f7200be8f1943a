"""`ane-kb check MODEL --compare placement.json`: the checker's prediction beside a measurement, op by op.

Contract §7: a restriction is compared with "the ANE among the supported devices" (ane_kb.placement.measured),
a `prefers-cpu` rule with the preferred device. Ops are matched by name; an op of the measurement that the model
does not have (fused or renamed by the compiler) is `unmatched`. Each model gets the placement file whose
`model.sha256` is the hash of its spec file; with one model and one file they are paired whatever the hash says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import wrapping
from ..knowledge import KnowledgeBase
from ..placement import ANE, NOT_ANE, UNKNOWN, PlacementError, chip_of, load, measured, spec_sha256
from .printable import printable
from .report import Finding, ModelReport, Report
from .severity import moves_op_off_ane

UNMATCHED = "unmatched"
WIDTH = 100
# The outcome of one op: what the user reads to see whether the KB is right for their chip.
AGREES, LIFTED, NEW, NOT_MEASURED = "agrees", "predicted-off-but-ane-supports-it", "predicted-on-but-ane-does-not", "not-measured"
OUTCOME_TEXT = {
    "en": {AGREES: "agrees", LIFTED: "predicted off, but the ANE supports it",
           NEW: "predicted on, but the ANE does not support it", UNMATCHED: "unmatched (only in the measurement)",
           NOT_MEASURED: "the measurement cannot tell"},
    "zh": {AGREES: "一致", LIFTED: "预测不上神经引擎，但神经引擎支持它", NEW: "预测上神经引擎，但神经引擎不支持它",
           UNMATCHED: "未匹配（只出现在测量中）", NOT_MEASURED: "测量无法判断"},
}


class CompareError(ValueError):
    """A placement file that cannot be used, or cannot be paired with a model: a usage error (exit 2)."""


@dataclass
class OpComparison:
    layer: str
    op: str
    measured: str
    preferred: str | None
    predicted: str | None
    outcome: str
    rules: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool | None:
        return None if self.outcome in (UNMATCHED, NOT_MEASURED) else self.outcome == AGREES

    def to_dict(self) -> dict[str, Any]:
        return {"layer": self.layer, "op": self.op, "measured": self.measured, "preferred": self.preferred,
                "predicted": self.predicted, "agrees": self.agrees, "outcome": self.outcome, "rules": self.rules}


@dataclass
class Comparison:
    placement: str
    chip: str | None
    method: str
    note: str | None = None
    ops: list[OpComparison] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = Counter(op.outcome for op in self.ops)
        return {key: found.get(key, 0) for key in (AGREES, LIFTED, NEW, UNMATCHED, NOT_MEASURED)}

    def to_dict(self) -> dict[str, Any]:
        return {"placement": self.placement, "chip": self.chip, "method": self.method, "note": self.note,
                "counts": self.counts(), "ops": [op.to_dict() for op in self.ops]}


Placement = tuple[str, dict[str, Any]]


def read_placements(paths: Sequence[str]) -> list[Placement]:
    out = []
    for path in paths:
        try:
            out.append((path, load(path)))
        except PlacementError as exc:
            raise CompareError(str(exc)) from None
    return out


def pair(models: Sequence[str], placements: list[Placement]) -> dict[str, Placement]:
    """The placement file of each model (by spec sha256). A file no model matches is a CompareError."""
    if len(models) == 1 and len(placements) == 1:
        return {models[0]: placements[0]}
    hashes = {spec_sha256(m): m for m in models}
    paired: dict[str, Placement] = {}
    for path, data in placements:
        wanted = data.get("model", {}).get("sha256") if isinstance(data.get("model"), dict) else None
        model = hashes.get(wanted) if isinstance(wanted, str) else None
        if model is None or model in paired:
            raise CompareError(f"{path}: model.sha256 matches none of the models given, so the file cannot be "
                               f"paired (with several models, each placement file needs its model's sha256)")
        paired[model] = (path, data)
    return paired


def target_for(kb: KnowledgeBase, placement: Placement, device: str | None, lang: str) -> tuple[str | None, str | None]:
    """(the --device to check for, a note). Without --device the measurement's chip is the target; a chip the KB
    does not know leaves the check without a chip, and the note says so."""
    path, data = placement
    chip = chip_of(data)
    if device is not None:
        if chip is not None and kb.chips.get(chip) is not None and kb.chips.get(device) is not None and device != chip:
            return device, (f"{path}：测量在 {chip} 上进行，预测针对 {device}" if lang == "zh"
                            else f"{path}: measured on {chip}, predicted for {device}")
        return device, None
    if chip is not None and kb.chips.get(chip) is not None:
        return chip, None
    if chip is None:
        return None, (f"{path}：测量没有说明芯片；预测不针对任何芯片（可用 --device 指定）" if lang == "zh"
                      else f"{path}: the measurement names no chip; the predictions are for no particular chip "
                           f"(pass --device to choose one)")
    return None, (f"{path}：知识库中没有芯片 {chip!r}；预测不针对任何芯片（可用 --device 指定一个已知芯片）" if lang == "zh"
                  else f"{path}: the KB does not know the chip {chip!r}; the predictions are for no particular chip "
                       f"(pass --device to choose a chip it knows)")


def compare(report: ModelReport, placement: Placement, note: str | None) -> Comparison:
    path, data = placement
    result = Comparison(path, chip_of(data), str(data.get("method", "")), note)
    if report.error:
        return result
    off_layers = {layer for seg in report.summary.segments if not seg.get("ane") for layer in seg["layers"]}
    known = {layer for seg in report.summary.segments for layer in seg["layers"]}
    by_layer: dict[str, list[Finding]] = {}
    for finding in report.findings:
        if finding.layer is not None:
            by_layer.setdefault(finding.layer, []).append(finding)
    sha = data["model"].get("sha256") if isinstance(data.get("model"), dict) else None
    model_sha = spec_sha256(report.path)
    if isinstance(sha, str) and model_sha is not None and sha != model_sha:
        extra = f"{path}: model.sha256 differs from this model's: the measurement was made on another file"
        result.note = f"{result.note}; {extra}" if result.note else extra
    for op in data["ops"]:
        name = str(op["name"])
        state = measured(op, data["examined"])
        found = by_layer.get(name, [])
        rules = [f"{f.rule} ({f.severity})" for f in found]
        if name not in known:
            result.ops.append(OpComparison(name, str(op.get("type", "")), UNMATCHED, op.get("preferred"), None,
                                           UNMATCHED, rules))
            continue
        predicted = "off" if name in off_layers else "on"
        if state == UNKNOWN:
            outcome = NOT_MEASURED
        elif (predicted == "off") == (state == NOT_ANE):
            outcome = AGREES
        else:
            outcome = LIFTED if predicted == "off" else NEW
        result.ops.append(OpComparison(name, str(op.get("type", "")), state, op.get("preferred"), predicted, outcome,
                                       rules))
    return result


def annotate(kb: KnowledgeBase, model: dict[str, Any], comparison: Comparison) -> dict[str, Any]:
    """The model's JSON with `measured` and `agrees` on every op-level finding, and the `comparison` block."""
    ops = {op.layer: op for op in comparison.ops}
    for finding in model["findings"]:
        if finding.get("layer") is None:
            continue
        op = ops.get(finding["layer"])
        if op is None:
            finding["measured"], finding["agrees"] = UNMATCHED, None
            continue
        finding["measured"] = op.measured
        finding["agrees"] = _finding_agrees(kb, finding, op)
    model["comparison"] = comparison.to_dict()
    return model


def _finding_agrees(kb: KnowledgeBase, finding: Mapping[str, Any], op: OpComparison) -> bool | None:
    record = kb.record(finding["rule"])
    effect = getattr(getattr(record, "effect", None), "kind", None)
    if effect == "prefers-cpu":
        return None if op.preferred is None else op.preferred != ANE
    if op.measured not in (ANE, NOT_ANE):
        return None
    says_off = finding["severity"] == "error" and moves_op_off_ane(record)  # type: ignore[arg-type]
    return says_off == (op.measured == NOT_ANE)


def table(comparison: Comparison, lang: str) -> str:
    """The comparison as text: one line per measured op, then the counts."""
    zh = lang == "zh"
    words = OUTCOME_TEXT[lang]
    head = (f"与测量对比：{comparison.placement}（芯片 {comparison.chip or '未知'}，方法 {comparison.method}）" if zh
            else f"compared with {comparison.placement} (chip {comparison.chip or 'unknown'}, {comparison.method})")
    lines = _wrapped(printable(head), "", "  ")
    if comparison.note:
        lines += _wrapped(printable(comparison.note), "  ", "    ")
    shown = [op for op in comparison.ops if op.outcome != AGREES] if len(comparison.ops) > 20 else comparison.ops
    for op in shown:
        rules = ", ".join(op.rules) or ("无规则" if zh else "no rule")
        mark = "ok  " if op.outcome == AGREES else "DIFF" if op.outcome in (LIFTED, NEW) else "--  "
        lines += _wrapped(printable(f"{mark} {op.layer} ({op.op}): {words[op.outcome]}; "
                                    + (f"依据：{rules}" if zh else f"rules: {rules}")), "  ", "       ")
    counts = comparison.counts()
    if len(shown) < len(comparison.ops):
        lines.append(f"  （另有 {counts[AGREES]} 个一致的算子未列出）" if zh
                     else f"  ({counts[AGREES]} ops that agree are not listed)")
    summary = ", ".join(f"{words[key]} {n}" for key, n in counts.items() if n)
    lines.append(("  合计：" if zh else "  total: ") + summary)
    return "\n".join(lines)


def _wrapped(text: str, first: str, rest: str, width: int = WIDTH) -> list[str]:
    """One entry of the table as lines of at most `width` columns (long names stay whole)."""
    return wrapping.wrap(text, width, first, rest)


def checked(kb: KnowledgeBase, models: Sequence[str], files: Sequence[str], device: str | None, os: str | None, *,
            lang: str = "en", ignore: Sequence[str] = (), verbose: bool = False) -> tuple[Report, dict[int, Comparison]]:
    """Check every model, each for the chip its measurement was made on (or --device), and compare it with its
    placement file. Raises CompareError before any model is read when a file is unusable or unpaired."""
    from .. import __version__
    from . import check_model, resolve_target

    paired = pair(models, read_placements(files))
    if device is not None:
        resolve_target(kb, device, os)
    reports, comparisons = [], {}
    for index, model in enumerate(models):
        placement = paired.get(model)
        if placement is None:
            reports.append(check_model(model, device, os, lang=lang, ignore=ignore, kb=kb, verbose=verbose))
            continue
        target, note = target_for(kb, placement, device, lang)
        report = check_model(model, target, os, lang=lang, ignore=ignore, kb=kb, verbose=verbose)
        reports.append(report)
        comparisons[index] = compare(report, placement, note)
    return Report({"name": "ane-kb", "version": __version__, "data_version": kb.data_version}, reports), comparisons
