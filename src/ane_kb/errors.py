"""The exceptions ane_kb raises for bad input, each with one clear message."""

from __future__ import annotations


class DataError(RuntimeError):
    """The packaged (or given) kb.json is missing, unreadable or not an ane-kb export."""


class UnknownIdError(KeyError):
    """An id that names no record; the message lists close matches."""

    def __str__(self) -> str:  # KeyError quotes its argument; a sentence reads better
        return str(self.args[0]) if self.args else ""


class AmbiguousNameError(LookupError):
    """A device name that fits several records; `candidates` lists them."""

    def __init__(self, message: str, candidates: tuple[str, ...]) -> None:
        super().__init__(message)
        self.candidates = candidates


class MovedRecordWarning(UserWarning):
    """An id was renamed; the look-up returned the record it moved to. Update the id in your code."""
