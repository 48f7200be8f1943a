from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where


def test_refused_host(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "url: https://example.org/m4", "url: https://www.yuwew.com/m4")
    problem = one(errors(minikb), "source-hosts")
    assert problem.message.startswith("www.yuwew.com is refused as a source: Reworded copies")
    assert (problem.line, problem.col) == where(path, "https://www.yuwew.com/m4")


def test_refused_path_prefix_only(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/m4.yaml", "url: https://example.org/m4", "url: https://sourceforge.net/projects/other/")
    assert [p for p in errors(minikb) if p.check == "source-hosts"] == []
    edit("chip/m4.yaml", "url: https://sourceforge.net/projects/other/",
         "url: https://sourceforge.net/projects/core-ml-tools.mirror/files/8.3")
    assert one(errors(minikb), "source-hosts").message.startswith("sourceforge.net is refused")
