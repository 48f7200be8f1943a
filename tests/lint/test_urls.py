from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, only, where


def test_http_source_url(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "url: https://example.org/m4", "url: http://example.org/m4")
    problems = errors(minikb)
    problem = one(problems, "urls")
    assert problem.message == "source URL 'http://example.org/m4' must start with https://"
    assert (problem.line, problem.col) == where(path, "http://example.org/m4")
    assert only(problems, "schema")  # the schema pattern also refuses it


def test_javascript_source_url(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "url: https://example.org/m4", "url: javascript:alert(1)")
    problem = one(errors(minikb), "urls")
    assert problem.message == "source URL 'javascript:alert(1)' must start with https://"
    assert (problem.line, problem.col) == where(path, "javascript:")


def test_http_link_inside_text(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/m4.yaml", "en: A newer test chip.", "en: 'A newer [chip](http://example.org/x).'")
    assert one(errors(minikb), "urls").message == "link http://example.org/x must use https://"
