from pathlib import Path

from tests.conftest import lint_dir


def test_the_fixture_kb_is_clean(minikb: Path) -> None:
    assert [p.format() for p in lint_dir(minikb)] == []
