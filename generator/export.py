"""The deterministic JSON export of a valid KB: src/ane_kb/data/kb.json."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

from . import schemas
from .atomic import write_text
from .kb import KB, KINDS
from .problems import Problem

GENERATOR = "ane-kb generator"


def content_hash(root: Path) -> str:
    """sha256 over every file below `root`: its path relative to root, then its bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def counts(kb: KB) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for kind in KINDS:
        levels = Counter(r.data["confidence"] for r in kb.records if r.kind == kind)
        out[kind] = dict(sorted(levels.items()))
    return out


def build(kb: KB) -> dict[str, Any]:
    """The export document. Assumes the KB passed validation."""
    settings = kb.vocab_data("settings")
    records = {r.ref: r.data for r in sorted(kb.records, key=lambda r: (KINDS.index(r.kind), r.stem))}
    return {
        "meta": {
            "generator": GENERATOR,
            "schema_version": settings["schema_version"],
            "data_version": settings["data_version"],
            "content_hash": content_hash(kb.root),
            "settings": settings,
            "counts": counts(kb),
        },
        "vocab": {
            "tags": kb.vocab_data("tags")["tags"],
            "glossary": kb.vocab_data("glossary")["terms"],
            "terminology": kb.vocab_data("glossary").get("terminology", []),
            "confidence": kb.vocab_data("confidence")["levels"],
            "identifiers": kb.vocab_data("identifiers"),
            "ane_generations": kb.vocab_data("ane-generations")["generations"],
            "op_families": kb.vocab_data("op-families")["families"],
            "howto_basics": kb.vocab_data("howto-order").get("basics", []),
            "topics": kb.vocab_data("topics").get("topics", {}),
            "parameters": {name: e.data for name, e in sorted(kb.parameters.items())},
        },
        "records": records,
        "tombstones": {t.ref: t.data for t in sorted(kb.tombstones, key=lambda t: (KINDS.index(t.kind), t.stem))},
    }


def ship_schemas(dest: Path) -> None:
    """Copy schema/*.schema.json beside the export, so the package carries the schema of its data."""
    for path in sorted(schemas.SCHEMA_DIR.glob("*.schema.json")):
        target = dest / path.name
        text = path.read_text(encoding="utf-8")
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            write_text(target, text)


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def export_problems(document: dict[str, Any], shown: str) -> list[Problem]:
    """Problems when the export does not match schema/export.schema.json (a generator bug)."""
    validator = schemas.validator("export.schema.json")
    return [Problem(shown, 1, 1, "export-schema", f"{'/'.join(map(str, e.absolute_path)) or 'document'}: {e.message}")
            for e in validator.iter_errors(document)]


INDEX_MAGIC = "ane-kb per-kind index 1"  # the package's reader (ane_kb.data) checks the same first line


def per_kind(document: dict[str, Any]) -> dict[str, str]:
    """The files of `kinds/`, by name: an index of ids, one JSON file per record kind, and meta, vocabulary and
    tombstones on their own, so the package reads only the kinds it uses."""
    by_kind: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    for ref, data in document["records"].items():
        by_kind[ref.partition("/")[0]][ref] = data
    meta = document["meta"]
    index = [INDEX_MAGIC, f"data_version\t{meta['data_version']}", f"site_url\t{meta['settings']['site_url']}"]
    index += [f"kind\t{kind}\t{' '.join(ref.partition('/')[2] for ref in records)}" for kind, records in by_kind.items()]
    files = {"index.txt": "\n".join(index) + "\n"}
    files.update({f"{kind}.json": _compact(records) for kind, records in by_kind.items()})
    files.update({f"_{part}.json": _compact(document.get(part, {})) for part in ("meta", "vocab", "tombstones")})
    return files


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def ship_kinds(dest: Path, document: dict[str, Any]) -> None:
    """Write `kinds/` beside the export; files no longer produced are removed."""
    files = per_kind(document)
    for name, text in files.items():
        target = dest / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            write_text(target, text)
    for stale in dest.glob("*"):
        if stale.name not in files and stale.is_file():
            stale.unlink()
