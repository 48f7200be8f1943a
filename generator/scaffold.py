"""`python -m generator new KIND ID`: a record with every required field, each a placeholder to fill."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .canonical import schema_line
from .kb import KINDS

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PLACEHOLDER = "TODO"

_COMMON = """\
id: {id}
kind: {kind}
title:
  en: "TODO: a short English title"
  zh: "TODO: 中文标题"
summary:
  en: "TODO: the claim itself, in one to three English sentences"
  zh: "TODO: 用一到三句中文写出结论本身"
confidence: "TODO: confirmed, likely, speculative, anecdotal or disputed"
"""
_SOURCES = """\
sources:
  - url: https://TODO.invalid/the-page-you-read
    title: "TODO: the title of the source"
    kind: "TODO: apple-doc, apple-code, wwdc, apple-staff, experiment, community-doc, issue-thread, forum, blog, paper, press or press-release"
    accessed: "{today}"
updated: "{today}"
"""
_KIND_FIELDS = {
    "chip": """\
family: "TODO: a-series, m-series, s-series or intel"
year: "TODO: the year the chip first shipped, as a number"
has_ane: "TODO: true or false"
""",
    "device": """\
name: "TODO: the product name as Apple writes it"
year: "TODO: the year, as a number"
device_type: "TODO: iphone, ipad, ipod, mac, watch, tv, vision, display, speaker or dev-kit"
chips: ["TODO: chip/<id>"]
has_ane: "TODO: true or false"
runs_third_party_coreml: "TODO: true or false"
""",
    "layer-rule": """\
scope: op
family: "TODO: an op family from kb/_vocab/op-families.yaml, e.g. pooling"
identifiers:
  mlprogram: ["TODO: an ML Program op type, e.g. max_pool"]
effect:
  kind: "TODO: falls-back, may-fall-back, runs-on-ane, loses-precision, fails-to-compile or prefers-cpu"
""",
    "precision": """\
compute_unit: "TODO: cpu, gpu, ane or any"
""",
    "anecdote": """\
reported: "TODO: the year (or year-month) it was reported"
""",
    "howto": """\
topic: "TODO: why-ane, compute-units, run-on-ane, prevent-ane, detect-ane, model-surgery, internals, reverse-engineering, performance or deployment"
""",
}


class ScaffoldError(Exception):
    pass


def scaffold_text(kind: str, record_id: str, today: dt.date | None = None) -> str:
    date = (today or dt.date.today()).isoformat()
    body = _COMMON.format(id=record_id, kind=kind) + _KIND_FIELDS[kind] + _SOURCES.format(today=date)
    return schema_line(kind) + "\n" + body


def create(kb_dir: Path, kind: str, record_id: str) -> Path:
    """Write kb/<kind>/<id>.yaml, or raise ScaffoldError (nothing written) for a bad kind, id or an existing id."""
    if kind not in KINDS:
        raise ScaffoldError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    if not ID_PATTERN.match(record_id):
        raise ScaffoldError(f"bad id {record_id!r}: use lower-case words joined by hyphens, e.g. pooling-kernel-too-large")
    path = kb_dir / kind / f"{record_id}.yaml"
    if path.exists():
        raise ScaffoldError(f"{kind}/{record_id} already exists: {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(scaffold_text(kind, record_id))
    return path
