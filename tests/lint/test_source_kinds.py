from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where

NEWSROOM = "https://www.apple.com/newsroom/2024/05/apple-introduces-m4-chip/"


def test_a_newsroom_page_is_a_press_release(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "url: https://example.org/m4", f"url: {NEWSROOM}")
    problem = one(errors(minikb), "source-kinds")
    assert problem.message.startswith(f"a source at {NEWSROOM} is a 'press-release', not 'apple-doc': Apple's newsroom")
    assert (problem.line, problem.col) == where(path, "apple-doc")
    edit("chip/m4.yaml", "kind: apple-doc", "kind: press-release")
    assert errors(minikb) == []


def test_other_apple_pages_keep_their_kind(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/m4.yaml", "url: https://example.org/m4", "url: https://www.apple.com/ipad-pro/specs/")
    assert errors(minikb) == []
