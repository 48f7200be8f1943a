"""`ane-kb probe MODEL`: measure where Core ML places each op (MLComputePlan, macOS 14.4+) into a placement file.

Only `ane_kb.probe.macos` needs macOS; `ane_kb.probe.build` turns any object shaped like coremltools'
`MLComputePlan` into the file, and is tested on every system.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

from .. import __version__
from ..knowledge import KnowledgeBase
from .build import ProbeError, placement, plan_ops, write

__all__ = ["ProbeError", "probe"]


def probe(model: str, compute_units: str, out: str, kb: KnowledgeBase, backend: ModuleType | Any = None) -> Path:
    """Probe `model` and write its placement file to `out`; raises ProbeError (one line) when it cannot."""
    if backend is None:
        from . import macos as backend
    reason = backend.unavailable()
    if reason:
        raise ProbeError(reason)
    if not Path(model).exists():
        raise ProbeError(f"{model}: no such model")
    try:
        plan, compiled = backend.compute_plan(model, compute_units)
    except Exception as exc:  # noqa: BLE001 - Core ML's compiler and loader raise many kinds; one line each
        text = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise ProbeError(f"{model}: Core ML could not compile the model or make its compute plan: {text}") from None
    try:
        ops = plan_ops(plan)
    finally:
        if compiled:
            shutil.rmtree(compiled, ignore_errors=True)
    document = placement(model, ops, backend.host(), compute_units, kb, f"ane-kb probe {__version__}")
    return write(document, out)
