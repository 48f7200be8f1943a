"""Reading the export: the whole kb.json at a given path, or the packaged export one kind at a time.

`export` writes the package's data twice: `data/kb.json` (the whole export, for other tools) and
`data/kinds/` (an index of ids, then one JSON file per record kind and for meta, vocabulary and
tombstones). The package reads the index at first use, and a kind's file only when a record of that kind
is needed, so counting the rules reads a few kilobytes and imports nothing beyond `os`."""

from __future__ import annotations

import os

from .errors import DataError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from os import PathLike
    from typing import Any

HERE = os.path.join(os.path.dirname(__file__), "data")
PACKAGED = os.path.join(HERE, "kb.json")
INDEX_MAGIC = "ane-kb per-kind index 1"
REQUIRED_TOP = ("meta", "vocab", "records")
BASE_FIELDS = ("id", "kind", "title", "summary", "confidence", "sources")


def _packaged_text(name: str) -> str:
    """A packaged data file, read as a plain file when it is one (fast), else through importlib.resources
    (a zipped install)."""
    path = os.path.join(HERE, *name.split("/"))
    try:
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                return handle.read()
        from importlib import resources

        return resources.files("ane_kb").joinpath("data", *name.split("/")).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"the packaged {name}: cannot be read ({exc.__class__.__name__})") from None


def _parse(text: str, where: str) -> Any:
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{where}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})") from None


def read_export(path: str | PathLike[str] | None = None) -> dict[str, Any]:
    """The whole export as a dict: the packaged kb.json, or the file at `path`."""
    try:
        if path is None:
            text = _packaged_text("kb.json")
            where = "the packaged kb.json"
        else:
            with open(os.fspath(path), encoding="utf-8") as handle:
                text = handle.read()
            where = str(path)
    except FileNotFoundError:
        raise DataError(f"{path or 'the packaged kb.json'}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path or 'the packaged kb.json'}: cannot be read ({exc.__class__.__name__})") from None
    document = _parse(text, where)
    if not isinstance(document, dict) or any(k not in document for k in REQUIRED_TOP):
        raise DataError(f"{where}: not an ane-kb export (it needs the keys {', '.join(REQUIRED_TOP)})")
    if not isinstance(document["records"], dict) or not isinstance(document["meta"], dict):
        raise DataError(f"{where}: not an ane-kb export (records and meta must be objects)")
    return document


def check_records(records: dict[str, Any], where: str) -> None:
    for ref, data in records.items():
        if not isinstance(data, dict) or any(key not in data for key in BASE_FIELDS):
            raise DataError(f"{where}: record {ref} is malformed (it lacks one of {', '.join(BASE_FIELDS)})")


class Whole:
    """An export held in memory as one document."""

    def __init__(self, document: dict[str, Any], where: str) -> None:
        check_records(document["records"], where)
        self.document = document
        self.where = where
        self.refs: list[str] = list(document["records"])
        meta = document["meta"]
        self.data_version = str(meta.get("data_version", ""))
        self.site_url = str(meta.get("settings", {}).get("site_url", ""))

    def part(self, name: str) -> Any:
        """meta, vocab or tombstones."""
        return self.document.get(name, {})

    def raw(self, ref: str) -> dict[str, Any]:
        found: dict[str, Any] = self.document["records"][ref]
        return found


class PerKind:
    """The packaged export, read one kind at a time (see the module's docstring)."""

    where = "the packaged export"

    def __init__(self, read: Any = _packaged_text) -> None:
        self._read = read
        self._parts: dict[str, Any] = {}
        self._kinds: dict[str, dict[str, Any]] = {}
        self.data_version = self.site_url = ""
        self.refs: list[str] = []
        self._index(read("kinds/index.txt"))

    def _index(self, text: str) -> None:
        lines = text.splitlines()
        if not lines or lines[0] != INDEX_MAGIC:
            raise DataError("the packaged kinds/index.txt: not an ane-kb index (run `python -m generator export`)")
        for number, line in enumerate(lines[1:], start=2):
            what, _, rest = line.partition("\t")
            if what == "data_version":
                self.data_version = rest
            elif what == "site_url":
                self.site_url = rest
            elif what == "kind":
                kind, _, ids = rest.partition("\t")
                self.refs.extend(f"{kind}/{record_id}" for record_id in ids.split())
            else:
                raise DataError(f"the packaged kinds/index.txt:{number}: unknown line {what!r}")
        self.refs.sort()  # the order of kb.json, whose keys are sorted

    def _json(self, name: str) -> Any:
        return _parse(self._read(f"kinds/{name}.json"), f"the packaged kinds/{name}.json")

    def part(self, name: str) -> Any:
        if name not in self._parts:
            self._parts[name] = self._json("_" + name)
        return self._parts[name]

    def raw(self, ref: str) -> dict[str, Any]:
        kind = ref.partition("/")[0]
        if kind not in self._kinds:
            records = self._json(kind)
            check_records(records, f"the packaged kinds/{kind}.json")
            self._kinds[kind] = records
        found: dict[str, Any] = self._kinds[kind][ref]
        return found

    @property
    def document(self) -> dict[str, Any]:
        return read_export(None)
