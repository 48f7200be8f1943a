"""ane_kb: the Apple Neural Engine knowledge base as typed, machine-readable data.

    >>> from ane_kb import rules, devices
    >>> device = devices.lookup("iPhone 12 Pro")
    >>> [chip.id for chip in device.chips]
    ['a14']

Everything loads lazily from the packaged kb.json on first use, with the standard library only.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from .errors import AmbiguousNameError, DataError, MovedRecordWarning, UnknownIdError
from .knowledge import KnowledgeBase, load
from .render import render_condition

if TYPE_CHECKING:
    from .collection import Collection
    from .device_lookup import DeviceCollection
    from .matching import RuleCollection
    from .records import Anecdote, Chip, Device, HowTo

    rules: RuleCollection
    precision: RuleCollection
    chips: Collection[Chip]
    devices: DeviceCollection
    anecdotes: Collection[Anecdote]
    howtos: Collection[HowTo]
    data_version: str

__version__ = "0.1.0"
__all__ = ["AmbiguousNameError", "DataError", "KnowledgeBase", "MovedRecordWarning", "UnknownIdError", "anecdotes", "chips",
           "coreml_can_use_ane", "data_version", "default", "devices", "howtos", "load", "precision",
           "render_condition", "rules"]

_LAZY = ("rules", "precision", "chips", "devices", "anecdotes", "howtos", "data_version")


@cache
def default() -> KnowledgeBase:
    """The knowledge base of the packaged kb.json, loaded once."""
    return load()


def coreml_can_use_ane(device_or_chip: Any) -> bool:
    """True when Core ML can use the ANE of this chip, or of every chip of this device."""
    return default().coreml_can_use_ane(device_or_chip)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(default(), name)
    raise AttributeError(f"module 'ane_kb' has no attribute {name!r}")
