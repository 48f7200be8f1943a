"""Loading the exported knowledge base (kb.json): lazily, from the package or a given file."""

from __future__ import annotations

import json
import os
from functools import cache
from typing import TYPE_CHECKING, Any

from .errors import DataError

if TYPE_CHECKING:
    from os import PathLike

PACKAGED = os.path.join(os.path.dirname(__file__), "data", "kb.json")


def _packaged_text() -> str:
    """The packaged kb.json: read as a plain file when it is one (fast), else through importlib.resources
    (a zipped install)."""
    if os.path.isfile(PACKAGED):
        with open(PACKAGED, encoding="utf-8") as handle:
            return handle.read()
    from importlib import resources

    return resources.files("ane_kb").joinpath("data/kb.json").read_text(encoding="utf-8")

REQUIRED_TOP = ("meta", "vocab", "records")


def read_export(path: str | PathLike[str] | None = None) -> dict[str, Any]:
    """The export as a dict: the packaged kb.json, or the file at `path`."""
    try:
        if path is None:
            text = _packaged_text()
            where = "the packaged kb.json"
        else:
            with open(os.fspath(path), encoding="utf-8") as handle:
                text = handle.read()
            where = str(path)
    except FileNotFoundError:
        raise DataError(f"{path or 'the packaged kb.json'}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path or 'the packaged kb.json'}: cannot be read ({exc.__class__.__name__})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{where}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})") from None
    if not isinstance(document, dict) or any(k not in document for k in REQUIRED_TOP):
        raise DataError(f"{where}: not an ane-kb export (it needs the keys {', '.join(REQUIRED_TOP)})")
    if not isinstance(document["records"], dict) or not isinstance(document["meta"], dict):
        raise DataError(f"{where}: not an ane-kb export (records and meta must be objects)")
    return document


@cache
def packaged() -> dict[str, Any]:
    return read_export(None)
