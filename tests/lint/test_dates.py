import datetime as dt
from collections.abc import Callable
from pathlib import Path

from generator.lint.dates import date_problem
from tests.conftest import errors, one, where


def test_future_date(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", 'accessed: "2026-01-02"', 'accessed: "2999-01-01"')
    problem = one(errors(minikb), "dates")
    assert problem.message.startswith("accessed: '2999-01-01' lies in the future (today is ")
    assert (problem.line, problem.col) == where(path, '"2999-01-01"')


def test_date_rules() -> None:
    today = dt.date(2026, 11, 26)
    assert date_problem("2026-11-26", today) is None
    assert date_problem("2026-11", today) is None
    assert date_problem("2026", today) is None
    assert date_problem("2026-11-27", today) == "'2026-11-27' lies in the future (today is 2026-11-26)"
    assert date_problem("2026-12", today) is not None
    assert date_problem("2027", today) is not None
    assert date_problem("2026-02-30", today) == "'2026-02-30' is not a real date"


def test_unquoted_date_is_a_typing_error(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("layer-rule/pool-big.yaml", 'updated: "2026-01-02"', "updated: 2026-01-02")
    problem = one(errors(minikb), "yaml-typing")
    assert problem.message == 'unquoted date 2026-01-02 is read as a date object; quote it: "2026-01-02"'
    assert (problem.line, problem.col) == where(path, "updated: 2026-01-02", len("updated: "))
