"""The knowledge base as loaded from a folder: records, vocabularies and load problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .kb_files import KINDS, LoadedFile, list_kb, read_yaml, shown_path
from .problems import Problem
from .strict_yaml import Path as DocPath

VOCAB_FILES = ("settings", "tags", "glossary", "confidence", "source-hosts", "identifiers", "ane-generations",
               "op-families", "howto-order", "topics")


@dataclass
class Entry:
    """One loaded YAML file: a record or a vocabulary."""

    file: LoadedFile
    kind: str
    stem: str

    @property
    def data(self) -> dict[str, Any]:
        assert self.file.doc is not None
        data: dict[str, Any] = self.file.doc.data
        return data

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.stem}"

    def problem(self, check: str, message: str, at: DocPath = (), key: bool = False,
                warning: bool = False, detail: str = "") -> Problem:
        assert self.file.doc is not None
        line, col = self.file.doc.locate(at, key=key)
        return Problem(self.file.shown, line, col, check, message, warning, detail)


@dataclass
class KB:
    root: Path
    records: list[Entry] = field(default_factory=list)
    tombstones: list[Entry] = field(default_factory=list)
    vocab: dict[str, Entry] = field(default_factory=dict)
    parameters: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def by_ref(self) -> dict[str, Entry]:
        return {entry.ref: entry for entry in self.records}

    def tombstone_refs(self) -> dict[str, Entry]:
        return {entry.ref: entry for entry in self.tombstones}

    def vocab_data(self, name: str) -> dict[str, Any]:
        entry = self.vocab.get(name)
        return entry.data if entry is not None else {}

    def shown(self, *parts: str) -> str:
        return shown_path(self.root.joinpath(*parts))


def load_kb(root: Path) -> KB:
    """Read every file of the KB folder. Files that cannot be loaded become problems."""
    kb = KB(root)
    listing = list_kb(root)
    kb.problems.extend(listing.problems)
    for kind in KINDS:
        for path in listing.records[kind]:
            entry = _read(kb, path, kind)
            if entry is not None:
                (kb.tombstones if is_tombstone(entry.data) else kb.records).append(entry)
    for name, path in listing.vocab.items():
        if name not in VOCAB_FILES:
            kb.problems.append(Problem(shown_path(path), 1, 1, "vocabulary",
                                       f"unknown vocabulary file; expected one of: {', '.join(VOCAB_FILES)}"))
            continue
        entry = _read(kb, path, "vocab")
        if entry is not None:
            kb.vocab[name] = entry
    for name in VOCAB_FILES:
        if name not in listing.vocab:
            kb.problems.append(Problem(kb.shown("_vocab", f"{name}.yaml"), 1, 1, "vocabulary", "required vocabulary file is missing"))
    for path in listing.parameters:
        entry = _read(kb, path, "parameter")
        if entry is not None:
            kb.parameters[path.stem] = entry
    return kb


def is_tombstone(data: dict[str, Any]) -> bool:
    """A file with a `status` key stands for a renamed or removed id, not a record."""
    return "status" in data


def _read(kb: KB, path: Path, kind: str) -> Entry | None:
    loaded, problems = read_yaml(path)
    kb.problems.extend(problems)
    return Entry(loaded, kind, path.stem) if loaded.doc is not None else None
