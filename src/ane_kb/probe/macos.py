"""The only macOS-specific part of `ane-kb probe`: compile the model and ask Core ML for its compute plan.

Everything else (walking the plan, the parameters, the file) is in `ane_kb.probe.build` and runs anywhere.
"""

from __future__ import annotations

import platform
import subprocess
from typing import Any

NEEDS = "ane-kb probe needs macOS 14.4 or later and coremltools 8 or later (for Core ML's MLComputePlan)"


def unavailable() -> str | None:
    """Why probing cannot run here, in one line; None when it can."""
    system = platform.system()
    if system != "Darwin":
        return (f"{NEEDS}; this is {system or 'an unknown system'}. Here, `ane-kb check` predicts the placement; "
                f"to measure it, run probe on a Mac or the iOS snippet on the placement-files page")
    version = platform.mac_ver()[0]
    numbers = tuple(int(part) for part in version.split(".")[:2] if part.isdigit())
    if numbers < (14, 4):
        return f"{NEEDS}; this Mac runs macOS {version or 'of an unknown version'}"
    try:
        from coremltools.models.compute_plan import MLComputePlan  # noqa: F401
    except ImportError:
        return f"{NEEDS}; install it with: pip install 'coremltools>=8'"
    return None


def compute_plan(model: str, compute_units: str) -> tuple[Any, str | None]:
    """(the MLComputePlan, the folder compiled for it, which the caller removes; None for an .mlmodelc given)."""
    import coremltools as ct
    from coremltools.models.compute_plan import MLComputePlan

    units = {"all": ct.ComputeUnit.ALL, "cpu-and-ne": ct.ComputeUnit.CPU_AND_NE}[compute_units]
    given = model.rstrip("/").endswith(".mlmodelc")
    compiled = model if given else str(ct.models.utils.compile_model(model))
    return MLComputePlan.load_from_path(path=compiled, compute_units=units), None if given else compiled


def host() -> dict[str, Any]:
    """The machine as the placement file's `host` describes it (the chip still by name)."""
    import coremltools as ct

    def ask(*command: str) -> str:
        done = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False)
        return done.stdout.strip()

    return {"chip_name": ask("sysctl", "-n", "machdep.cpu.brand_string"), "device": ask("sysctl", "-n", "hw.model"),
            "os": {"platform": "macos", "version": platform.mac_ver()[0], "build": ask("sw_vers", "-buildVersion")},
            "tools": {"coremltools": str(ct.__version__)}}
