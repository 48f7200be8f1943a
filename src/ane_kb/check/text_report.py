"""The check report as readable text, grouped by severity, in English or Chinese."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .. import labels, wrapping
from .printable import printable
from .report import SEVERITIES, Finding, ModelReport, Report

WORDS: dict[str, dict[str, Any]] = {
    "en": {"verdict": "verdict", "flagged": "{flagged} of {layers} layers flagged", "switches": "{n} estimated device switches",
           "error": "ERRORS", "warning": "WARNINGS", "info": "NOTES", "fix": "fix", "docs": "docs", "source": "written at", "uncovered": "op types no rule speaks about",
           "ignored": "ignored rules", "segments": "segments", "ane": "ANE", "other": "CPU/GPU", "clean": "No findings.",
           "model_error": "cannot be read", "unknown": "unknown", "model": "model",
           "risks": "risks: {n} warning(s) from {rules}; they do not change the verdict",
           "unevaluated": "{n} rule(s) could not be evaluated (a value they need is missing): {rules}; --verbose lists each op",
           "exit": {1: "exit code 1: {n} finding(s) at or above --fail-on {level}",
                    2: "exit code 2: {n} model(s) could not be read or checked"},
           "caveat": "A clean report is not a guarantee: Core ML decides placement at run time, and the rules cover what "
                     "has been observed. Confirm on a device with Xcode's performance report or MLComputePlan.",
           "verdicts": {"likely-all-ane": "likely all on the ANE", "partly": "partly on the ANE",
                        "unlikely": "unlikely to run on the ANE", "not-applicable": "not applicable", "unknown": "unknown"}},
    "zh": {"verdict": "结论", "flagged": "{layers} 个层中有 {flagged} 个被标记", "switches": "预计切换计算单元 {n} 次",
           "error": "错误", "warning": "警告", "info": "提示", "fix": "解决办法", "docs": "详见", "source": "代码位置", "uncovered": "没有任何规则涉及的算子类型",
           "ignored": "已忽略的规则", "segments": "分段", "ane": "神经引擎", "other": "CPU/GPU", "clean": "没有发现问题。",
           "model_error": "无法读取", "unknown": "未知", "model": "整个模型",
           "risks": "风险：{rules} 给出 {n} 条警告，不影响结论",
           "unevaluated": "有 {n} 条规则因缺少所需数值而无法判断：{rules}；加 --verbose 可逐个列出",
           "exit": {1: "退出码 1：有 {n} 条发现达到或超过 --fail-on {level}",
                    2: "退出码 2：有 {n} 个模型无法读取或检查"},
           "caveat": "报告干净并不代表一定在神经引擎上运行：Core ML 在运行时才决定模型放在哪里，而规则只涵盖已观察到的情况。"
                     "请在设备上用 Xcode 性能报告或 MLComputePlan 确认。",
           "verdicts": {"likely-all-ane": "很可能全部在神经引擎上运行", "partly": "部分在神经引擎上运行",
                        "unlikely": "不太可能在神经引擎上运行", "not-applicable": "不适用", "unknown": "未知"}},
}
STRIP_WIDTH = 60
WIDTH = 100


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


def unevaluated(finding: Finding) -> bool:
    """A note that a rule could not be evaluated: a value the rule needs was missing."""
    return finding.severity == "info" and bool(finding.unknown)


def model_text(model: ModelReport, lang: str, verbose: bool = False) -> str:
    words = WORDS[lang]
    if model.error:
        return f"{model.path}: {words['model_error']}: {model.error}"
    verdict = words["verdicts"].get(model.verdict, model.verdict)
    lines = [f"{model.path}  ({model.format})  {words['verdict']}: {verdict}"]
    if model.message:
        lines.append(f"  {model.message}")
    if model.verdict == "not-applicable":
        return "\n".join(lines)
    s = model.summary
    lines.append("  " + words["flagged"].format(flagged=s.flagged, layers=s.layers) + " · "
                 + words["switches"].format(n=s.switches))
    if s.segments:
        lines.append(f"  {words['segments']}: {strip(s.segments, lang)}")
    if s.risks["warnings"]:
        lines += wrap(words["risks"].format(n=s.risks["warnings"], rules=", ".join(s.risks["rules"])), "  ")
    shown = [f for f in model.findings if verbose or not unevaluated(f)]
    for severity in SEVERITIES:
        found = [f for f in shown if f.severity == severity]
        if found:
            lines += ["", f"{words[severity]} ({len(found)})"]
            lines += [line for f in found for line in _finding_lines(f, words, lang, verbose)]
    if not model.findings:
        lines += ["", words["clean"]]
    skipped = sorted({f.rule for f in model.findings if unevaluated(f)})
    if skipped and not verbose:
        lines += ["", *wrap(words["unevaluated"].format(n=len(skipped), rules=", ".join(skipped)), "")]
    if s.uncovered_ops:
        lines += ["", *wrap(f"{words['uncovered']}: {', '.join(s.uncovered_ops)}", "")]
    if s.ignored_rules:
        lines += wrap(f"{words['ignored']}: {', '.join(s.ignored_rules)}", "")
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


def _finding_lines(f: Finding, words: dict[str, Any], lang: str, verbose: bool) -> list[str]:
    """A finding as lines of at most WIDTH columns; notes stay short unless --verbose."""
    where = f"{f.layer} ({f.op})" + (f" @ {f.path}" if f.path else "") if f.layer else words["model"]
    lines = [f"  {where}  [{f.rule}, {labels.confidence(f.confidence, lang)}]", *wrap(f.message, "    ")]
    if f.source:
        lines.append(f"    {words['source']}: {f.source}")
    if f.unknown:
        lines += wrap(f"{words['unknown']}: {'; '.join(f.unknown)}", "    ")
    if f.severity == "info" and not verbose:
        return lines
    if f.fix:
        lines += wrap(f"{words['fix']}: {' '.join(f.fix.split())}", "    ")
    lines.append(f"    {words['docs']}: {f.docs}")
    return lines


def wrap(text: str, indent: str) -> list[str]:
    """Lines of at most WIDTH columns (a Chinese character takes two)."""
    return wrapping.wrap(text, WIDTH, indent)


def exit_reason(report: Report, lang: str, fail_on: str = "error") -> str | None:
    """Why the exit code is not 0, in one line; None when it is 0."""
    code = report.exit_code(fail_on)
    if code == 0:
        return None
    if code == 2:
        count = sum(1 for m in report.models if m.error)
    else:
        threshold = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
        count = sum(1 for m in report.models for f in m.findings if f.severity in threshold)
    return str(WORDS[lang]["exit"][code].format(n=count, level=fail_on))


def report_text(report: Report, lang: str, verbose: bool = False, fail_on: str = "error") -> str:
    parts = [model_text(_escaped(m), lang, verbose) for m in report.models]
    parts.append("\n".join(wrap(WORDS[lang]["caveat"], "")))
    reason = exit_reason(report, lang, fail_on)
    if reason:
        parts.append(reason)
    return "\n\n".join(parts)
