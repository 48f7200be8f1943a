"""The site in headless Chromium: loading, language switch, search in both languages, device table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

RULE = "layer-rule/pooling-kernel-too-large/"


def _search(page: Any, query: str) -> list[str]:
    page.keyboard.press("/")
    page.locator("input.md-search__input").fill(query)
    page.wait_for_function("() => { const m = document.querySelector('.md-search-result__meta');"
                           " return m && !/Initializing|正在初始化|Type to start|键入/.test(m.textContent) }")
    page.wait_for_timeout(300)
    return [a.get_attribute("href") or "" for a in page.locator(".md-search-result__link").all()]


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_home_loads_cleanly(page: Any, served: str, lang: str, tmp_path: Path) -> None:
    page.goto(f"{served}/{lang}", wait_until="networkidle")
    assert page.locator("h1").first.inner_text()
    assert page.console_errors == []
    assert page.foreign_requests == []
    page.screenshot(path=str(tmp_path / f"home-{lang.strip('/') or 'en'}.png"), full_page=True)


def test_language_switch_keeps_the_page(page: Any, served: str) -> None:
    page.goto(f"{served}/{RULE}", wait_until="load")
    page.locator(".md-header__option .md-select").hover()
    page.locator("a.ane-lang-link[lang=zh]").click()
    page.wait_for_url(f"{served}/zh/{RULE}")
    assert "池化" in page.locator("h1").first.inner_text()
    page.locator(".md-header__option .md-select").hover()
    page.locator("a.ane-lang-link[lang=en]").click()
    page.wait_for_url(f"{served}/{RULE}")


def test_chinese_search_finds_records(page: Any, served: str) -> None:
    page.goto(f"{served}/zh/", wait_until="load")
    assert any("/zh/" in href or href.startswith(("chip/", "layer-rule/", "howto/")) for href in _search(page, "引擎"))
    hits = _search(page, "神经引擎")
    assert hits, "神经引擎 found nothing"
    assert page.foreign_requests == []


def test_english_search_finds_gather(page: Any, served: str) -> None:
    page.goto(f"{served}/", wait_until="load")
    hits = _search(page, "gather")
    assert any("layer-rule/gather" in href for href in hits), hits


def test_typing_a_device_name_narrows_the_table(page: Any, served: str) -> None:
    page.goto(f"{served}/device/", wait_until="load")
    rows = page.locator(".ane-sortable tbody tr")
    total = rows.count()
    page.locator("input.ane-filter").fill("iPhone 12 Pro")
    visible = page.locator(".ane-sortable tbody tr:not([hidden])")
    assert 0 < visible.count() < total
    assert all("iPhone 12 Pro" in text for text in visible.all_inner_texts())


def test_sorting_a_column_reorders_it(page: Any, served: str) -> None:
    page.goto(f"{served}/chip/", wait_until="load")
    cells = page.locator(".ane-sortable tbody tr td:nth-child(3)")
    page.locator(".ane-sortable th").nth(2).click()
    ascending = [int(v or 0) for v in cells.evaluate_all("cells => cells.map(c => c.dataset.value)")]
    assert ascending == sorted(ascending)
    page.locator(".ane-sortable th").nth(2).click()
    descending = [int(v or 0) for v in cells.evaluate_all("cells => cells.map(c => c.dataset.value)")]
    assert descending == sorted(ascending, reverse=True) and descending != ascending


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_rule_page_screenshot(page: Any, served: str, lang: str, tmp_path: Path) -> None:
    page.goto(f"{served}/{lang}{RULE}", wait_until="networkidle")
    assert page.locator(".ane-badge").count() >= 1
    assert page.console_errors == [] and page.foreign_requests == []
    page.screenshot(path=str(tmp_path / f"rule-{lang.strip('/') or 'en'}.png"), full_page=True)
