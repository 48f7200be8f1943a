"""Synthetic knowledge bases of any size, built from the fixture records, for benchmarks."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "minikb"
TEMPLATES = {
    "layer-rule": FIXTURE / "layer-rule" / "pool-big.yaml",
    "device": FIXTURE / "device" / "iphone-xs.yaml",
    "precision": FIXTURE / "precision" / "fp16-range.yaml",
    "howto": FIXTURE / "howto" / "check-thread.yaml",
    "anecdote": FIXTURE / "anecdote" / "slow-fp16.yaml",
}


def make(dest: Path, records: int) -> Path:
    """A valid KB with `records` records (plus the fixture's two chips), spread over the kinds."""
    shutil.copytree(ROOT / "kb" / "_vocab", dest / "_vocab")
    shutil.copytree(FIXTURE / "_vocab", dest / "_vocab", dirs_exist_ok=True)
    shutil.copytree(FIXTURE / "chip", dest / "chip")
    texts = {kind: path.read_text(encoding="utf-8") for kind, path in TEMPLATES.items()}
    kinds = list(texts)
    for kind in kinds:
        (dest / kind).mkdir()
    for i in range(records):
        kind = kinds[i % len(kinds)]
        old_id = TEMPLATES[kind].stem
        new_id = old_id if i < len(kinds) else f"{old_id}-{i}"  # the fixture's vocabularies name the originals
        text = texts[kind].replace(f"id: {old_id}\n", f"id: {new_id}\n", 1)
        if kind == "device" and new_id != old_id:  # device names are unique, as in a real KB
            text = text.replace("name: iPhone XS\n", f"name: Test phone {i}\n", 1).replace('"iPhone Xs"', f'"Test phone {i} alias"')
        (dest / kind / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    return dest
