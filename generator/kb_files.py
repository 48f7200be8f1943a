"""Find and read the files of a knowledge-base folder: records and vocabularies."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import characters, strict_yaml
from .problems import Problem

KINDS = ("chip", "device", "layer-rule", "precision", "anecdote", "howto")
VOCAB_DIR = "_vocab"
MAX_BYTES = 1_000_000


@dataclass
class LoadedFile:
    path: Path
    shown: str
    doc: strict_yaml.Document | None
    text: str = ""

    @property
    def first_line(self) -> str:
        return self.text.split("\n", 1)[0]


def shown_path(path: Path) -> str:
    """The path as printed in problems: relative to the working directory when below it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _position_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    col = len(before) - (before.rfind(b"\n") + 1) + 1
    return line, col


def read_yaml(path: Path) -> tuple[LoadedFile, list[Problem]]:
    """Read one YAML file strictly. Problems say why it could not be loaded, or what surprised."""
    shown = shown_path(path)
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        return LoadedFile(path, shown, None), [Problem(shown, 1, 1, "file-size", f"file is larger than {MAX_BYTES} bytes")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position_of_byte(raw, exc.start)
        return LoadedFile(path, shown, None), [
            Problem(shown, line, col, "encoding", f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded)")]
    text = text.removeprefix("\ufeff")
    refused = [Problem(shown, *found) for found in characters.problems(text)]
    if refused:
        return LoadedFile(path, shown, None), refused
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return LoadedFile(path, shown, None), [Problem(shown, 1, 1, "empty-file", "file has no content; a record needs at least id and kind")]
    try:
        doc = strict_yaml.load(text)
    except strict_yaml.YamlError as exc:
        return LoadedFile(path, shown, None), [Problem(shown, exc.line, exc.col, exc.check, exc.message)]
    problems = [Problem(shown, r.line, r.col, r.check, r.message) for r in doc.remarks]
    if not isinstance(doc.data, dict):
        problems.append(Problem(shown, 1, 1, "not-a-mapping", "a record or vocabulary file must be a mapping of keys to values"))
        return LoadedFile(path, shown, None, text), problems
    return LoadedFile(path, shown, doc, text), problems


@dataclass
class Listing:
    records: dict[str, list[Path]]
    vocab: dict[str, Path]
    parameters: list[Path]
    problems: list[Problem]


def list_kb(root: Path) -> Listing:
    """Every file under the KB folder, sorted, with a problem for each one that does not belong."""
    listing = Listing({kind: [] for kind in KINDS}, {}, [], [])
    for entry in sorted(root.iterdir()):
        if entry.name == VOCAB_DIR and entry.is_dir():
            _list_vocab(entry, listing)
        elif entry.is_dir() and entry.name in KINDS:
            listing.records[entry.name] = _list_records(entry, listing)
        else:
            _stray(entry, listing, f"kb/ holds only the kind folders ({', '.join(KINDS)}) and {VOCAB_DIR}/")
    return listing


def _list_records(folder: Path, listing: Listing) -> list[Path]:
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.is_file() and entry.suffix == ".yaml":
            found.append(entry)
        else:
            _stray(entry, listing, "only .yaml record files belong here")
    return found


def _list_vocab(folder: Path, listing: Listing) -> None:
    for entry in sorted(folder.iterdir()):
        if entry.name == "parameters" and entry.is_dir():
            for param in sorted(entry.iterdir()):
                if param.is_file() and param.suffix == ".yaml":
                    listing.parameters.append(param)
                else:
                    _stray(param, listing, "only .yaml parameter files belong here")
        elif entry.is_file() and entry.suffix == ".yaml":
            listing.vocab[entry.stem] = entry
        else:
            _stray(entry, listing, "only .yaml vocabulary files belong here")


def _stray(entry: Path, listing: Listing, why: str) -> None:
    hint = " (rename .yml to .yaml)" if entry.suffix == ".yml" else ""
    listing.problems.append(Problem(shown_path(entry), 1, 1, "not-yaml", f"unexpected {'folder' if entry.is_dir() else 'file'}: {why}{hint}"))
