"""The in-browser checker's assets, assembled at build time from the registries.

Pyodide comes from the npm registry (the tarball pinned in browser-assets.lock.json, checked against its
sha512 integrity), the pure-Python protobuf and Lark wheels from PyPI (each pinned by sha256), the Core ML spec
modules from the installed coremltools, and ane_kb from this repository. Downloads are cached in .cache/; nothing of
them is committed.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path

from ..export import per_kind
from .generate import ROOT

LOCK = ROOT / "browser-assets.lock.json"
CACHE = ROOT / ".cache" / "browser-assets"
SOURCE = ROOT / "src" / "ane_kb"
FOLDER = "checker-assets"


class AssetError(Exception):
    """An asset could not be fetched or did not match its pin; the message says which."""


def _lock() -> dict[str, dict[str, object]]:
    lock: dict[str, dict[str, object]] = json.loads(LOCK.read_text(encoding="utf-8"))
    return lock


def _verify_integrity(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise AssetError(f"the Pyodide tarball does not match its pinned {algorithm} integrity")


def pyodide_files() -> Path:
    pin = _lock()["pyodide"]
    target = CACHE / f"pyodide-{pin['version']}"
    if all((target / name).is_file() for name in pin["files"]):  # type: ignore[union-attr]
        return target
    try:
        with urllib.request.urlopen(str(pin["tarball"]), timeout=120) as response:
            data = response.read()
    except OSError as exc:
        raise AssetError(f"cannot download Pyodide from the npm registry ({exc})") from None
    _verify_integrity(data, str(pin["integrity"]))
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for name in pin["files"]:  # type: ignore[union-attr]
            member = archive.extractfile(f"package/{name}")
            if member is None:
                raise AssetError(f"the Pyodide tarball has no {name}")
            (target / name).write_bytes(member.read())
    return target


def pure_python_wheel(name: str) -> Path:
    """The pinned pure-Python wheel of `name` (protobuf, lark), downloaded once and checked against its sha256."""
    pin = _lock()[name]
    wheel = CACHE / str(pin["wheel"])
    if not wheel.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                                 "--platform", "any", "--implementation", "py", f"{name}=={pin['version']}",
                                 "-d", str(CACHE)], capture_output=True, text=True)
        if result.returncode != 0 or not wheel.is_file():
            raise AssetError(f"cannot download the {name} {pin['version']} wheel from PyPI")
    if hashlib.sha256(wheel.read_bytes()).hexdigest() != pin["sha256"]:
        raise AssetError(f"the {name} wheel does not match its pinned sha256")
    return wheel


def protobuf_wheel() -> Path:
    return pure_python_wheel("protobuf")


def coreml_proto_dir() -> Path:
    spec = importlib.util.find_spec("coremltools")
    if spec is None or spec.origin is None:
        raise AssetError("coremltools is not installed, so the Core ML spec modules are missing")
    return Path(spec.origin).parent / "proto"


def python_bundle(kb_json: Path) -> bytes:
    """One zip of everything the page's Python needs: ane_kb (with this build's kb.json and its grammar files),
    the Core ML spec modules as the package ane_kb_coreml_proto, and the pure-Python protobuf and Lark packages."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted([*SOURCE.rglob("*.py"), *SOURCE.rglob("*.lark")]):
            bundle.write(path, Path("ane_kb") / path.relative_to(SOURCE))
        bundle.write(kb_json, "ane_kb/data/kb.json")
        for name, text in per_kind(json.loads(kb_json.read_text(encoding="utf-8"))).items():
            bundle.writestr(f"ane_kb/data/kinds/{name}", text)  # the package reads its data per kind
        proto = coreml_proto_dir()
        bundle.writestr("ane_kb_coreml_proto/__init__.py", "")
        for path in sorted(proto.glob("*_pb2.py")):
            bundle.write(path, f"ane_kb_coreml_proto/{path.name}")
        for package, prefix in (("protobuf", "google/"), ("lark", "lark/")):
            with zipfile.ZipFile(pure_python_wheel(package)) as wheel:
                for name in wheel.namelist():
                    if name.startswith(prefix):
                        bundle.writestr(name, wheel.read(name))
    return buffer.getvalue()


NOTICE = """Third-party code in this folder, assembled at build time:

Pyodide {pyodide} (npm package "pyodide"): Mozilla Public License 2.0, https://github.com/pyodide/pyodide
protobuf {protobuf} (pure-Python runtime, in py.zip): BSD-3-Clause, https://github.com/protocolbuffers/protobuf
Lark {lark} (parsing library, in py.zip): MIT, https://github.com/lark-parser/lark
Core ML specification modules from coremltools (in py.zip as ane_kb_coreml_proto): BSD-3-Clause,
Copyright (c) 2020 Apple Inc., https://github.com/apple/coremltools
"""


CHECKER_JS = ROOT / "docs" / "checker" / "checker.js"


def download_bytes(bundle: bytes) -> int:
    """What a first visit to the checker page downloads: the Pyodide files it loads, the Python bundle and the
    page's script, each once (the page hands Pyodide the runtime it downloaded itself)."""
    runtime = pyodide_files()
    files = _lock()["pyodide"]["files"]
    return sum((runtime / str(name)).stat().st_size for name in files) + len(bundle) + CHECKER_JS.stat().st_size  # type: ignore[union-attr]


def assemble(site: Path, kb_json: Path, bundle: bytes | None = None) -> None:
    """Write the checker's assets into site/checker-assets/, shared by both languages."""
    target = site / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    lock = _lock()
    (target / "pyodide").mkdir(exist_ok=True)
    for path in pyodide_files().iterdir():
        shutil.copy2(path, target / "pyodide" / path.name)
    (target / "py.zip").write_bytes(bundle if bundle is not None else python_bundle(kb_json))
    shutil.copy2(CHECKER_JS, target / "checker.js")
    (target / "NOTICE.txt").write_text(NOTICE.format(pyodide=lock["pyodide"]["version"], protobuf=lock["protobuf"]["version"],
                                                     lark=lock["lark"]["version"]), encoding="utf-8")
