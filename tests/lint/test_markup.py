from collections.abc import Callable
from pathlib import Path

import pytest

from generator.lint.markup import problems_in
from tests.conftest import errors, one, where


@pytest.mark.parametrize(("text", "reason"), [
    ("see <script>alert(1)</script>", "raw HTML is not allowed; use Markdown, and put code in `backticks`"),
    ("an image ![x](y.png) onerror=alert(1)", "event-handler attributes (onerror=, onclick=, ...) are not allowed"),
    ("[click](javascript:alert(1))", "'javascript:', 'vbscript:' and 'data:' are not allowed in text"),
    ("[click]( JavaScript :alert(1))", "'javascript:', 'vbscript:' and 'data:' are not allowed in text"),
    ("[x](ftp://example.org/a)", "link target 'ftp://example.org/a' must be an https:// URL or a site-relative path"),
    ("caf&#233;", "HTML entities (&#...;) are not allowed; write the character itself"),
    ("[x]: vbscript:msgbox", "'javascript:', 'vbscript:' and 'data:' are not allowed in text"),
])
def test_unsafe_text(text: str, reason: str) -> None:
    assert reason in problems_in(text)


@pytest.mark.parametrize("text", [
    "kernel size < 13 and > 2", "`<script>` in code is fine", "[docs](https://example.org/x)",
    "[rule](../layer-rule/x/)", "```\n<div onload=x>\n```", "a *Markdown* list:\n- one\n- two",
])
def test_safe_text(text: str) -> None:
    assert problems_in(text) == []


def test_script_in_a_record_is_reported_at_its_place(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "en: A newer test chip.", "en: A newer <script>alert(1)</script> chip.")
    problem = one(errors(minikb), "markup")
    assert (problem.line, problem.col) == where(path, "A newer <script>")


def test_event_handler_in_a_record(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/m4.yaml", "en: A newer test chip.", "en: 'A newer chip <img src=x onerror=alert(1)>'")
    reasons = {p.message for p in errors(minikb) if p.check == "markup"}
    assert "event-handler attributes (onerror=, onclick=, ...) are not allowed" in reasons


def test_javascript_link_in_a_record(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("howto/check-thread.yaml", "en: Run the app in Xcode.", "en: '[Run](javascript:alert(1)) the app.'")
    problem = one(errors(minikb), "markup")
    assert problem.message == "'javascript:', 'vbscript:' and 'data:' are not allowed in text"
    assert (problem.line, problem.col) == where(path, "'[Run]")


def test_html_in_a_source_title(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/m4.yaml", "title: M4 page", "title: M4 <b>page</b>")
    assert one(errors(minikb), "markup").message.startswith("raw HTML is not allowed")
