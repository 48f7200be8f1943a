"""ane_kb.labels: every vocabulary value has an English and a Chinese label, and the confidence labels are the
vocabulary's own."""

from __future__ import annotations

import json
import re

import yaml

from ane_kb import labels
from tests.conftest import ROOT

HAN = re.compile(r"[\u3400-\u9fff]")


def test_confidence_labels_match_the_vocabulary() -> None:
    vocab = yaml.safe_load((ROOT / "kb" / "_vocab" / "confidence.yaml").read_text(encoding="utf-8"))["levels"]
    for lang in ("en", "zh"):
        assert labels.CONFIDENCE[lang] == {level: data["label"][lang] for level, data in vocab.items()}


def test_every_schema_value_has_both_labels() -> None:
    schemas = {"effect": ("common", "kind"), "device_type": ("device", "device_type"), "family": ("chip", "family"),
               "topic": ("howto", "topic")}
    for table, (kind, field) in schemas.items():
        text = (ROOT / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8")
        values = _enum(json.loads(text)["$defs"]["effect"] if kind == "common" else json.loads(text), field)
        assert values, f"no enum for {kind}.{field}"
        for lang in ("en", "zh"):
            missing = [v for v in values if v not in labels.TABLES[table][lang]]
            assert missing == [], f"{table} {lang}: {missing}"


def test_zh_labels_are_chinese_unless_a_name() -> None:
    names = {"iPhone", "iPad", "iPod", "Mac", "Apple Watch", "Apple TV", "Vision", "fp16", "int8", "Intel", "GPU", "CPU"}
    for table in labels.TABLES.values():
        for value, text in table["zh"].items():
            assert HAN.search(text) or text in names, (value, text)


def test_unknown_values_pass_through() -> None:
    assert labels.label("effect", "something-new", "zh") == "something-new"
    assert labels.confidence("disputed", "zh") == "有争议"
    assert labels.tag({"tags": {"no-ane": {"en": "No usable Neural Engine", "zh": "无可用神经引擎"}}}, "no-ane", "zh") == "无可用神经引擎"


def _enum(schema: object, field: str) -> list[str]:
    """The enum of `field` anywhere in a schema (it may sit under $defs or nested objects)."""
    if isinstance(schema, dict):
        prop = (schema.get("properties") or {}).get(field)
        if isinstance(prop, dict):
            found = prop.get("enum")
            if found:
                return list(found)
        for value in schema.values():
            found = _enum(value, field)
            if found:
                return found
    elif isinstance(schema, list):
        for value in schema:
            found = _enum(value, field)
            if found:
                return found
    return []
