"""The knowledge base: every collection of one export, with cross-record look-ups."""

from __future__ import annotations

from .data import PerKind, Whole
from .errors import DataError, MovedRecordWarning, UnknownIdError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from os import PathLike
    from typing import Any

    from .collection import Collection
    from .device_lookup import DeviceCollection
    from .matching import RuleCollection
    from .records import Anecdote, Chip, Device, HowTo, Record, Rule


class KnowledgeBase:
    """One export (the packaged one unless another is given), as typed collections.

    Collections and records are built when first used; a malformed record raises DataError then. Only the
    standard library's `os` is imported until then, so `len(ane_kb.rules)` stays cheap."""

    def __init__(self, document: Mapping[str, Any] | PerKind | Whole, where: str = "kb.json") -> None:
        source = document if isinstance(document, (PerKind, Whole)) else Whole(dict(document), where)
        self._source = source
        self.where = source.where
        self.site_url: str = source.site_url.rstrip("/")
        self.data_version: str = source.data_version
        self._refs = source.refs
        self._known = frozenset(source.refs)
        self._records: dict[str, Record] = {}
        self._identifiers: dict[str, frozenset[str]] = {}
        self._collections: dict[str, Any] = {}
        self._parameters: Mapping[str, Mapping[str, Any]] | None = None

    @property
    def document(self) -> Mapping[str, Any]:
        """The whole export as one document (for the packaged export, kb.json is read)."""
        return self._source.document

    @property
    def meta(self) -> Mapping[str, Any]:
        meta: Mapping[str, Any] = self._source.part("meta")
        return meta

    @property
    def vocab(self) -> Mapping[str, Any]:
        vocab: Mapping[str, Any] = self._source.part("vocab")
        return vocab

    @property
    def tombstones(self) -> Mapping[str, Mapping[str, Any]]:
        stones: Mapping[str, Mapping[str, Any]] = self._source.part("tombstones")
        return stones

    def raw(self, ref: str) -> Mapping[str, Any]:
        """A record as exported (plain data), by kind/id."""
        return self._source.raw(ref)

    def _ids(self, kind: str) -> list[str]:
        prefix = kind + "/"
        return [ref[len(prefix):] for ref in self._refs if ref.startswith(prefix)]

    def _collection(self, kind: str) -> Any:
        found = self._collections.get(kind)
        if found is None:
            found = self._collections[kind] = self._make_collection(kind)
        return found

    def _make_collection(self, kind: str) -> Any:
        make, stones = self.record, self._tombstones_later
        if kind == "device":
            from .device_lookup import DeviceCollection

            return DeviceCollection(self._ids(kind), make, stones, make)
        if kind in ("layer-rule", "precision"):
            from .matching import RuleCollection

            return RuleCollection(kind, self._ids(kind), self, stones)
        from .collection import Collection

        return Collection(kind, self._ids(kind), make, stones, make)

    def _tombstones_later(self) -> Mapping[str, Mapping[str, Any]]:
        return self.tombstones

    @property
    def chips(self) -> Collection[Chip]:
        chips: Collection[Chip] = self._collection("chip")
        return chips

    @property
    def devices(self) -> DeviceCollection:
        devices: DeviceCollection = self._collection("device")
        return devices

    @property
    def rules(self) -> RuleCollection:
        rules: RuleCollection = self._collection("layer-rule")
        return rules

    @property
    def precision(self) -> RuleCollection:
        precision: RuleCollection = self._collection("precision")
        return precision

    @property
    def anecdotes(self) -> Collection[Anecdote]:
        anecdotes: Collection[Anecdote] = self._collection("anecdote")
        return anecdotes

    @property
    def howtos(self) -> Collection[HowTo]:
        howtos: Collection[HowTo] = self._collection("howto")
        return howtos

    def _build(self, ref: str) -> Record:
        from . import build

        try:
            record = build.record(ref, self._source.raw(ref), self.record, self.site_url)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataError(f"{self.where}: record {ref} is malformed ({exc.__class__.__name__}: {exc})") from None
        self._records[ref] = record
        return record

    def record(self, ref: str) -> Record:
        """A record by kind/id, or by a bare id that is unique across kinds. A renamed id returns its new
        record with a MovedRecordWarning; a removed one raises UnknownIdError with the reason."""
        if ref in self._records:
            return self._records[ref]
        if ref in self._known:
            return self._build(ref)
        stone = self.tombstones.get(ref)
        if stone is not None:
            if stone["status"] == "moved":
                import warnings

                warnings.warn(f"{ref} moved to {stone['redirect_to']}; use the new id", MovedRecordWarning, stacklevel=2)
                return self.record(stone["redirect_to"])
            raise UnknownIdError(f"{ref} was removed: {stone.get('reason', {}).get('en', '')}")
        hits = [full for full in self._refs if full.partition("/")[2] == ref]
        if len(hits) == 1:
            return self.record(hits[0])
        if hits:
            raise UnknownIdError(f"id {ref!r} is used by several kinds: {', '.join(hits)}; write kind/id")
        import difflib

        close = difflib.get_close_matches(ref, list(self._refs), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownIdError(f"no record {ref!r}{hint}")

    def __iter__(self) -> Iterator[Record]:
        return (self.record(ref) for ref in self._refs)

    def __len__(self) -> int:
        return len(self._refs)

    @property
    def parameters(self) -> Mapping[str, Mapping[str, Any]]:
        if self._parameters is None:
            self._parameters = self.vocab.get("parameters", {})
        return self._parameters

    def identifiers(self, fmt: str) -> frozenset[str]:
        if fmt not in self._identifiers:
            data = self.vocab.get("identifiers", {})
            names = set(data.get(fmt, ()))
            names.update(e["name"] for e in data.get("extra", ()) if e.get("format") == fmt)
            self._identifiers[fmt] = frozenset(names)
        return self._identifiers[fmt]

    def describe(self, rule: Rule, lang: str = "en") -> str:
        """A rule's condition as a sentence in `lang`."""
        from .render import render_condition

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
    """A knowledge base from an export file, or the packaged export (read per kind) when no path is given."""
    if path is None:
        return KnowledgeBase(PerKind())
    from .data import read_export

    return KnowledgeBase(Whole(read_export(path), str(path)))
