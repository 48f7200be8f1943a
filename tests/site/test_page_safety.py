"""The page renderer escapes record text itself, whatever the linter let through."""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
from html.parser import HTMLParser
import pytest

from ane_kb import load
from generator.site.index_pages import kind_index
from generator.site.record_pages import RecordPage
from generator.site.safe_markdown import escape_prose

EXTENSIONS = ["admonition", "tables", "toc", "pymdownx.highlight", "pymdownx.superfences"]
ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click]( JAVASCRIPT:alert(1) )",
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    "<a href='https://example.org' onclick='steal()'>link</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "[ref]: javascript:alert(1)",
    "text {: onclick=alert(1) }",
    "<!-- comment --><iframe src=//evil.example></iframe>",
]


def html_of(markdown_text: str) -> str:
    return markdown.markdown(markdown_text, extensions=EXTENSIONS)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def assert_inert(html: str) -> None:
    """No element or attribute that could run script: parsed as a browser would, not by pattern."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in ("script", "iframe", "img", "object", "embed", "style", "b"), (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert not re.match(r"\s*(javascript|data|vbscript):", value or "", re.I), (tag, value)


@pytest.mark.parametrize("attack", ATTACKS)
def test_escaped_prose_renders_inert(attack: str) -> None:
    assert_inert(html_of(escape_prose(f"Before {attack} after")))


def test_safe_markdown_is_kept() -> None:
    html = html_of(escape_prose("Use `x < 13` and [docs](https://example.org/a?b=1&c=2), *emphasis*, a < b & c."))
    assert "<code>x &lt; 13</code>" in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html
    assert "<em>emphasis</em>" in html and "a &lt; b &amp; c" in html


@pytest.fixture
def hostile_export(tmp_path: Path, mini_export: Path) -> Path:
    document = json.loads(mini_export.read_text(encoding="utf-8"))
    record = document["records"]["layer-rule/pool-big"]
    attack = " ".join(ATTACKS)
    record["title"] = {"en": "<script>alert('t')</script>", "zh": "<img src=x onerror=alert(1)>"}
    record["summary"] = {"en": attack, "zh": attack + " 中文"}
    record["workaround"] = {"en": attack, "zh": attack}
    record["sources"][0]["title"] = "<b onmouseover=alert(1)>x</b>"
    out = tmp_path / "kb.json"
    out.write_text(json.dumps(document), encoding="utf-8")
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_record_page_with_hostile_text_is_inert(hostile_export: Path, lang: str) -> None:
    kb = load(hostile_export)
    labels = {level: data["label"][lang] for level, data in kb.vocab["confidence"].items()}
    page = RecordPage(kb, lang, labels, "https://example.org/edit").render(kb.rules["pool-big"])
    assert_inert(html_of(page))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_index_table_with_hostile_text_is_inert(hostile_export: Path, lang: str) -> None:
    kb = load(hostile_export)
    labels = {level: data["label"][lang] for level, data in kb.vocab["confidence"].items()}
    html = html_of(kind_index(kb, "layer-rule", lang, labels))
    assert_inert(html)
    assert "&lt;script&gt;" in html or "&lt;img" in html


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_grid_device_and_home_pages_with_hostile_text_are_inert(hostile_export: Path, lang: str) -> None:
    from generator.site import ane_devices, other_pages, support_grid

    document = json.loads(hostile_export.read_text(encoding="utf-8"))
    device = next(ref for ref in document["records"] if ref.startswith("device/"))
    document["records"][device]["name"] = "<script>alert('d')</script>"
    document["records"][device]["title"] = {"en": "<img src=x onerror=alert(2)>", "zh": "<img src=x onerror=alert(2)>"}
    hostile_export.write_text(json.dumps(document), encoding="utf-8")
    kb = load(hostile_export)
    labels = {level: data["label"][lang] for level, data in kb.vocab["confidence"].items()}
    family = kb.rules["pool-big"].family
    pages = [support_grid.family_page(kb, family, lang, labels), support_grid.index_page(kb, lang, labels),
             ane_devices.page(kb, lang), other_pages.home(kb, lang, labels),
             RecordPage(kb, lang, labels, "https://example.org/edit").render(kb.record(device))]
    for page in pages:
        assert_inert(html_of(page))
    assert ("&lt;script&gt;" if lang == "en" else "&lt;img") in html_of(pages[0])
