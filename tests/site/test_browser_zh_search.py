"""Chinese search vocabulary (issue #19): Apple's term 神经网络引擎 finds the device index and the checker,
and 半精度溢出 finds the fp16 overflow record, among the results a reader sees first."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.site.test_browser import _search


def _first_pages(page: Any, served: str, query: str) -> list[str]:
    page.goto(f"{served}/zh/", wait_until="load")
    hrefs = _search(page, query)
    root = urlsplit(served).path.rstrip("/")  # the site is served under its site_url path
    return list(dict.fromkeys(urlsplit(href).path.removeprefix(root) for href in hrefs if href))


@pytest.mark.parametrize(("query", "wanted"), [
    ("神经网络引擎", ["/zh/device/", "/zh/browser/"]),
    ("半精度溢出", ["/zh/precision/fp16-overflow/"]),
])
def test_chinese_search_finds_the_page(page: Any, served: str, query: str, wanted: list[str]) -> None:
    pages = _first_pages(page, served, query)
    for path in wanted:
        assert path in pages, (query, pages)
    assert page.foreign_requests == []


def test_the_overflow_record_comes_first_for_half_precision_overflow(page: Any, served: str) -> None:
    assert _first_pages(page, served, "半精度溢出")[0] == "/zh/precision/fp16-overflow/"


def test_the_terms_are_whole_words_in_the_index(built_site: Path) -> None:
    """jieba keeps the terms whole (the user dictionary), so a search for the term matches one token."""
    docs = json.loads((built_site / "zh" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    tokens = {token for doc in docs for token in re.split(r"[\s\u200b]+", doc["title"] + " " + doc["text"])}
    assert {"神经网络引擎", "半精度溢出"} <= tokens
    assert not any("神经网络\u200b引擎" in doc["text"] for doc in docs)
