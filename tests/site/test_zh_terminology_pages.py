"""Apple's Chinese term on the glossary and the chip and device spec lines, the terminology table on the
glossary page, and the search vocabulary of the zh site (issue #19)."""

from __future__ import annotations

import pytest

from ane_kb import KnowledgeBase, load
from generator.site.generate import jieba_dictionary
from generator.site.index_pages import kind_index
from generator.site.other_pages import glossary_page
from generator.site.record_pages import RecordPage


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


def page(kb: KnowledgeBase, ref: str, lang: str) -> str:
    labels = {level: data["label"][lang] for level, data in kb.vocab["confidence"].items()}
    return RecordPage(kb, lang, labels, "https://example.org/edit").render(kb.record(ref))


def _spec_line(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| {label} |"))


@pytest.mark.parametrize("ref", ["chip/m4", "device/iphone-12-pro-2020"])
def test_the_zh_spec_line_gives_apples_term(kb: KnowledgeBase, ref: str) -> None:
    line = _spec_line(page(kb, ref, "zh"), "神经引擎核心数")
    assert line == "| 神经引擎核心数 | 16（Apple 中文名称：16 核神经网络引擎） |"
    assert "神经网络引擎" not in page(kb, ref, "en")


def test_a_device_without_an_engine_names_none(kb: KnowledgeBase) -> None:
    no_ane = next(d for d in kb.devices if not any(c.ane for c in d.chips))
    assert "神经网络引擎" not in _spec_line(page(kb, no_ane.ref, "zh"), "神经引擎核心数")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_glossary_has_the_terminology_table_with_apples_term(kb: KnowledgeBase, lang: str) -> None:
    text = glossary_page(kb, lang)
    title = "## Chinese terminology" if lang == "en" else "## 中文用词"
    start = text.index(title)
    section = text[start:text.index("\n## ", start)]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == len(kb.vocab["terminology"])
    assert rows[0].startswith("| 神经引擎") and "| ANE |" in rows[0] and "神经引擎（ANE）" in rows[0]
    assert "神经网络引擎" in rows[0].split(" | ")[0], "the glossary gives Apple's term beside ours"
    assert "半精度（fp16）" in rows[1]


def test_the_device_index_names_apples_term_and_is_boosted(kb: KnowledgeBase) -> None:
    labels = {level: data["label"]["zh"] for level, data in kb.vocab["confidence"].items()}
    text = kind_index(kb, "device", "zh", labels)
    front, _, body = text.removeprefix("---\n").partition("\n---\n")
    assert front.startswith("search:\n  boost: 4") and body.lstrip().startswith("# 设备")
    assert text.count("\n---\n") == 1, "one front-matter block"
    assert "神经网络引擎" in text
    assert "boost" not in kind_index(kb, "chip", "zh", labels)


def test_the_search_dictionary_has_the_terms_of_the_table(kb: KnowledgeBase) -> None:
    words = [line.split(" ")[0] for line in jieba_dictionary(kb).splitlines()]
    for word in ("神经引擎", "神经网络引擎", "半精度", "半精度溢出", "宽注意力头"):
        assert word in words, word
    assert len(words) == len(set(words))
