"""Real `ane-kb check` output for the "Check your model" page, produced at build time."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ane_kb import KnowledgeBase, __version__
from ane_kb.check import Report, resolve_target
from ane_kb.check.runner import Checker
from ane_kb.check.sarif import to_sarif
from ane_kb.check.text_report import report_text

from .example_model import build_lstm_pool

SHOWN = "MyModel.mlmodel"
MARKER = "<!-- example:{} -->"


def outputs(kb: KnowledgeBase, lang: str) -> dict[str, str]:
    """The example model checked for an iPhone XS, as text, JSON and SARIF in `lang`."""
    with tempfile.TemporaryDirectory() as tmp:
        model = build_lstm_pool(Path(tmp) / SHOWN)
        checker = Checker(kb, resolve_target(kb, "iPhone XS", "ios17.4"), lang)
        report = Report({"name": "ane-kb", "version": __version__, "data_version": kb.data_version},
                        [checker.check(model, SHOWN)])
    sarif = to_sarif(report, kb, lang)
    for result in sarif["runs"][0]["results"]:
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = SHOWN
    return {"text": report_text(report, lang), "json": json.dumps(report.to_dict(), ensure_ascii=False, indent=2),
            "sarif": json.dumps(sarif, ensure_ascii=False, indent=2)}


def fill(page: str, kb: KnowledgeBase, lang: str) -> str:
    """The hand-written page with each example marker replaced by a code block."""
    if MARKER.format("text") not in page:
        return page
    blocks = outputs(kb, lang)
    fences = {"text": "text", "json": "json", "sarif": "json"}
    for name, body in blocks.items():
        page = page.replace(MARKER.format(name), f"```{fences[name]}\n{body}\n```")
    return page
