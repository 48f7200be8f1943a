"""One problem found in the knowledge base, and how it is printed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    check: str
    message: str
    warning: bool = False
    detail: str = ""

    def format(self) -> str:
        level = "warning: " if self.warning else ""
        text = f"{self.path}:{self.line}:{self.col}: {level}{self.check}: {self.message}"
        if self.detail:
            text += "\n" + "\n".join("    " + line for line in self.detail.splitlines())
        return text


class InputError(Exception):
    """A problem that stops a command before it can do its work."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format())
        self.problem = problem
