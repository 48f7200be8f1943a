"""Devices, looked up by name the way people type them, or by the machine identifier (`iPhone13,3`, what
`hw.machine` reports) or model number (`A2341`) their records give, in any case."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from typing import TYPE_CHECKING

from .collection import Collection
from .errors import AmbiguousNameError, UnknownIdError

if TYPE_CHECKING:
    from .records import Device

_NOISE = re.compile(r"[^a-z0-9]+")
_YEAR = re.compile(r"\b(?:early |late |mid )?(20[0-9]{2})\b", re.I)


def normalise(name: str) -> str:
    """'iPad Pro 13-inch (2024)' -> 'ipadpro13inch2024': case, spacing and punctuation forgiven."""
    return _NOISE.sub("", name.lower().replace("+", "plus"))


class DeviceCollection(Collection["Device"]):
    def __init__(self, ids: list[str], make: Callable[[str], Any],
                 tombstones: Mapping[str, Mapping[str, Any]] | Callable[[], Mapping[str, Mapping[str, Any]]] | None = None,
                 redirect: Callable[[str], Any] | None = None) -> None:
        super().__init__("device", ids, make, tombstones, redirect)
        self._exact: dict[str, list[Device]] = {}
        self._index: dict[str, list[Device]] = {}
        self._codes: dict[str, list[Device]] = {}

    def _build_index(self) -> None:
        """Names and aliases, as written and with the year, normalised: built on the first look-up."""
        if self._index:
            return
        for device in self:
            for code in (*device.machine_ids, *device.model_numbers):
                _add(self._codes, code_key(code), device)
            for label in (device.name, *device.aliases):
                _add(self._exact, normalise(label), device)
                _add(self._index, normalise(label), device)
                _add(self._index, normalise(f"{label} {device.year}"), device)

    def search(self, name: str) -> list[Device]:
        """Every device the name could mean: an id; a machine identifier or model number; a name or alias as
        written; then a name or alias plus the year."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError("a device name must be a non-empty string")
        if name in self:
            return [self[name]]
        self._build_index()
        coded = self._codes.get(code_key(name))
        if coded:
            return list(coded)
        key = normalise(name)
        found = self._exact.get(key) or self._index.get(key, [])
        if not found:
            year = _YEAR.search(name)
            if year:
                without = normalise(_YEAR.sub("", name))
                found = [d for d in self._index.get(without, []) if str(d.year) == year.group(1)]
        return list(found)

    def lookup(self, name: str) -> Device:
        """The one device `name` means. Raises AmbiguousNameError (with .candidates) or UnknownIdError."""
        found = self.search(name)
        if len(found) == 1:
            return found[0]
        if found:
            labels = tuple(f"{d.name} ({d.year}) [{d.id}]" for d in found)
            raise AmbiguousNameError(f"{name!r} could mean {len(found)} devices: {'; '.join(labels)}; add the year "
                                     f"or use an id", tuple(d.id for d in found))
        import difflib

        close = difflib.get_close_matches(normalise(name), list(self._index), n=5, cutoff=0.6)
        names = list(dict.fromkeys(f"{d.name} ({d.year})" for key in close for d in self._index[key]))
        hint = f"; did you mean {', '.join(names)}?" if names else ""
        raise UnknownIdError(f"no device named {name!r}{hint}")


def code_key(code: str) -> str:
    """'iphone13,3 ' -> 'iphone13,3': machine identifiers and model numbers match in any case, spaces ignored."""
    return "".join(code.split()).lower()


def _add(index: dict[str, list[Device]], key: str, device: Device) -> None:
    bucket = index.setdefault(key, [])
    if device not in bucket:
        bucket.append(device)
