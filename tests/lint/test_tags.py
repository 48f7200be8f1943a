from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where


def test_unknown_tag_suggests_a_known_one(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("layer-rule/pool-big.yaml", "tags: [pooling]", "tags: [poolling]")
    problem = one(errors(minikb), "tags")
    assert problem.message == "unknown tag 'poolling'; did you mean pooling?"
    assert (problem.line, problem.col) == where(path, "poolling")
