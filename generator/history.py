"""What changed in the knowledge base since a git ref: the export at that ref against the KB now."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXPORT_PATH = "src/ane_kb/data/kb.json"


class HistoryError(Exception):
    """The ref cannot be read; the message is one line."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    except FileNotFoundError:
        raise HistoryError("git is not installed") from None


def export_at(root: Path, ref: str) -> dict[str, Any] | None:
    """The checked-in export at `ref`, or None when that commit has none. Raises HistoryError for a bad ref."""
    if ref.startswith("-") or _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise HistoryError(f"unknown git ref {ref!r}")
    shown = _git(root, "show", f"{ref}:{EXPORT_PATH}")
    if shown.returncode != 0:
        return None
    try:
        document: dict[str, Any] = json.loads(shown.stdout)
    except json.JSONDecodeError:
        raise HistoryError(f"{EXPORT_PATH} at {ref} is not valid JSON") from None
    return document


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    renumbered: list[tuple[str, int, int]] = field(default_factory=list)
    old_version: str | None = None
    new_version: str | None = None

    def required_bump(self) -> str | None:
        if self.moved or self.removed or self.vanished or self.renumbered:
            return "major"
        if self.added:
            return "minor"
        if self.changed:
            return "patch"
        return None


def compare(old: dict[str, Any] | None, new: dict[str, Any]) -> Changes:
    old_records = (old or {}).get("records", {})
    old_tombstones = (old or {}).get("tombstones", {})
    records, tombstones = new["records"], new.get("tombstones", {})
    changes = Changes(old_version=(old or {}).get("meta", {}).get("data_version"),
                      new_version=new["meta"]["data_version"])
    for ref in sorted(records):
        if ref not in old_records:
            changes.added.append(ref)
        elif old_records[ref] != records[ref]:
            changes.changed.append(ref)
    for ref in sorted(tombstones):
        if ref in old_tombstones:
            continue
        stone = tombstones[ref]
        if stone["status"] == "moved":
            changes.moved.append((ref, stone["redirect_to"]))
        else:
            changes.removed.append((ref, stone.get("reason", {})))
    changes.vanished = sorted(ref for ref in old_records if ref not in records and ref not in tombstones)
    changes.renumbered = [(ref, old_gen, new_gen) for ref in sorted(records) if ref in old_records
                          for old_gen, new_gen in [(_generation(old_records[ref]), _generation(records[ref]))]
                          if old_gen is not None and new_gen is not None and old_gen != new_gen]
    return changes


def _generation(record: Any) -> int | None:
    """A chip's ANE generation ordinal: renumbering one changes what every generation bound means."""
    ane = record.get("ane") if isinstance(record, dict) else None
    return ane.get("generation") if isinstance(ane, dict) else None


def version_key(version: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".")) if version else (0, 0, 0)


def bump_problem(changes: Changes) -> str | None:
    """Why the new data_version is too small for the changes (SemVer, see CONTRIBUTING.md), or None."""
    needed = changes.required_bump()
    if needed is None or changes.old_version is None:
        return None
    old, new = version_key(changes.old_version), version_key(changes.new_version)
    index = {"major": 0, "minor": 1, "patch": 2}[needed]
    minimum = tuple(list(old[:index]) + [old[index] + 1] + [0] * (2 - index))
    if new < minimum:
        reason = {"major": "chips changed ANE generation" if changes.renumbered and not (
                      changes.moved or changes.removed or changes.vanished) else "an id was moved or removed",
                  "minor": "records were added", "patch": "records changed"}[needed]
        return (f"data_version {changes.new_version} should be at least {'.'.join(map(str, minimum))} "
                f"({reason} since {changes.old_version})")
    return None


def release_base(root: Path) -> str | None:
    """The latest data release tag (data-v*), or None when there is none (or no git)."""
    try:
        described = _git(root, "describe", "--tags", "--abbrev=0", "--match", "data-v*")
    except HistoryError:
        return None
    return described.stdout.strip() if described.returncode == 0 and described.stdout.strip() else None
