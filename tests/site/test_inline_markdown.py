"""Summaries in table cells: inline Markdown rendered, contributors' HTML and unsafe links kept harmless."""

from __future__ import annotations

from generator.site.safe_markdown import inline_html


def test_code_and_emphasis_render() -> None:
    assert inline_html("Use `cpuAndNeuralEngine` for **speed**.") == \
        "Use <code>cpuAndNeuralEngine</code> for <strong>speed</strong>."


def test_html_stays_text() -> None:
    out = inline_html('A <script>alert(1)</script> and <img src=x onerror=alert(1)> here')
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out and "&lt;img" in out


def test_unsafe_links_lose_their_target_and_safe_ones_stay() -> None:
    out = inline_html("[click](javascript:alert(1)) and [docs](https://example.org/a)")
    assert "javascript:" not in out and "click" in out
    assert '<a href="https://example.org/a">docs</a>' in out


def test_code_keeps_angle_brackets_literal() -> None:
    assert inline_html("`a<b>`") == "<code>a&lt;b&gt;</code>"


def test_block_syntax_stays_inline() -> None:
    for text in ("# not a heading", "- not a list", "1. not a list", "> not a quote"):
        out = inline_html(text)
        assert not out.startswith(("<h1", "<ul", "<ol", "<blockquote")), out
        assert "not a" in out
