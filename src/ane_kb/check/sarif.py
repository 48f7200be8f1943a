"""The check report as SARIF 2.1.0, for code scanning in CI."""

from __future__ import annotations

import os
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from ..knowledge import KnowledgeBase
from ..records import Rule
from .report import Report

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _artifact_uri(path: str) -> str:
    """The model's path relative to the working directory, with forward slashes."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        relative = path
    return relative.replace(os.sep, "/")


def _descriptor(kb: KnowledgeBase, ref: str, lang: str) -> dict[str, Any]:
    record = kb.record(ref)
    descriptor: dict[str, Any] = {
        "id": ref,
        "name": "".join(part.capitalize() for part in record.id.split("-")),
        "shortDescription": {"text": record.title.text(lang)},
        "fullDescription": {"text": " ".join(record.summary.text(lang).split())},
        "helpUri": record.url(lang),
        "help": {"text": f"{record.summary.text(lang)}\n\n{record.url(lang)}"},
        "properties": {"tags": ["ane", record.kind, *record.tags], "confidence": record.confidence},
    }
    if isinstance(record, Rule) and record.workaround:
        descriptor["help"]["text"] = (f"{record.summary.text(lang)}\n\n{record.workaround.text(lang)}\n\n"
                                      f"{record.url(lang)}")
    return descriptor


def to_sarif(report: Report, kb: KnowledgeBase, lang: str = "en") -> dict[str, Any]:
    refs = sorted({f.rule for m in report.models for f in m.findings})
    index = {ref: i for i, ref in enumerate(refs)}
    results = []
    notifications = []
    for model in report.models:
        uri = _artifact_uri(model.path)
        if model.error:
            notifications.append({"level": "error", "message": {"text": f"{model.path}: {model.error}"},
                                  "locations": [_location(uri, None, None)]})
            continue
        for finding in model.findings:
            result = {
                "ruleId": finding.rule, "ruleIndex": index[finding.rule], "level": LEVELS[finding.severity],
                "message": {"text": finding.message},
                "locations": [_location(uri, finding.layer, finding.path)],
                "properties": {"confidence": finding.confidence, "op": finding.op, "values": finding.values,
                               "unknown": finding.unknown, "fix": finding.fix, "verdict": model.verdict},
            }
            if finding.source:
                result["relatedLocations"] = [_source_location(finding.source)]
            results.append(result)
    driver = {"name": "ane-kb", "version": report.tool["version"], "semanticVersion": report.tool["version"],
              "informationUri": kb.site_url + "/", "rules": [_descriptor(kb, ref, lang) for ref in refs],
              "properties": {"dataVersion": report.tool["data_version"]}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": driver}, "language": "zh-CN" if lang == "zh" else "en-US",
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
        "results": results}]}


def _location(uri: str, layer: str | None, path: str | None) -> dict[str, Any]:
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": 1}}}
    if layer:
        qualified = f"{path}/{layer}" if path else layer
        location["logicalLocations"] = [{"name": layer, "fullyQualifiedName": qualified, "kind": "function"}]
    return location


def _source_location(source: str) -> dict[str, Any]:
    """The code line an op came from (Core AI debug locations, `file:line`), with the file as a URI."""
    file, _, line = source.rpartition(":")
    region = {"startLine": int(line)} if line.isdigit() and int(line) > 0 else {}
    file = file or source
    uri = PurePosixPath(file).as_uri() if file.startswith("/") else quote(file)
    location: dict[str, Any] = {"id": 0, "physicalLocation": {"artifactLocation": {"uri": uri}},
                                "message": {"text": "the code that produced this op"}}
    if region:
        location["physicalLocation"]["region"] = region
    return location
