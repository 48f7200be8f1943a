"""Placement files (schema/placement.schema.json): where Core ML placed each op of one model on one host.

`measured` is the one reading every consumer shares (calibration, `check --compare`, `generator observe`):
an op is on the ANE when the ANE is among its supported devices or is its preferred device, off the ANE when
its supported devices are known, the ANE was examined and is not among them, and unknown otherwise (a plan
that only says where the op was preferred to run, or a method that could not see the ANE).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
ANE, NOT_ANE, UNKNOWN = "ane", "not-ane", "unknown"


class PlacementError(ValueError):
    """A placement file that cannot be used; the message is one line naming the file and the problem."""


def measured(op: Mapping[str, Any], examined: list[str] | tuple[str, ...]) -> str:
    """Whether the measurement shows `op` able to run on the ANE: "ane", "not-ane" or "unknown"."""
    supported = op.get("supported")
    if op.get("preferred") == "ane" or (supported is not None and "ane" in supported):
        return ANE
    if supported is not None and "ane" in examined:
        return NOT_ANE
    return UNKNOWN


def load(path: str | Path) -> dict[str, Any]:
    """Read a placement file. Raises PlacementError with a one-line message for anything unusable."""
    shown = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlacementError(f"{shown}: cannot be read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlacementError(f"{shown}: not a JSON placement file: {exc}") from None
    if not isinstance(data, dict):
        raise PlacementError(f"{shown}: not a placement file (the top level is not an object)")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise PlacementError(f"{shown}: format_version {version!r} is not supported (this ane-kb reads {FORMAT_VERSION})")
    ops = data.get("ops")
    if not isinstance(ops, list) or not ops or not all(isinstance(o, dict) and isinstance(o.get("name"), str) for o in ops):
        raise PlacementError(f"{shown}: ops: expected a non-empty list of ops, each with a name")
    if not isinstance(data.get("examined"), list):
        raise PlacementError(f"{shown}: examined: expected the list of devices the measurement could see")
    return data


def spec_sha256(path: str | Path) -> str | None:
    """SHA-256 of a model's spec file, as a placement file's `model.sha256` records it: the .mlmodel file
    itself, or the root item of an .mlpackage (its Manifest.json names it). None for other inputs."""
    import hashlib

    model = Path(path)
    spec = model
    if model.is_dir():
        try:
            manifest = json.loads((model / "Manifest.json").read_text(encoding="utf-8"))
            entries, root = manifest["itemInfoEntries"], manifest["rootModelIdentifier"]
            spec = model / "Data" / str(entries[root]["path"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
    if spec.suffix.lower() != ".mlmodel" or not spec.is_file():
        return None
    digest = hashlib.sha256()
    with spec.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def op_type(name: str) -> str:
    """An op type as the KB names it: MLComputePlan and Xcode write ML Program ops with their opset
    (`ios18.conv`), the KB's identifiers do not (`conv`)."""
    head, dot, tail = name.partition(".")
    if dot and head.rstrip("0123456789") in ("ios", "macos", "tvos", "watchos", "visionos") and tail:
        return tail
    return name


def chip_of(data: Mapping[str, Any]) -> str | None:
    """The chip a measurement describes: a cross-compile's target, else the host's chip (None when unknown)."""
    target = data.get("compiler_target")
    if isinstance(target, dict) and isinstance(target.get("chip"), str):
        return str(target["chip"])
    host = data.get("host")
    chip = host.get("chip") if isinstance(host, dict) else None
    return chip if isinstance(chip, str) else None
