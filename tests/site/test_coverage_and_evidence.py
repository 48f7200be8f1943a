"""Generated pages of the knowledge work: the Coverage page (every topic with links to its records) and inferred values."""

from __future__ import annotations

import re

import pytest

from ane_kb import KnowledgeBase, load
from generator.site import other_pages
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load(ROOT / "src" / "ane_kb" / "data" / "kb.json")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_topic_and_record_is_on_the_page(kb: KnowledgeBase, lang: str) -> None:
    labels = {level: data["label"][lang] for level, data in kb.vocab["confidence"].items()}
    page = other_pages.coverage_page(kb, lang, labels)
    topics = kb.vocab["topics"]
    assert len(topics) >= 20
    rows = [line for line in page.splitlines() if line.startswith("| ") and not line.startswith("| Topic")
            and not line.startswith("| 主题")]
    assert len(rows) == len(topics)
    for topic in topics.values():
        row = next(r for r in rows if r.startswith(f"| {topic['label'][lang]} |"))
        linked = re.findall(r"\]\(\.\./([a-z-]+/[a-z0-9-]+)\.md\)", row)
        assert linked == topic["records"]


def test_a_pipe_in_a_label_does_not_break_the_table(kb: KnowledgeBase) -> None:
    topics = dict(kb.vocab["topics"])
    topics["odd"] = {"label": {"en": "A | B", "zh": "甲 | 乙"}, "records": ["chip/m5"]}
    fake = type("FakeKB", (), {"vocab": {**kb.vocab, "topics": topics}, "record": kb.record})()
    page = other_pages.coverage_page(fake, "en", {level: level for level in kb.vocab["confidence"]})  # type: ignore[arg-type]
    assert "| A \\| B | " in page


def test_an_inferred_basis_is_marked_on_the_chip_page(kb: KnowledgeBase) -> None:
    from generator.site.record_pages import RecordPage

    labels = {level: data["label"]["en"] for level, data in kb.vocab["confidence"].items()}
    m3 = RecordPage(kb, "en", labels, "https://example.org/edit").render(kb.record("chip/m3"))
    m4 = RecordPage(kb, "en", labels, "https://example.org/edit").render(kb.record("chip/m4"))
    assert "(basis: fp16, inferred, not stated by a source)" in m3
    assert "inferred, not stated" not in m4
