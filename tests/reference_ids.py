"""Fact ids of the reference files in ../shared/reference/, and the seed's sections.

`python -m tests.reference_ids` rewrites tests/data/reference-fact-ids.txt, the snapshot the
coverage test uses, so the test also runs where ../shared/ is absent.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "reference"
SNAPSHOT = ROOT / "tests" / "data" / "reference-fact-ids.txt"
SEED_SECTIONS = ["seed-intro"] + [f"seed-{n}" for n in range(1, 10)]


def from_references(shared: Path = SHARED) -> list[str]:
    facts = (shared / "ane-facts.md").read_text(encoding="utf-8")
    extra = (shared / "ane-facts-extra.md").read_text(encoding="utf-8")
    ids = re.findall(r"^- id: `([a-z0-9-]+)`", facts, re.M)
    ids += re.findall(r"^\| `(todo-[a-z0-9-]+)` \|", facts, re.M)
    ids += re.findall(r"^### ([a-z][a-z0-9]*-[a-z0-9-]+)\s*$", extra, re.M)
    ids += re.findall(r"^\| (C-[0-9]+) \|", extra, re.M)
    return list(dict.fromkeys(ids)) + SEED_SECTIONS


def snapshot() -> list[str]:
    return [line for line in SNAPSHOT.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


if __name__ == "__main__":
    SNAPSHOT.write_text("# Fact ids of ../shared/reference/*.md and the seed's sections (python -m tests.reference_ids)\n"
                        + "\n".join(from_references()) + "\n", encoding="utf-8")
    sys.exit(0)
