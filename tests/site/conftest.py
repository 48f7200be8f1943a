"""The site built once from the real KB, served on 127.0.0.1, and a headless Chromium to read it."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.kb import load_kb
from generator.site.build import build_site
from generator.site.serve import make_server, site_path
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]
# Chromium's own renderer dying (not our page's error) gets one rerun; any other failure fails at once.
RENDERER_CRASHES = [r"Target crashed", r"Page crashed"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.flaky(reruns=1, only_rerun=RENDERER_CRASHES))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(load_kb(ROOT / "kb"), out)
    return out


@pytest.fixture(scope="session")
def served(built_site: Path) -> Iterator[str]:
    """The site as `make serve` serves it: under the site_url's path (…/ane-kb), with 404.html for missing pages."""
    prefix = site_path()
    server = make_server(built_site, prefix, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{prefix.rstrip('/')}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run should have installed it")
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, served: str) -> Iterator[Any]:
    """A page that records console errors and every request that leaves 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.console_errors = []
    tab.foreign_requests = []
    tab.on("console", lambda msg: tab.console_errors.append(msg.text) if msg.type == "error" else None)
    tab.on("request", lambda req: None if req.url.startswith(("http://127.0.0.1", "data:", "blob:"))
           else tab.foreign_requests.append(req.url))
    yield tab
    context.close()
