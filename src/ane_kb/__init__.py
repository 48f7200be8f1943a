"""ane_kb: the Apple Neural Engine knowledge base as typed, machine-readable data."""

from __future__ import annotations

__version__ = "0.1.0"
