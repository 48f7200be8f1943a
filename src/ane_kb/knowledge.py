"""The knowledge base: every collection of one export, with cross-record look-ups."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .collection import Collection
from .device_lookup import DeviceCollection
from .errors import DataError, MovedRecordWarning, UnknownIdError
from .matching import RuleCollection
from .render import render_condition

if TYPE_CHECKING:
    from os import PathLike

    from .records import Anecdote, Chip, Device, HowTo, Record, Rule

BASE_FIELDS = ("id", "kind", "title", "summary", "confidence", "sources")


class KnowledgeBase:
    """One export (the packaged kb.json unless another is given), as typed collections.

    Records are built when first used; a malformed record raises DataError then."""

    def __init__(self, document: Mapping[str, Any], where: str = "kb.json") -> None:
        self.document = document
        self.where = where
        self.meta: Mapping[str, Any] = document["meta"]
        self.vocab: Mapping[str, Any] = document["vocab"]
        settings = self.meta.get("settings", {})
        self.site_url: str = str(settings.get("site_url", "")).rstrip("/")
        self.data_version: str = str(self.meta.get("data_version", ""))
        self.tombstones: Mapping[str, Mapping[str, Any]] = document.get("tombstones", {})
        self._raw: Mapping[str, Any] = document["records"]
        self._records: dict[str, Record] = {}
        self._identifiers: dict[str, frozenset[str]] = {}
        by_kind: dict[str, list[str]] = {}
        for ref, data in self._raw.items():
            if not isinstance(data, dict) or any(key not in data for key in BASE_FIELDS):
                raise DataError(f"{where}: record {ref} is malformed (it lacks one of {', '.join(BASE_FIELDS)})")
            kind, _, record_id = ref.partition("/")
            by_kind.setdefault(kind, []).append(record_id)
        stones, make = self.tombstones, self.record
        self.chips: Collection[Chip] = Collection("chip", by_kind.get("chip", []), make, stones, make)
        self.devices = DeviceCollection(by_kind.get("device", []), make, stones, make)
        self.rules = RuleCollection("layer-rule", by_kind.get("layer-rule", []), self, stones)
        self.precision = RuleCollection("precision", by_kind.get("precision", []), self, stones)
        self.anecdotes: Collection[Anecdote] = Collection("anecdote", by_kind.get("anecdote", []), make, stones, make)
        self.howtos: Collection[HowTo] = Collection("howto", by_kind.get("howto", []), make, stones, make)

    def _build(self, ref: str) -> Record:
        from . import build

        try:
            record = build.record(ref, self._raw[ref], self.record, self.site_url)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataError(f"{self.where}: record {ref} is malformed ({exc.__class__.__name__}: {exc})") from None
        self._records[ref] = record
        return record

    def record(self, ref: str) -> Record:
        """A record by kind/id, or by a bare id that is unique across kinds. A renamed id returns its new
        record with a MovedRecordWarning; a removed one raises UnknownIdError with the reason."""
        if ref in self._records:
            return self._records[ref]
        if ref in self._raw:
            return self._build(ref)
        stone = self.tombstones.get(ref)
        if stone is not None:
            if stone["status"] == "moved":
                import warnings

                warnings.warn(f"{ref} moved to {stone['redirect_to']}; use the new id", MovedRecordWarning, stacklevel=2)
                return self.record(stone["redirect_to"])
            raise UnknownIdError(f"{ref} was removed: {stone.get('reason', {}).get('en', '')}")
        hits = [full for full in self._raw if full.partition("/")[2] == ref]
        if len(hits) == 1:
            return self.record(hits[0])
        if hits:
            raise UnknownIdError(f"id {ref!r} is used by several kinds: {', '.join(hits)}; write kind/id")
        import difflib

        close = difflib.get_close_matches(ref, list(self._raw), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownIdError(f"no record {ref!r}{hint}")

    def __iter__(self) -> Iterator[Record]:
        return (self.record(ref) for ref in self._raw)

    def __len__(self) -> int:
        return len(self._raw)

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
        from .records import Chip, Device

        if isinstance(target, str):
            chip = self.chips.get(target)
            target = chip if chip is not None else self.devices.lookup(target)
        if isinstance(target, Chip):
            return target.coreml_can_use_ane
        if isinstance(target, Device):
            return bool(target.chips) and target.runs_third_party_coreml and all(c.coreml_can_use_ane for c in target.chips)
        raise TypeError(f"expected a device name, a chip id, a Chip or a Device, not {type(target).__name__}")


def load(path: str | PathLike[str] | None = None) -> KnowledgeBase:
    """A knowledge base from an export file (the packaged kb.json when no path is given)."""
    from .data import read_export

    where = str(path) if path is not None else "the packaged kb.json"
    return KnowledgeBase(read_export(path), where)
