"""The in-browser checker on a 1,000-layer model, from opening the page to the report, against the CLI.

Builds the site into a temporary folder, serves it on 127.0.0.1 and drives Debian's chromium headless.
Prints both times (median of 3) and the size of what the page loads.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def page_time(url: str, model: Path) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_context().new_page()
        started = time.perf_counter()
        page.goto(url, wait_until="load")
        page.wait_for_selector("#ane-checker[data-ready]", timeout=180_000)
        page.set_input_files("#ane-file", str(model))
        page.wait_for_selector("#ane-report .ane-model", timeout=180_000)
        elapsed = time.perf_counter() - started
        browser.close()
    return elapsed


def main() -> None:
    from check import build_in_subprocess
    from goals import TINY, runs, summary
    from generator.kb import load_kb
    from generator.site.build import build_site

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        layers = 20 if TINY else 1000
        nn_model, _ = build_in_subprocess(folder, layers)
        site = folder / "site"
        build_site(load_kb(ROOT / "kb"), site)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/browser/"
        browser = statistics.median(page_time(url, nn_model) for _ in range(runs(3)))
        cli = statistics.median(_cli_time(nn_model) for _ in range(runs(3)))
        server.shutdown()
        assets = site / "checker-assets"
        sizes = {p.relative_to(assets).as_posix(): p.stat().st_size for p in assets.rglob("*") if p.is_file()}
    print(f"{layers:,}-layer NeuralNetwork model: page (open to report, fresh browser) {browser:.2f} s, CLI {cli:.2f} s, "
          f"ratio {browser / cli:.1f}x")
    loaded = ("pyodide/pyodide.asm.wasm", "pyodide/pyodide.asm.mjs", "pyodide/pyodide.js", "pyodide/python_stdlib.zip",
              "pyodide/pyodide-lock.json", "py.zip", "checker.js")
    for name in loaded:
        print(f"  {name:<28} {sizes.get(name, 0) / 1024:9.0f} KiB")
    print(f"  {'total the page loads':<28} {sum(sizes.get(n, 0) for n in loaded) / 1048576:9.1f} MiB")
    summary("browser (no goal: figures for the README)")


def _cli_time(model: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ane_kb", "check", str(model), "--format", "json"], capture_output=True)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
