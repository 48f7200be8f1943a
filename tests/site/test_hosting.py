"""A site ready to host: site_url in both configs (fresh from the settings), a real sitemap and hreflang pairs,
404 pages whose links stay on the site, the serve script's behaviour, and search that keeps "iPhone" whole."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.site.serve import make_server, site_path
from tests.conftest import ROOT


def _settings_url() -> str:
    return str(yaml.safe_load((ROOT / "kb" / "_vocab" / "settings.yaml").read_text(encoding="utf-8"))["site_url"]).rstrip("/")


def _config(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    return data


def test_configs_carry_the_settings_site_url() -> None:
    """mkdocs.yml and mkdocs.zh.yml repeat the settings' site_url: change one, change all three."""
    site = _settings_url()
    en, zh = _config("mkdocs.yml"), _config("mkdocs.zh.yml")
    assert en["site_url"] == f"{site}/"
    assert zh["site_url"] == f"{site}/zh/"
    assert en["extra"]["ane_site_root"] == f"{site}/"
    assert "ane_site_root" not in zh.get("extra", {}) or zh["extra"]["ane_site_root"] == f"{site}/"


@pytest.mark.parametrize("prefix", ["", "zh/"])
def test_sitemap_lists_every_page_at_the_site_url(built_site: Path, prefix: str) -> None:
    sitemap = (built_site / prefix / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    pages = list((built_site / prefix).glob("*/index.html"))
    assert len(locations) > 100 and len(locations) >= len(pages)
    assert all(loc.startswith(f"{_settings_url()}/{prefix}") for loc in locations)
    if not prefix:
        assert not any(loc.startswith(f"{_settings_url()}/zh/") for loc in locations)


def test_sitemaps_pair_each_page_with_its_other_language(built_site: Path) -> None:
    """hreflang pairs live in the sitemaps: every page names its en and zh URL, and both pages exist."""
    site = _settings_url()
    for prefix in ("", "zh/"):
        sitemap = (built_site / prefix / "sitemap.xml").read_text(encoding="utf-8")
        rule = f"{site}/{prefix}layer-rule/pooling-kernel-too-large/"
        entry = sitemap[sitemap.index(f"<loc>{rule}</loc>"):].split("</url>")[0]
        assert f'hreflang="en" href="{site}/layer-rule/pooling-kernel-too-large/"' in entry
        assert f'hreflang="zh" href="{site}/zh/layer-rule/pooling-kernel-too-large/"' in entry
        for href in re.findall(r'hreflang="(?:en|zh)" href="([^"]+)"', sitemap):
            local = href[len(site) + 1:]
            assert (built_site / local / "index.html").is_file() or (built_site / local).is_file(), href


def test_site_path_is_the_settings_url_path() -> None:
    assert site_path() == "/" + _settings_url().split("://", 1)[1].split("/", 1)[1] + "/"


@pytest.fixture(scope="module")
def server(built_site: Path) -> Any:
    server = make_server(built_site, "/ane-kb/", "127.0.0.1", 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _get(url: str) -> tuple[int, str, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace"), response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), error.headers.get("Location", "")


def test_serve_script_serves_under_the_prefix_with_404_pages(server: str) -> None:
    assert _get(f"{server}/ane-kb/")[0] == 200
    assert _get(f"{server}/ane-kb/chip/a14/")[0] == 200
    status, _, location = _get(f"{server}/")
    assert status in (301, 302) and location == "/ane-kb/"
    status, _, location = _get(f"{server}/ane-kb/chip")
    assert status == 301 and location == "/ane-kb/chip/"
    status, body, _ = _get(f"{server}/ane-kb/no-such-page/")
    assert status == 404 and '<html lang="en"' in body
    status, body, _ = _get(f"{server}/ane-kb/zh/no-such-page/")
    assert status == 404 and '<html lang="zh"' in body
    assert _get(f"{server}/chip/a14/")[0] == 404  # outside the prefix
    assert _get(f"{server}/ane-kb/../../etc/passwd")[0] == 404


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_404_language_links_stay_on_the_site(page: Any, served: str, lang: str) -> None:
    response = page.goto(f"{served}/{lang}no-such-page/deeper/", wait_until="load")
    assert response.status == 404
    hrefs = page.locator("a.ane-lang-link").evaluate_all("links => links.map(a => a.href)")
    assert len(hrefs) == 2
    for href in hrefs:
        assert href.startswith(served + "/"), href
        assert page.request.get(href).status == 200, href


def test_search_for_iphone_highlights_no_lone_i(page: Any, served: str) -> None:
    page.goto(f"{served}/", wait_until="load")
    page.keyboard.press("/")
    page.locator("input.md-search__input").fill("iPhone 12")
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0")
    page.wait_for_timeout(300)
    marks = page.locator(".md-search-result mark").all_inner_texts()
    assert marks, "the search highlighted nothing"
    assert not [m for m in marks if m.strip().lower() == "i"], marks
    assert any(m.strip().lower() == "iphone" for m in marks), marks
    # The page a result opens highlights the same words.
    href = page.locator(".md-search-result__link").first.get_attribute("href")
    page.goto(href if href.startswith("http") else f"{served}/{href}", wait_until="load")
    page.wait_for_timeout(300)
    opened = page.locator("article mark").all_inner_texts()
    assert not [m for m in opened if m.strip().lower() == "i"], opened
