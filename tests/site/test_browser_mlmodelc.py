"""The in-browser checker reads compiled models (.mlmodelc) as a folder and as a zip, like the CLI."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.check import models
from tests.check.mil_writer import compile_package
from tests.site.test_browser_checker import _check, _cli, _comparable, _open


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("compiled")
    package = models.mil_conv_pool(folder / "dilated.mlpackage", dilation=2, channels=128, outputs=512, relu=False)
    program = compile_package(package, folder / "Dilated.mlmodelc", "1.3")
    archive = folder / "Dilated.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(program.rglob("*")):
            out.write(path, Path("export") / path.relative_to(folder))
    network = folder / "Pool.mlmodelc"
    network.mkdir()
    layers = [{"type": "pool", "name": "pool", "bottom": "x", "top": "y", "avg_or_max": 1, "size_x": 15,
               "size_y": 15, "stride_x": 1, "stride_y": 1},
              {"type": "mystery_layer", "name": "m", "bottom": "y", "top": "z"}]
    (network / "model.espresso.net").write_text(json.dumps({"layers": layers}), encoding="utf-8")
    (network / "model.espresso.weights").write_bytes(bytes(1024))
    return {"program": program, "zip": archive, "network": network, "package": package}


def test_a_compiled_program_folder_and_its_zip_give_the_cli_report(page: Any, served: str,
                                                                   compiled: dict[str, Path]) -> None:
    _open(page, served, "en")
    device = "device/iphone-xs-2018"
    from_folder = _check(page, compiled["program"], device, folder=True)
    model = from_folder["models"][0]
    assert model["error"] is None and model["format"] == "mlprogram"
    assert "layer-rule/dilated-convolution" in {f["rule"] for f in model["findings"]}
    assert _comparable(from_folder) == _comparable(_cli(compiled["program"], device, "en"))
    from_zip = _check(page, compiled["zip"], device)
    assert _comparable(from_zip) == _comparable(from_folder)
    package = _comparable(_cli(compiled["package"], device, "en"))
    assert _comparable(from_folder)["models"][0]["findings"] == package["models"][0]["findings"]
    assert page.foreign_requests == [] and page.console_errors == []


def test_a_compiled_network_lists_what_it_could_not_map(page: Any, served: str, compiled: dict[str, Path]) -> None:
    _open(page, served, "zh")
    report = _check(page, compiled["network"], folder=True)
    model = report["models"][0]
    assert model["error"] is None and model["format"] == "neuralnetwork"
    assert "espresso:mystery_layer" in model["summary"]["uncovered_ops"]
    assert "layer-rule/pooling-kernel-too-large" in {f["rule"] for f in model["findings"]}
    assert "espresso:mystery_layer" in page.locator("#ane-report .ane-uncovered").inner_text()
    assert _comparable(report) == _comparable(_cli(compiled["network"], "", "zh"))
