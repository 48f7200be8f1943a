"""Dates are real calendar dates and none lies in the future."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..problems import Problem
from .context import Context

NAME = "dates"
_DATE_KEYS = {"accessed", "updated", "date", "reported"}


def today() -> dt.date:
    return dt.date.today()


def check(ctx: Context) -> Iterator[Problem]:
    now = today()
    for entry in ctx.kb.records:
        for path, value in ctx.flat(entry):
            if path and path[-1] in _DATE_KEYS and isinstance(value, str):
                reason = date_problem(value, now)
                if reason:
                    yield entry.problem(NAME, f"{path[-1]}: {reason}", path)


def date_problem(value: str, now: dt.date) -> str | None:
    """Why `value` (YYYY, YYYY-MM or YYYY-MM-DD) is not acceptable, or None."""
    parts = value.split("-")
    try:
        numbers = [int(p) for p in parts]
        year, month, day = (numbers + [1, 1])[:3]
        date = dt.date(year, month, day)
    except ValueError:
        return f"'{value}' is not a real date"
    if len(parts) == 3 and date > now or date.year > now.year or (len(parts) == 2 and (year, month) > (now.year, now.month)):
        return f"'{value}' lies in the future (today is {now.isoformat()})"
    return None
