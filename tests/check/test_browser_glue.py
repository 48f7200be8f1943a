"""The Python side of the in-browser checker, run here in CPython."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from ane_kb.check.browser import run, unpack
from tests.check.conftest import check_json


def _comparable(report: dict) -> dict:
    for model in report["models"]:
        model.pop("path")
    report.pop("tool")
    return report


def test_run_gives_the_cli_json(built: dict[str, Path]) -> None:
    page = json.loads(run(str(built["lstm_pool"]), "iPhone XS", "ios17.4", "zh"))
    cli, _ = check_json(str(built["lstm_pool"]), "--device", "iPhone XS", "--os", "ios17.4", "--lang", "zh")
    assert page["models"][0]["path"] == built["lstm_pool"].name
    assert _comparable(page) == _comparable(cli)


def test_zipped_package_is_unpacked(built: dict[str, Path], tmp_path: Path) -> None:
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in built["mil_dilated"].rglob("*"):
            out.write(file, Path("MyModel.mlpackage") / file.relative_to(built["mil_dilated"]))
    assert unpack(archive).name == "MyModel.mlpackage"
    report = json.loads(run(str(archive), "iPhone XS"))
    assert report["models"][0]["error"] is None and report["models"][0]["format"] == "mlprogram"


def test_zip_that_escapes_its_folder_is_not_unpacked(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("../outside.txt", "x")
    assert unpack(archive) == archive
    assert not (tmp_path / "outside.txt").exists()


def test_bad_device_is_a_usage_error() -> None:
    assert "usage_error" in json.loads(run("/nonexistent", "Nokia 3310"))


def test_random_bytes_give_one_clear_message(tmp_path: Path) -> None:
    noise = tmp_path / "noise.mlmodel"
    noise.write_bytes(bytes(range(256)))
    for lang, expected in (("en", "not a Core ML model"), ("zh", "不是 Core ML 模型")):
        model = json.loads(run(str(noise), lang=lang))["models"][0]
        assert expected in model["error"]


def test_folder_without_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "stuff"
    folder.mkdir()
    shutil.copy(__file__, folder / "x.py")
    error = json.loads(run(str(folder)))["models"][0]["error"]
    assert "not an .mlpackage" in error


def test_a_core_ai_model_needs_the_cli(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The native Core AI library does not run in Pyodide: the page says to use the CLI, in both languages."""
    from ane_kb.check.readers import aimodel

    monkeypatch.setattr(aimodel, "library_available", lambda: False)
    folder = tmp_path / "model.aimodel"
    folder.mkdir()
    (folder / "main.mlirb").write_bytes(b"ML\xefR")
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(folder / "main.mlirb", "model.aimodel/main.mlirb")
    for path in (folder, archive):
        for lang, words in (("en", "command-line checker"), ("zh", "命令行检查器")):
            (model,) = json.loads(run(str(path), lang=lang))["models"]
            assert model["format"] == "coreai" and words in model["error"] and "ane-kb[coreai]" in model["error"]
