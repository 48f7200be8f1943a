"""The in-browser checker: Pyodide runs ane_kb's checker on an uploaded model, offline, like the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.check import models

READY = "#ane-checker[data-ready], #ane-checker[data-failed]"


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("uploads")
    noise = folder / "noise.mlmodel"
    noise.write_bytes(bytes(range(256)) * 4)
    return {"lstm_pool": models.nn_lstm_pool(folder / "lstm_pool.mlmodel"),
            "clean": models.mil_conv_pool(folder / "clean.mlpackage", channels=128, outputs=512, relu=False),
            "noise": noise}


def _open(page: Any, served: str, lang: str) -> None:
    page.goto(f"{served}/{'zh/' if lang == 'zh' else ''}browser/", wait_until="load")
    page.wait_for_selector(READY, timeout=120_000)
    assert page.get_attribute("#ane-checker", "data-failed") is None, page.locator(".ane-checker__status").inner_text()


def _check(page: Any, path: Path, device: str = "", folder: bool = False) -> dict[str, Any]:
    page.select_option("#ane-device", device)
    page.evaluate("document.getElementById('ane-report').textContent = ''")
    if folder:
        page.set_input_files("#ane-folder", str(path))
    else:
        page.set_input_files("#ane-file", str(path))
    page.wait_for_selector("#ane-report .ane-model, #ane-report .ane-error", timeout=60_000)
    if page.locator("#ane-json").is_hidden():
        return {}
    text = page.evaluate("async () => await (await fetch(document.getElementById('ane-json').href)).text()")
    return json.loads(text)


def _cli(path: Path, device: str, lang: str) -> dict[str, Any]:
    args = [sys.executable, "-m", "ane_kb", "check", str(path), "--format", "json", "--lang", lang]
    if device:
        args += ["--device", device]
    return json.loads(subprocess.run(args, capture_output=True, text=True).stdout)


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    report = json.loads(json.dumps(report))
    report.pop("tool")
    for model in report["models"]:
        model.pop("path")
    return report


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lstm_and_big_pooling_are_reported_with_working_links(page: Any, served: str, uploads: dict[str, Path],
                                                              lang: str, tmp_path: Path) -> None:
    _open(page, served, lang)
    report = _check(page, uploads["lstm_pool"], "device/iphone-xs-2018")
    rules = {f["rule"] for f in report["models"][0]["findings"]}
    assert {"layer-rule/recurrent-layers", "layer-rule/pooling-kernel-too-large"} <= rules
    links = page.locator("#ane-report a.ane-rule")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    for rule in ("layer-rule/recurrent-layers", "layer-rule/pooling-kernel-too-large"):
        link = page.locator(f"#ane-report a.ane-rule[href$='{rule}/']").first
        absolute = link.evaluate("a => a.href")
        assert page.request.get(absolute).status == 200, absolute
        assert (f"/zh/{rule}/" in absolute) == (lang == "zh")
    assert hrefs
    words = ("Errors", "Warnings") if lang == "en" else ("错误", "警告")
    assert all(word in page.locator("#ane-report").inner_text() for word in words)
    page.screenshot(path=str(tmp_path / f"browser-{lang}.png"), full_page=True)
    assert page.foreign_requests == [] and page.console_errors == []


def test_clean_model_has_no_errors(page: Any, served: str, uploads: dict[str, Path]) -> None:
    _open(page, served, "en")
    report = _check(page, uploads["clean"], "device/ipad-pro-13-inch-2024", folder=True)
    model = report["models"][0]
    assert model["error"] is None and model["verdict"] == "likely-all-ane"
    assert not [f for f in model["findings"] if f["severity"] == "error"]


def test_random_bytes_give_one_clear_message(page: Any, served: str, uploads: dict[str, Path]) -> None:
    for lang, expected in (("en", "not a Core ML model"), ("zh", "不是 Core ML 模型")):
        _open(page, served, lang)
        _check(page, uploads["noise"])
        errors = page.locator("#ane-report .ane-error")
        assert errors.count() == 1 and expected in errors.inner_text()


def test_the_page_and_the_cli_give_the_same_json(page: Any, served: str, uploads: dict[str, Path]) -> None:
    _open(page, served, "zh")
    for name, device, folder in (("lstm_pool", "device/iphone-xs-2018", False), ("clean", "device/ipad-pro-13-inch-2024", True),
                                 ("noise", "", False)):
        page_report = _check(page, uploads[name], device, folder)
        if not page_report:
            continue
        assert _comparable(page_report) == _comparable(_cli(uploads[name], device, "zh")), name
    assert page.foreign_requests == []


def _pick(page: Any, *paths: Path) -> list[Any]:
    page.evaluate("document.getElementById('ane-report').textContent = ''")
    page.set_input_files("#ane-file", [str(p) for p in paths])
    page.wait_for_selector("#ane-report .ane-model, #ane-report .ane-error", timeout=60_000)
    page.wait_for_function(f"document.querySelectorAll('#ane-report .ane-model').length >= {len(paths)}"
                           " || !!document.querySelector('#ane-report > .ane-error')", timeout=60_000)
    return list(page.locator("#ane-report .ane-model").all())


def test_custom_layer_model_is_reported(page: Any, served: str, tmp_path: Path) -> None:
    _open(page, served, "en")
    report = _check(page, models.nn_custom(tmp_path / "custom.mlmodel"))
    model = report["models"][0]
    assert model["error"] is None
    assert any(f["rule"] == "layer-rule/custom-layers" and f["layer"] == "custom" for f in model["findings"])
    assert page.console_errors == []


def test_broken_file_next_to_a_good_one(page: Any, served: str, uploads: dict[str, Path]) -> None:
    _open(page, served, "en")
    sections = _pick(page, uploads["noise"], uploads["lstm_pool"])
    assert len(sections) == 2
    assert "noise.mlmodel: the file is not a Core ML model" in sections[0].inner_text()
    assert "layer-rule/recurrent-layers" in sections[1].inner_text()
    text = page.evaluate("async () => await (await fetch(document.getElementById('ane-json').href)).text()")
    first, second = json.loads(text)["models"]
    assert first["error"] and second["error"] is None


@pytest.mark.parametrize(("lang", "expected"), [("en", "the checker failed on this file"), ("zh", "检查器处理这个文件时出错")])
def test_a_python_exception_is_shown_with_the_file_name(page: Any, served: str, uploads: dict[str, Path],
                                                        lang: str, expected: str) -> None:
    _open(page, served, lang)
    page.evaluate("window.aneKbPyodide.runPython(`import ane_kb.check.browser as b\\n"
                  "def broken():\\n    raise RuntimeError('the knowledge base is damaged')\\n"
                  "b.default = broken`)")
    sections = _pick(page, uploads["lstm_pool"], uploads["noise"])
    texts = [s.inner_text() for s in sections]
    assert len(texts) == 2
    assert texts[0].startswith(f"lstm_pool.mlmodel: {expected}")
    assert "RuntimeError: the knowledge base is damaged" in texts[0]
    assert texts[1].startswith("noise.mlmodel:")


def test_an_internal_error_in_the_checker_is_that_models_error(page: Any, served: str, uploads: dict[str, Path]) -> None:
    _open(page, served, "en")
    page.evaluate("window.aneKbPyodide.runPython(`from ane_kb.check import runner\\n"
                  "def broken(self, path, shown):\\n    raise AttributeError(\"'str' object has no attribute 'ListFields'\")\\n"
                  "runner.Checker._check = broken`)")
    sections = _pick(page, uploads["lstm_pool"])
    assert "internal error while checking this model (AttributeError" in sections[0].inner_text()
