"""A package may name only files inside itself: manifest entries, the model file and blob file names resolve
inside the folder the user gave, symlinks included. Anything else is a one-line input error, and nothing outside
is opened."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.check.mutations import copy_model, main_ops, manifest_of, mutated, with_manifest
from tests.check.test_crash_classes import checked

CORE = Path("Data") / "com.apple.CoreML"


def _root_path(package: Path, path: str) -> dict[str, Any]:
    manifest = manifest_of(package)
    manifest["itemInfoEntries"][manifest["rootModelIdentifier"]]["path"] = path
    return manifest


@pytest.mark.parametrize("path", ["/proc/self/mem", "../../../../etc/passwd", "com.apple.CoreML/../../../x.mlmodel",
                                  "/etc/hostname"])
def test_root_model_path_outside_the_package(tmp_path: Path, built: dict[str, Path], path: str) -> None:
    package = with_manifest(built["mil_clean"], tmp_path / "m.mlpackage", _root_path(built["mil_clean"], path))
    first, _, _ = checked(package, built["nn_clean"])
    assert first["error"] == f"not a valid model package: Data/{path} points outside the package; it was not read"


def test_other_manifest_entry_outside_the_package(tmp_path: Path, built: dict[str, Path]) -> None:
    manifest = manifest_of(built["mil_clean"])
    manifest["itemInfoEntries"]["extra"] = {"path": "../../secret", "author": "x"}
    package = with_manifest(built["mil_clean"], tmp_path / "m.mlpackage", manifest)
    first, _, _ = checked(package, built["nn_clean"])
    assert first["error"] and "Data/../../secret points outside the package" in first["error"]


@pytest.mark.parametrize("name", ["@model_path/../../../../etc/passwd", "/etc/passwd", "@model_path/weights/../../../x.bin"])
def test_blob_file_name_outside_the_package(tmp_path: Path, built: dict[str, Path], name: str) -> None:
    def point(spec: Any) -> None:
        for op in main_ops(spec):
            if op.type == "const" and op.attributes["val"].WhichOneof("value") == "blobFileValue":
                op.attributes["val"].blobFileValue.fileName = name
    package = mutated(built["mil_dilated"], tmp_path / "m.mlpackage", point)
    first, _, _ = checked(package, built["nn_clean"])
    assert first["error"] and "points outside the package" in first["error"]


@pytest.mark.parametrize("link", ["model", "weights-file", "weights-folder", "data-folder"])
def test_symlink_out_of_the_package_is_refused(tmp_path: Path, built: dict[str, Path], link: str) -> None:
    package = copy_model(built["mil_dilated"], tmp_path / "m.mlpackage")
    outside = copy_model(built["mil_dilated"], tmp_path / "outside.mlpackage")
    target = {"model": CORE / "model.mlmodel", "weights-file": CORE / "weights" / "weight.bin",
              "weights-folder": CORE / "weights", "data-folder": Path("Data")}[link]
    replaced = package / target
    if replaced.is_dir():
        import shutil

        shutil.rmtree(replaced)
    else:
        replaced.unlink()
    os.symlink(outside / target, replaced)
    first, _, _ = checked(package, built["nn_clean"])
    assert first["error"] and "points outside the package" in first["error"], first["error"]


def test_symlink_inside_the_package_is_followed(tmp_path: Path, built: dict[str, Path]) -> None:
    package = copy_model(built["mil_dilated"], tmp_path / "m.mlpackage")
    weights = package / CORE / "weights"
    (weights / "weight.bin").rename(weights / "real.bin")
    os.symlink("real.bin", weights / "weight.bin")
    first, _, _ = checked(package, built["nn_clean"])
    assert first["error"] is None
    assert any(f["rule"] == "layer-rule/dilated-convolution" for f in first["findings"])


def test_symlink_loop_is_an_input_error(tmp_path: Path, built: dict[str, Path]) -> None:
    package = copy_model(built["mil_clean"], tmp_path / "m.mlpackage")
    model = package / CORE / "model.mlmodel"
    model.unlink()
    os.symlink("model.mlmodel", model)
    first, _, _ = checked(package, built["nn_clean"])
    assert first["error"] and "model.mlmodel" in first["error"]


def test_package_given_through_a_symlink_is_read(tmp_path: Path, built: dict[str, Path]) -> None:
    link = tmp_path / "link.mlpackage"
    os.symlink(built["mil_dilated"], link)
    first, _, _ = checked(link, built["nn_clean"])
    assert first["error"] is None
