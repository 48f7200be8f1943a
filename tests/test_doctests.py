"""The examples in the README and the "Use in code" pages run as doctests against the packaged data."""

import doctest

import pytest

from tests.conftest import ROOT

PAGES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*/use-in-code.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_run(page) -> None:
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
