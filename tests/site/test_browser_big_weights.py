"""The in-browser checker on packages with gigabytes of weights: the page reads slices of the weight file instead of
copying the package into Python's memory. The packages are sparse files (their weights are holes), so a run writes
almost nothing to disk."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.check.big_models import FP16_NAN, total_bytes, weight_file, write_package, write_stored_zip
from tests.site.test_browser_checker import _check, _cli, _comparable, _open

GIB = 1 << 30
MEMORY = "() => window.aneKbPyodide._module.HEAPU8.buffer.byteLength"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("big")
    package = write_package(folder, blocks=8, name="two-gb.mlpackage")  # 8 blocks of 2 x 128 MiB: 2 GiB
    assert weight_file(package).stat().st_size >= total_bytes(8, 4096, 16384) == 2 * GIB
    medium = write_package(folder / "zip", blocks=1, name="medium.mlpackage")  # 256 MiB, above the page's copy limit
    real = write_package(folder / "real", blocks=1, hidden=1024, ffn=4096, sparse=False, name="real.mlpackage",
                         last=FP16_NAN)  # 16 MiB of real values: sliced too, and counted without numpy
    return {"package": package, "medium": medium, "real": real, "stored": write_stored_zip(medium, folder / "stored.zip", small_deflated=True),
            "stored64": write_stored_zip(medium, folder / "stored64.zip", small_deflated=True, zip64=True),
            "deflated": write_stored_zip(medium, folder / "deflated.zip", deflated=True)}


def test_a_2_gb_package_is_checked_within_2_minutes_in_under_1_gib(page: Any, served: str, big: dict[str, Path]) -> None:
    _open(page, served, "en")
    before = page.evaluate(MEMORY)
    started = time.monotonic()
    report = _check(page, big["package"], folder=True)
    elapsed = time.monotonic() - started
    assert report, page.locator("#ane-report").inner_text()
    assert elapsed < 120, f"the report took {elapsed:.0f} s"
    memory = page.evaluate(MEMORY)
    assert memory < GIB, f"WebAssembly memory grew from {before >> 20} MiB to {memory >> 20} MiB"
    assert _comparable(report) == _comparable(_cli(big["package"], "", "en"))
    [model] = report["models"]
    assert model["error"] is None and model["summary"]["layers"] == 8 * 3


def test_real_weights_read_in_slices_give_the_cli_counts(page: Any, served: str, big: dict[str, Path]) -> None:
    _open(page, served, "en")
    report = _check(page, big["real"], folder=True)
    assert _comparable(report) == _comparable(_cli(big["real"], "", "en"))
    messages = [f["message"] for f in report["models"][0]["findings"]]
    assert any("1 value(s) are NaN or infinite" in m for m in messages)
    assert any("fp16 subnormal range" in m for m in messages), messages


@pytest.mark.parametrize("archive", ["stored", "stored64"])
def test_a_big_zip_of_stored_weights_and_deflated_small_files_is_read_from_its_slices(page: Any, served: str,
                                                                                       big: dict[str, Path],
                                                                                       archive: str) -> None:
    _open(page, served, "en")
    report = _check(page, big[archive])
    assert report, page.locator("#ane-report").inner_text()
    assert page.evaluate(MEMORY) < GIB
    assert _comparable(report) == _comparable(_cli(big["medium"], "", "en"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_big_deflated_zip_asks_for_the_folder(page: Any, served: str, big: dict[str, Path], lang: str) -> None:
    _open(page, served, lang)
    report = _check(page, big["deflated"])
    [model] = report["models"]
    assert model["verdict"] == "unknown" and model["path"] == "deflated.zip"
    assert ("Folder button" if lang == "en" else "文件夹") in model["error"], model["error"]
    assert page.evaluate(MEMORY) < GIB
