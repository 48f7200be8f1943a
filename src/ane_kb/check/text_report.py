"""The check report as readable text, grouped by severity, in English or Chinese."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .printable import printable
from .report import SEVERITIES, Finding, ModelReport, Report

WORDS: dict[str, dict[str, Any]] = {
    "en": {"verdict": "verdict", "flagged": "{flagged} of {layers} layers flagged", "switches": "{n} estimated device switches",
           "error": "ERRORS", "warning": "WARNINGS", "info": "NOTES", "fix": "fix", "docs": "docs", "uncovered": "op types no rule speaks about",
           "ignored": "ignored rules", "segments": "segments", "ane": "ANE", "other": "CPU/GPU", "clean": "No findings.",
           "model_error": "cannot be read", "unknown": "unknown",
           "caveat": "A clean report is not a guarantee: Core ML decides placement at run time, and the rules cover what "
                     "has been observed. Confirm on a device with Xcode's performance report or MLComputePlan.",
           "verdicts": {"likely-all-ane": "likely all on the ANE", "partly": "partly on the ANE",
                        "unlikely": "unlikely to run on the ANE", "not-applicable": "not applicable", "unknown": "unknown"}},
    "zh": {"verdict": "结论", "flagged": "{layers} 个层中有 {flagged} 个被标记", "switches": "预计切换计算单元 {n} 次",
           "error": "错误", "warning": "警告", "info": "提示", "fix": "解决办法", "docs": "详见", "uncovered": "没有任何规则涉及的算子类型",
           "ignored": "已忽略的规则", "segments": "分段", "ane": "神经引擎", "other": "CPU/GPU", "clean": "没有发现问题。",
           "model_error": "无法读取", "unknown": "未知",
           "caveat": "报告干净并不代表一定在神经引擎上运行：Core ML 在运行时才决定模型放在哪里，而规则只涵盖已观察到的情况。"
                     "请在设备上用 Xcode 性能报告或 MLComputePlan 确认。",
           "verdicts": {"likely-all-ane": "很可能全部在神经引擎上运行", "partly": "部分在神经引擎上运行",
                        "unlikely": "不太可能在神经引擎上运行", "not-applicable": "不适用", "unknown": "未知"}},
}
STRIP_WIDTH = 60


def strip(segments: list[dict[str, Any]], lang: str) -> str:
    """A compact picture of the segments: one character per layer, shrunk to fit a line."""
    total = sum(len(s["layers"]) for s in segments)
    if not total:
        return ""
    scale = max(1.0, total / STRIP_WIDTH)
    cells = []
    for seg in segments:
        count = len(seg["layers"])
        cells.append(("█" if seg["ane"] else "░") * max(1, round(count / scale)))
    words = WORDS[lang]
    return "".join(cells) + f"   █ {words['ane']}  ░ {words['other']}"


def model_text(model: ModelReport, lang: str) -> str:
    words = WORDS[lang]
    if model.error:
        return f"{model.path}: {words['model_error']}: {model.error}"
    verdict = words["verdicts"].get(model.verdict, model.verdict)
    lines = [f"{model.path}  ({model.format})  {words['verdict']}: {verdict}"]
    if model.message:
        lines.append(f"  {model.message}")
        return "\n".join(lines)
    s = model.summary
    lines.append("  " + words["flagged"].format(flagged=s.flagged, layers=s.layers) + " · "
                 + words["switches"].format(n=s.switches))
    if s.segments:
        lines.append(f"  {words['segments']}: {strip(s.segments, lang)}")
    for severity in SEVERITIES:
        found = [f for f in model.findings if f.severity == severity]
        if not found:
            continue
        lines += ["", f"{words[severity]} ({len(found)})"]
        for f in found:
            where = f"{f.layer} ({f.op})" + (f" @ {f.path}" if f.path else "") if f.layer else "model"
            lines.append(f"  {where}  [{f.rule}, {f.confidence}]")
            lines.append(f"    {f.message}")
            if f.unknown:
                lines.append(f"    {words['unknown']}: {'; '.join(f.unknown)}")
            if f.fix:
                lines.append(f"    {words['fix']}: {' '.join(f.fix.split())}")
            lines.append(f"    {words['docs']}: {f.docs}")
    if not model.findings:
        lines += ["", words["clean"]]
    if s.uncovered_ops:
        lines += ["", f"{words['uncovered']}: {', '.join(s.uncovered_ops)}"]
    if s.ignored_rules:
        lines.append(f"{words['ignored']}: {', '.join(s.ignored_rules)}")
    return "\n".join(lines)


def _escaped(model: ModelReport) -> ModelReport:
    """The model's report with every text that comes from the model escaped: a layer named "a\\r\\nERRORS (0)"
    cannot print a fake header, nor a right-to-left override turn a line around."""
    def text(value: str | None) -> str | None:
        return printable(value) if value is not None else None

    def finding(f: Finding) -> Finding:
        return replace(f, layer=text(f.layer), op=text(f.op), path=printable(f.path), message=printable(f.message),
                       unknown=[printable(u) for u in f.unknown])

    summary = replace(model.summary, uncovered_ops=[printable(op) for op in model.summary.uncovered_ops])
    return replace(model, path=printable(model.path), error=text(model.error), message=text(model.message),
                   summary=summary, findings=[finding(f) for f in model.findings])


def report_text(report: Report, lang: str) -> str:
    parts = [model_text(_escaped(m), lang) for m in report.models]
    parts.append(WORDS[lang]["caveat"])
    return "\n\n".join(parts)
