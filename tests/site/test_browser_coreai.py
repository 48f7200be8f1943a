"""The in-browser checker cannot read Core AI models (the native library does not run in Pyodide): dropping an
.aimodel folder or a zip of one says, in the page's language, to use the command-line checker."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.site.test_browser_checker import _check, _open


@pytest.fixture(scope="module")
def aimodel(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A well-formed .aimodel folder (the parts, the magic, a matching hash), and a zip of it."""
    folder = tmp_path_factory.mktemp("coreai")
    model = folder / "Encoder.aimodel"
    model.mkdir()
    program = b"ML\xefR" + bytes(range(256))
    (model / "main.mlirb").write_bytes(program)
    (model / "main.hash").write_bytes(hashlib.sha256(program).digest())
    (model / "metadata.json").write_text(json.dumps({"assetVersion": "2.0"}), encoding="utf-8")
    archive = folder / "Encoder.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(model.iterdir()):
            out.write(path, Path("Encoder.aimodel") / path.name)
    return {"folder": model, "zip": archive}


@pytest.mark.parametrize(("lang", "words"), [("en", "need the command-line checker"), ("zh", "需要用命令行检查器")])
def test_a_core_ai_model_is_sent_to_the_cli(page: Any, served: str, aimodel: dict[str, Path], lang: str,
                                           words: str) -> None:
    _open(page, served, lang)
    for form, folder in (("folder", True), ("zip", False)):
        report = _check(page, aimodel[form], folder=folder)
        (model,) = report["models"]
        assert model["format"] == "coreai" and words in model["error"], (form, model)
        errors = page.locator("#ane-report .ane-error")
        assert errors.count() == 1
        shown = errors.inner_text()
        assert words in shown and "pip install 'ane-kb[coreai]'" in shown and "ane-kb check" in shown
    assert page.foreign_requests == [] and page.console_errors == []
