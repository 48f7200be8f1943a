"""The site answers questions (issue #23), in real Chromium and in both languages: a support grid per op
family, a device page that names its generation and lists the rules that apply, a home page one click
from the checker, and question searches that find the checker or the device list."""

from __future__ import annotations

from typing import Any

import pytest
from urllib.parse import urlsplit

from ane_kb import load
from ane_kb.device_rules import for_device
from generator.site import support_grid
from tests.site.test_browser import _search

LANGS = ["", "zh/"]
KB = load()
FAMILIES = list(support_grid.families(KB))
GENERATIONS = len(KB.vocab["ane_generations"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_family_grid_renders(page: Any, served: str, lang: str) -> None:
    for family in FAMILIES:
        page.goto(f"{served}/{lang}support/{family}/", wait_until="load")
        grid = page.locator(f'.ane-grid[data-family="{family}"]')
        assert grid.locator("thead th[data-generation]").count() == GENERATIONS, family
        rows = grid.locator("tbody tr")
        assert rows.count() == len(support_grid.rules_of(KB, family)), family
        states = grid.locator("td.ane-cell").evaluate_all("cells => cells.map(c => c.dataset.state)")
        assert len(states) == rows.count() * GENERATIONS and set(states) <= set(support_grid.STATES), family
        assert grid.locator("td.ane-cell sup a").count() == len(states)
        assert page.locator(".ane-legend li").count() == len(support_grid.STATES)
    assert page.console_errors == [] and page.foreign_requests == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_grid_index_shows_every_family_and_links_to_it(page: Any, served: str, lang: str) -> None:
    page.goto(f"{served}/{lang}support/", wait_until="load")
    assert page.locator(".ane-grid--index tbody tr").evaluate_all("rows => rows.map(r => r.dataset.family)") == FAMILIES
    page.locator('.ane-grid--index tr[data-family="pooling"] th a').click()
    page.wait_for_url(f"{served}/{lang}support/pooling/")
    cell = page.locator('tr[data-rule="layer-rule/pooling-kernel-too-large"] td[data-generation="4"] a').first
    cell.click()
    page.wait_for_url(f"{served}/{lang}layer-rule/pooling-kernel-too-large/")


@pytest.mark.parametrize("lang, label", [("", "A14 / M1 generation"), ("zh/", "A14 / M1 代")])
def test_iphone_12_pro_page_names_its_generation_and_the_rules(page: Any, served: str, lang: str, label: str) -> None:
    page.goto(f"{served}/{lang}device/iphone-12-pro-2020/", wait_until="load")
    generation = page.locator("a.ane-generation")
    assert generation.inner_text() == f"4 · {label}"
    rules = page.locator('article a[href*="layer-rule/"]')
    expected = {f"layer-rule/{a.rule.id}/" for a in for_device(KB, KB.devices.lookup("iPhone 12 Pro"))}
    hrefs = {h.split("layer-rule/")[1] for h in rules.evaluate_all("links => links.map(a => a.href)")}
    assert {f"layer-rule/{h}" for h in hrefs} == expected and len(expected) > 10
    rules.first.click()
    page.wait_for_url(f"{served}/{lang}layer-rule/**")
    page.go_back()
    generation.click()
    page.wait_for_url(f"{served}/{lang}glossary/#ane-generation-4")
    assert page.locator("#ane-generation-4").count() == 1


@pytest.mark.parametrize("lang", LANGS)
def test_check_for_this_device_preselects_it(page: Any, served: str, lang: str) -> None:
    page.goto(f"{served}/{lang}device/iphone-12-pro-2020/", wait_until="load")
    page.locator("a.ane-check-device").click()
    page.wait_for_url(f"{served}/{lang}browser/?device=iphone-12-pro-2020")
    assert page.locator("#ane-device").input_value() == "device/iphone-12-pro-2020"


@pytest.mark.parametrize("lang", LANGS)
def test_home_reaches_the_checker_in_one_click(page: Any, served: str, lang: str) -> None:
    page.goto(f"{served}/{lang}", wait_until="load")
    page.locator("a.ane-start__check").click()
    page.wait_for_url(f"{served}/{lang}browser/")
    assert page.locator("#ane-checker").count() == 1


@pytest.mark.parametrize("lang", LANGS)
def test_home_device_box_opens_the_device_page(page: Any, served: str, lang: str) -> None:
    page.goto(f"{served}/{lang}", wait_until="load")
    page.locator("#ane-device-box").fill("iPhone 12 Pro")
    page.locator("form.ane-device-box button").click()
    page.wait_for_url(f"{served}/{lang}device/iphone-12-pro-2020/")
    page.goto(f"{served}/{lang}", wait_until="load")
    page.locator("#ane-device-box").fill("MacBook Air")
    page.locator("form.ane-device-box button").click()
    page.wait_for_url(f"{served}/{lang}device/?q=MacBook+Air")
    visible = page.locator(".ane-sortable tbody tr:not([hidden])").all_inner_texts()
    assert visible and all("MacBook Air" in text for text in visible)


@pytest.mark.parametrize("lang, questions", [("", 3), ("zh/", 3)])
def test_home_lists_the_questions(page: Any, served: str, lang: str, questions: int) -> None:
    page.goto(f"{served}/{lang}", wait_until="load")
    links = page.locator("article ul").first.locator("a")
    assert links.count() == questions
    links.nth(0).click()
    page.wait_for_url(f"{served}/{lang}ane-devices/")
    assert page.locator('a[href$="device/iphone-12-pro-2020/"]').count() >= 1


@pytest.mark.parametrize("lang, query, wanted", [
    ("", "can my model run on the ANE", "browser/"),
    ("", "which devices have an ANE", "ane-devices/"),
    ("zh/", "我的模型能在神经引擎上运行吗", "browser/"),
    ("zh/", "哪些设备有神经引擎", "ane-devices/"),
])
def test_question_searches_find_the_answer_in_the_top_three(page: Any, served: str, lang: str, query: str,
                                                             wanted: str) -> None:
    page.goto(f"{served}/{lang}", wait_until="load")
    _search(page, query)
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__link').length > 3", timeout=30000)
    links = page.locator(".md-search-result__link").evaluate_all("links => links.map(a => a.href)")
    pages = list(dict.fromkeys(urlsplit(h).path for h in links))[:3]
    assert any(path.endswith(wanted) for path in pages), pages
