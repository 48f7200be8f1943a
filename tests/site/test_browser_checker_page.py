"""The browser checker's page itself: one download of the runtime whose size the page announces, the checked
file's name in the report, Chinese badges on the zh page, a segment strip linked to its findings, and the zip
hint where a browser cannot pick folders (iOS)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.check import models

READY = "#ane-checker[data-ready], #ane-checker[data-failed]"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.0 Mobile/15E148 Safari/604.1")


@pytest.fixture(scope="module")
def lstm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return models.nn_lstm_pool(tmp_path_factory.mktemp("uploads") / "lstm_pool.mlmodel")


def _ready(page: Any) -> None:
    page.wait_for_selector(READY, timeout=180_000)
    assert page.get_attribute("#ane-checker", "data-failed") is None, page.locator(".ane-checker__status").inner_text()


def _report(page: Any, path: Path) -> dict[str, Any]:
    page.set_input_files("#ane-file", str(path))
    page.wait_for_selector("#ane-report .ane-model", timeout=60_000)
    text = page.evaluate("async () => await (await fetch(document.getElementById('ane-json').href)).text()")
    report: dict[str, Any] = json.loads(text)
    return report


def test_first_visit_fetches_the_runtime_once_and_as_announced(browser: Any, served: str, lstm: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    responses: list[Any] = []
    page.on("response", lambda r: responses.append(r) if "/checker-assets/" in r.url else None)
    page.goto(f"{served}/browser/", wait_until="load")
    _ready(page)
    counts = Counter(r.url.split("?")[0] for r in responses)
    assert counts and all(n == 1 for n in counts.values()), counts
    assert any(url.endswith("pyodide.asm.wasm") for url in counts)
    downloaded = sum(len(r.body()) for r in responses)
    announced = int(page.get_attribute(".ane-download-size", "data-bytes") or 0)
    assert announced == downloaded, (announced, downloaded)
    shown = page.locator(".ane-download-size").inner_text()
    assert shown == f"{downloaded / 1_000_000:.1f} MB"

    # The report names the file it checked, and the JSON's path is that name, not the page's upload folder.
    report = _report(page, lstm)
    assert [m["path"] for m in report["models"]] == ["lstm_pool.mlmodel"]
    assert "lstm_pool.mlmodel" in page.locator(".ane-model__name").inner_text()
    # A segment off the ANE links to a finding about one of its layers.
    links = page.locator(".ane-strip a.ane-strip__other").evaluate_all("links => links.map(a => a.hash.slice(1))")
    assert links, "no segment off the ANE is linked"
    for anchor in links:
        assert page.locator(f"li.ane-finding[id='{anchor}']").count() == 1
    # Rule text renders its `code` spans as code, not as literal backticks.
    assert "`" not in page.locator("#ane-report").inner_text()
    context.close()


def test_zh_report_shows_chinese_badges(page: Any, served: str, lstm: Path) -> None:
    page.goto(f"{served}/zh/browser/", wait_until="load")
    _ready(page)
    report = _report(page, lstm)
    levels = {f["confidence"] for m in report["models"] for f in m["findings"]}
    badges = page.locator("#ane-report .ane-badge").all_inner_texts()
    assert levels and badges
    labels = json.loads(page.get_attribute("#ane-checker", "data-confidence") or "{}")
    assert set(badges) <= {labels[level] for level in levels}
    assert not set(badges) & {"confirmed", "likely", "speculative", "anecdotal", "disputed"}


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_iphone_is_told_to_zip_an_mlpackage(browser: Any, served: str, lang: str) -> None:
    context = browser.new_context(user_agent=IPHONE, viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(f"{served}/{lang}browser/", wait_until="domcontentloaded")
    hint = page.locator(".ane-checker__zip-hint")
    hint.wait_for(state="visible", timeout=10_000)
    assert ".mlpackage" in hint.inner_text() and ".zip" in hint.inner_text()
    assert page.locator("#ane-folder").is_hidden()
    context.close()


def test_desktop_gets_no_zip_hint(page: Any, served: str) -> None:
    page.goto(f"{served}/browser/", wait_until="domcontentloaded")
    page.wait_for_function("() => document.getElementById('ane-checker') !== null")
    page.wait_for_timeout(200)
    assert page.locator(".ane-checker__zip-hint").is_hidden()
    assert page.locator("#ane-folder").is_visible()
