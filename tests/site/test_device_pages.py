"""Device pages show the looked-up fields (OS range, machine identifiers, model numbers, Apple's Chinese name
on the Chinese page), say "not recorded" where no source gives one, and name each field's sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from ane_kb import KnowledgeBase, load
from generator.site.record_pages import RecordPage
from tests.device_kb import device_kb

LABELS = {c: c for c in ("confirmed", "likely", "speculative", "anecdotal", "disputed")}


@pytest.fixture(scope="module")
def fielded(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load(device_kb(tmp_path_factory.mktemp("devkb")))


def _page(kb: KnowledgeBase, lang: str) -> str:
    return RecordPage(kb, lang, LABELS, "https://example.org/edit").render(kb.devices["iphone-xs"])


def test_english_page_shows_the_fields(fielded: KnowledgeBase) -> None:
    page = _page(fielded, "en")
    assert "| Supported OS | iOS 12.0–18 |" in page
    assert "| Machine identifiers | `iPhone11,2` |" in page
    assert "| Model numbers | A1920, A2097 |" in page
    assert "Apple's Chinese name" not in page
    assert "- Machine identifiers: [Device list](https://example.org/devices)" in page


def test_chinese_page_shows_the_chinese_name(fielded: KnowledgeBase) -> None:
    page = _page(fielded, "zh")
    assert "| Apple 中文名称 | iPhone XS |" in page
    assert "| 机型标识符 | `iPhone11,2` |" in page
    assert "- Apple 中文名称: [Device list](https://example.org/devices)" in page


@pytest.mark.parametrize(("lang", "rows"), [
    ("en", ["| Supported OS | not recorded |", "| Machine identifiers | not recorded |",
            "| Model numbers | not recorded |"]),
    ("zh", ["| 支持的系统 | 未记录 |", "| 机型标识符 | 未记录 |", "| 型号 | 未记录 |", "| Apple 中文名称 | 未记录 |"]),
])
def test_unsourced_fields_say_not_recorded(kb: KnowledgeBase, lang: str, rows: list[str]) -> None:
    page = _page(kb, lang)
    for row in rows:
        assert row in page
    assert ("“未记录”表示" in page) if lang == "zh" else ('"Not recorded" means' in page)


def test_open_ended_range(tmp_path: Path) -> None:
    kb = load(device_kb(tmp_path, os='{ios: {min: "12.0"}}'))
    page = _page(kb, "en")
    assert "| Supported OS | iOS 12.0+ |" in page
