"""The in-browser checker's Python side: the page writes the dropped file into Pyodide's file system,
then calls `run`, which gives back the same JSON report as `ane-kb check --format json`.

Big weight files are not copied: the page writes an empty placeholder under each one's name and passes `big_files`
(JSON: placeholder path -> size) and `read(path, offset, length)`, a JavaScript function whose promise gives those
bytes of the file (a File.slice()). The checker then reads them through `ranges` as it reads files on disk, a window
at a time; `run` must be entered with callPromising so that Python can wait for each slice (pyodide.ffi.run_sync).
A big zip of stored entries is unpacked the same way by the page, into UNZIPPED beside the zip's own name."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import __version__, default
from . import TargetError, resolve_target
from . import ranges
from .printable import printable
from .readers import COMPILED_PARTS, ModelInputError, aimodel
from .report import ModelReport, Report
from .runner import Checker

UNZIPPED = "unzipped"
TOO_MANY_FILES = 10_000
BROWSER_WINDOW = 16 << 20  # bytes of a weight file fetched at once: WebAssembly memory never shrinks


def unpack(path: Path) -> Path:
    """A zip of an .mlpackage, an .mlmodelc or an .aimodel becomes the model folder inside it; anything else is
    returned as it is."""
    if path.suffix.lower() == ".zip" and not path.exists() and (path.parent / UNZIPPED).is_dir():
        return model_in(path.parent / UNZIPPED) or path  # unpacked by the page
    if path.suffix.lower() != ".zip" or not zipfile.is_zipfile(path):
        return path
    target = path.parent / UNZIPPED
    if target.exists():
        shutil.rmtree(target)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if len(names) > TOO_MANY_FILES:
            return path
        for name in names:
            resolved = (target / name).resolve()
            if not str(resolved).startswith(str(target.resolve())):
                return path  # a path that escapes the folder: not unpacked, reported as not a model
        archive.extractall(target)
    return model_in(target) or path


def model_in(target: Path) -> Path | None:
    """The model folder of an unpacked archive: a package, the folder of a manifest, or a compiled model's folder."""
    packages = sorted(p for p in target.rglob("*")
                      if p.is_dir() and p.suffix.lower() in (".mlpackage", ".mlmodelc", ".aimodel"))
    if packages:
        return packages[0]
    manifests = sorted(target.rglob("Manifest.json"))
    return manifests[0].parent if manifests else compiled_folder(target)


def compiled_folder(target: Path) -> Path | None:
    """The outermost folder of an unzipped archive that holds a compiled model's parts, if any."""
    parts = (*COMPILED_PARTS, "main.mlirb")
    found = sorted((p.parent for part in parts for p in target.rglob(part)), key=lambda p: len(p.parts))
    return found[0] if found else None


def run(path: str, device: str | None = None, os_target: str | None = None, lang: str = "en",
        big_files: str | None = None, read: Any = None) -> str:
    """The report for one uploaded model as JSON, or {"usage_error": ...} for a bad device or OS."""
    sizes = json.loads(big_files) if big_files else {}
    sources = {name: ranges.CallbackRanges(int(size), _fetcher(read, name), BROWSER_WINDOW) for name, size in sizes.items()}
    with ranges.external(sources):
        return _run(path, device, os_target, lang)


def _fetcher(read: Any, name: str) -> Callable[[int, int], bytes]:
    """Bytes of a file the page holds: `read` returns a promise of a Uint8Array, which run_sync waits for."""
    def fetch(offset: int, length: int) -> bytes:
        from pyodide.ffi import run_sync  # type: ignore[import-not-found]

        array = run_sync(read(name, offset, length))
        data: bytes = array.to_bytes() if hasattr(array, "to_bytes") else bytes(array)
        if hasattr(array, "destroy"):
            array.destroy()
        return data

    return fetch


def _run(path: str, device: str | None, os_target: str | None, lang: str) -> str:
    kb = default()
    try:
        target = resolve_target(kb, device or None, os_target or None)
    except TargetError as exc:
        return json.dumps({"usage_error": str(exc)}, ensure_ascii=False)
    shown = printable(Path(path).name)
    try:
        model = unpack(Path(path))
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError) as exc:
        message = f"无法解压这个 zip 文件（{exc}）" if lang == "zh" else f"the zip file cannot be unpacked ({exc})"
        result = ModelReport(shown, "other", error=printable(message), verdict="unknown")
    else:
        if aimodel.claims(model) and not aimodel.library_available():
            result = ModelReport(shown, "coreai", error=ModelInputError("aimodel_browser").text(lang), verdict="unknown")
        else:
            result = Checker(kb, target, lang).check(model, shown)
    report = Report({"name": "ane-kb", "version": __version__, "data_version": kb.data_version}, [result])
    return json.dumps(report.to_dict(), ensure_ascii=False)
