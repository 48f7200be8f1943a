"""ane_kb: the Apple Neural Engine knowledge base as typed, machine-readable data.

    >>> from ane_kb import rules, devices
    >>> device = devices.lookup("iPhone 12 Pro")
    >>> [chip.id for chip in device.chips]
    ['a14']

Everything loads lazily from the packaged export on first use, one record kind at a time, with the
standard library only.
"""

from __future__ import annotations

from .errors import AmbiguousNameError, DataError, MovedRecordWarning, UnknownIdError
from .knowledge import KnowledgeBase, load

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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

    from .render import render_condition

__version__ = "0.1.0"
__all__ = ["AmbiguousNameError", "DataError", "KnowledgeBase", "MovedRecordWarning", "UnknownIdError", "anecdotes", "chips",
           "coreml_can_use_ane", "data_version", "default", "devices", "howtos", "load", "precision",
           "render_condition", "rules"]

_LAZY = ("rules", "precision", "chips", "devices", "anecdotes", "howtos", "data_version")


_DEFAULT: list[KnowledgeBase] = []


def default() -> KnowledgeBase:
    """The knowledge base of the packaged export, loaded once."""
    if not _DEFAULT:
        _DEFAULT.append(load())
    return _DEFAULT[0]


def coreml_can_use_ane(device_or_chip: Any) -> bool:
    """True when Core ML can use the ANE of this chip, or of every chip of this device."""
    return default().coreml_can_use_ane(device_or_chip)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(default(), name)
    if name == "render_condition":
        from .render import render_condition

        return render_condition
    raise AttributeError(f"module 'ane_kb' has no attribute {name!r}")
