"""The knowledge base: every collection of one export, with cross-record look-ups."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from . import build
from .collection import Collection
from .device_lookup import DeviceCollection
from .errors import DataError, MovedRecordWarning, UnknownIdError
from .matching import RuleCollection
from .records import Anecdote, Chip, Device, HowTo, Record, Rule
from .render import render_condition


class KnowledgeBase:
    """One export (the packaged kb.json unless another is given), as typed collections."""

    def __init__(self, document: Mapping[str, Any], where: str = "kb.json") -> None:
        self.document = document
        self.meta: Mapping[str, Any] = document["meta"]
        self.vocab: Mapping[str, Any] = document["vocab"]
        settings = self.meta.get("settings", {})
        self.site_url: str = str(settings.get("site_url", "")).rstrip("/")
        self.data_version: str = str(self.meta.get("data_version", ""))
        self._records: dict[str, Record] = {}
        self._identifiers: dict[str, frozenset[str]] = {}
        for ref, data in document["records"].items():
            try:
                self._records[ref] = build.record(ref, data, self.record, self.site_url)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise DataError(f"{where}: record {ref} is malformed ({exc.__class__.__name__}: {exc})") from None
        self.tombstones: Mapping[str, Mapping[str, Any]] = document.get("tombstones", {})
        by_kind: dict[str, dict[str, Any]] = {}
        for record in self._records.values():
            by_kind.setdefault(record.kind, {})[record.id] = record
        stones, redirect = self.tombstones, self.record
        self.chips: Collection[Chip] = Collection("chip", by_kind.get("chip", {}), stones, redirect)
        self.devices = DeviceCollection(by_kind.get("device", {}), stones, redirect)
        self.rules = RuleCollection("layer-rule", by_kind.get("layer-rule", {}), self, stones)
        self.precision = RuleCollection("precision", by_kind.get("precision", {}), self, stones)
        self.anecdotes: Collection[Anecdote] = Collection("anecdote", by_kind.get("anecdote", {}), stones, redirect)
        self.howtos: Collection[HowTo] = Collection("howto", by_kind.get("howto", {}), stones, redirect)

    def record(self, ref: str) -> Record:
        """A record by kind/id, or by a bare id that is unique across kinds. A renamed id returns its new
        record with a MovedRecordWarning; a removed one raises UnknownIdError with the reason."""
        if ref in self._records:
            return self._records[ref]
        stone = self.tombstones.get(ref)
        if stone is not None:
            if stone["status"] == "moved":
                warnings.warn(f"{ref} moved to {stone['redirect_to']}; use the new id", MovedRecordWarning, stacklevel=2)
                return self.record(stone["redirect_to"])
            raise UnknownIdError(f"{ref} was removed: {stone.get('reason', {}).get('en', '')}")
        hits = [rec for rec in self._records.values() if rec.id == ref]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise UnknownIdError(f"id {ref!r} is used by several kinds: {', '.join(h.ref for h in hits)}; write kind/id")
        import difflib
        close = difflib.get_close_matches(ref, list(self._records), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownIdError(f"no record {ref!r}{hint}")

    def __iter__(self) -> Any:
        return iter(self._records.values())

    def __len__(self) -> int:
        return len(self._records)

    @cached_property
    def parameters(self) -> Mapping[str, Mapping[str, Any]]:
        params: Mapping[str, Mapping[str, Any]] = self.vocab.get("parameters", {})
        return params

    def identifiers(self, fmt: str) -> frozenset[str]:
        if fmt not in self._identifiers:
            data = self.vocab.get("identifiers", {})
            names = set(data.get(fmt, ()))
            names.update(e["name"] for e in data.get("extra", ()) if e.get("format") == fmt)
            self._identifiers[fmt] = frozenset(names)
        return self._identifiers[fmt]

    def describe(self, rule: Rule, lang: str = "en") -> str:
        """A rule's condition as a sentence in `lang`."""
        return render_condition(rule.condition, lang, self.parameters)

    def chip_for(self, name: str) -> Chip:
        """A chip by id (`m4`, `chip/m4`). Unknown ids raise ValueError listing the valid ones."""
        chip = self.chips.get(name)
        if chip is None:
            raise ValueError(f"unknown chip {name!r}; valid: {', '.join(self.chips.ids())}")
        return chip

    def coreml_can_use_ane(self, target: str | Chip | Device) -> bool:
        """Whether Core ML can use the ANE: for a chip, or for every chip a device was sold with."""
        if isinstance(target, str):
            chip = self.chips.get(target)
            target = chip if chip is not None else self.devices.lookup(target)
        if isinstance(target, Chip):
            return target.coreml_can_use_ane
        if isinstance(target, Device):
            return bool(target.chips) and target.runs_third_party_coreml and all(c.coreml_can_use_ane for c in target.chips)
        raise TypeError(f"expected a device name, a chip id, a Chip or a Device, not {type(target).__name__}")


def load(path: str | Path | None = None) -> KnowledgeBase:
    """A knowledge base from an export file (the packaged kb.json when no path is given)."""
    from .data import read_export

    where = str(path) if path is not None else "the packaged kb.json"
    return KnowledgeBase(read_export(path), where)
