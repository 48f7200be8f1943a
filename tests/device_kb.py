"""A copy of the fixture KB whose device (iPhone XS) carries the device fields, for lookup, CLI and checker
tests: `device_kb(tmp, os='{ios: {min: "14"}}')` returns the export's path."""

from __future__ import annotations

from pathlib import Path

from generator import export as exporter
from generator.kb import load_kb
from generator.lint import lint
from tests.conftest import copy_minikb

FIELDS = """runs_third_party_coreml: true
os: {os}
machine_ids:
  - iPhone11,2
model_numbers:
  - A1920
  - A2097
name_zh: iPhone XS
field_sources:
  os: [https://example.org/devices]
  machine_ids: [https://example.org/devices]
  model_numbers: [https://example.org/devices]
  name_zh: [https://example.org/devices]"""


def device_kb(tmp: Path, os: str = '{ios: {min: "12.0", max: "18"}}', rule_os: str | None = None) -> Path:
    """The export of the fixture KB with iPhone XS's OS range `os` (YAML flow text) and, if given, the
    pooling rule's `applies_to.os` replaced by `rule_os`. It must lint clean."""
    kb_dir = copy_minikb(tmp / "kb")
    device = kb_dir / "device" / "iphone-xs.yaml"
    device.write_text(device.read_text(encoding="utf-8").replace("runs_third_party_coreml: true",
                                                                 FIELDS.replace("{os}", os)), encoding="utf-8")
    if rule_os is not None:
        rule = kb_dir / "layer-rule" / "pool-big.yaml"
        text = rule.read_text(encoding="utf-8")
        old = '  os: {ios: {min: "13", max: "17.4"}}'
        assert old in text
        rule.write_text(text.replace(old, f"  os: {rule_os}"), encoding="utf-8")
    loaded = load_kb(kb_dir)
    problems = [p for p in lint(loaded) if not p.warning]
    assert problems == [], [p.format() for p in problems]
    out = tmp / "kb.json"
    out.write_text(exporter.dumps(exporter.build(loaded)), encoding="utf-8")
    return out
