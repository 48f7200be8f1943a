"""python -m generator build: validate, export, generate pages, run MkDocs per language, swap in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ane_kb import load

from .. import export as exporter
from ..atomic import write_text
from ..kb import KB
from .generate import LANGS, ROOT, generate
from .browser_assets import assemble as assemble_checker, download_bytes, python_bundle
from .history_pages import write_redirects

GENERATED = ROOT / "build" / "docs"
CONFIGS = {"en": ROOT / "mkdocs.yml", "zh": ROOT / "mkdocs.zh.yml"}


class BuildError(Exception):
    """MkDocs failed; the message carries its output."""


@dataclass
class Timings:
    generate: float = 0.0
    mkdocs: float = 0.0


def build_site(kb_data: KB, out: Path) -> Timings:
    """Build the site for a validated KB into `out`, replacing it only when everything succeeded."""
    timings = Timings()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ane-kb-build-") as tmp:
        export_path = Path(tmp) / "kb.json"
        write_text(export_path, exporter.dumps(exporter.build(kb_data)))
        kb = load(export_path)
        bundle = python_bundle(export_path)
        generate(kb, GENERATED, checker_bytes=download_bytes(bundle))
        shutil.copy2(export_path, GENERATED / "en" / "kb.json")
        timings.generate = time.perf_counter() - started
        started = time.perf_counter()
        staged = Path(tmp) / "site"
        for lang in LANGS:
            _mkdocs(CONFIGS[lang], staged if lang == "en" else staged / "zh")
        write_redirects(kb, staged)
        assemble_checker(staged, export_path, bundle)
        timings.mkdocs = time.perf_counter() - started
        _swap_in(staged, out)
    return timings


def _mkdocs(config: Path, site_dir: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)],
                            cwd=ROOT, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        problems = [line for line in (result.stderr + result.stdout).splitlines() if "WARNING" in line or "ERROR" in line]
        raise BuildError(f"mkdocs build --strict -f {config.name} failed: " + (" | ".join(problems[:5]) or result.stderr[-500:]))


def _swap_in(staged: Path, out: Path) -> None:
    """Move the finished site into place; the previous one is removed only after the move."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    incoming = out.with_name(f".{out.name}.incoming")
    outgoing = out.with_name(f".{out.name}.outgoing")
    for leftover in (incoming, outgoing):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(staged, incoming)
    if out.exists():
        out.rename(outgoing)
    incoming.rename(out)
    if outgoing.exists():
        shutil.rmtree(outgoing)
