"""Typed, frozen records built from the export."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .langs import check_lang

Lang = Literal["en", "zh"]


@dataclass(frozen=True)
class Text:
    """The same text in English and Chinese."""

    en: str
    zh: str

    def text(self, lang: str = "en") -> str:
        return self.en if check_lang(lang) == "en" else self.zh

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True)
class Source:
    url: str
    title: str
    kind: str
    accessed: str
    note: Text | None = None


@dataclass(frozen=True)
class Dispute:
    claim: Text
    sources: tuple[Source, ...]
    observed_on: tuple[Observation, ...] = ()


@dataclass(frozen=True)
class Observation:
    """What a source measured on. `outcome` is `restricted` (the restriction was seen) or `runs-on-ane` (the op
    was seen on the ANE: a lift); `ane_generation` is the span of engines a source covered without naming a chip."""

    chips: tuple[str, ...] = ()
    os: Mapping[str, str] = field(default_factory=dict)
    tools: Mapping[str, str] = field(default_factory=dict)
    date: str | None = None
    source: str | None = None
    note: Text | None = None
    outcome: str = "restricted"
    ane_generation: tuple[int | None, int | None] = (None, None)

    @property
    def lifts(self) -> bool:
        return self.outcome == "runs-on-ane"


@dataclass(frozen=True)
class Applicability:
    """Where a rule applies. Empty means everywhere."""

    chips: tuple[str, ...] = ()
    ane_generation: tuple[int | None, int | None] = (None, None)
    os: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)
    formats: tuple[str, ...] = ()
    framework: str | None = None


@dataclass(frozen=True)
class Effect:
    kind: str
    to: tuple[str, ...] = ()
    whole_model: bool = False


@dataclass(frozen=True)
class Example:
    format: str
    params: Mapping[str, Any]
    expect: str
    op: str | None = None
    input_shapes: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    note: Text | None = None


@dataclass(frozen=True)
class PeakOps:
    value: float
    unit: str
    basis: str
    sources: tuple[Source, ...]
    note: Text | None = None
    evidence: str | None = None
    """`inferred` when no cited source states the value; None when the sources state it."""


@dataclass(frozen=True)
class Ane:
    cores: int
    generation: int
    coreml_usable: bool
    instances: int | None = None
    compile_target: str | None = None
    coreml_usable_from: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Record:
    """Fields every record has. `related` resolves lazily through the knowledge base."""

    ref: str
    id: str
    kind: str
    title: Text
    summary: Text
    confidence: str
    sources: tuple[Source, ...]
    body: Text | None = None
    tags: tuple[str, ...] = ()
    related_refs: tuple[str, ...] = ()
    updated: str | None = None
    disputes: tuple[Dispute, ...] = ()
    open_questions: tuple[Text, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    _resolve: Callable[[str], Record] | None = field(default=None, repr=False, compare=False)
    _site_url: str = field(default="", repr=False, compare=False)

    @property
    def related(self) -> tuple[Record, ...]:
        resolve = self._resolve
        return tuple(resolve(ref) for ref in self.related_refs) if resolve else ()

    def url(self, lang: str = "en") -> str:
        """This record's page on the site: {site_url}/{kind}/{id}/, under /zh/ in Chinese."""
        prefix = "" if check_lang(lang) == "en" else "/zh"
        return f"{self._site_url}{prefix}/{self.kind}/{self.id}/"

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {self.ref} ({self.confidence})>"


@dataclass(frozen=True, eq=False, repr=False)
class Chip(Record):
    family: str = ""
    year: int | None = None
    has_ane: bool = False
    ane: Ane | None = None
    peak_ops: tuple[PeakOps, ...] = ()
    same_engine_as: tuple[tuple[str, str], ...] = ()

    @property
    def coreml_can_use_ane(self) -> bool:
        return self.ane is not None and self.ane.coreml_usable


@dataclass(frozen=True, eq=False, repr=False)
class Device(Record):
    name: str = ""
    aliases: tuple[str, ...] = ()
    year: int = 0
    device_type: str = ""
    chip_refs: tuple[str, ...] = ()
    has_ane: bool = False
    runs_third_party_coreml: bool = True
    os: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)
    """Supported OS releases per platform, (min, max), inclusive; None where the record gives no bound."""
    machine_ids: tuple[str, ...] = ()
    """What `hw.machine` reports on the device (iPhone13,3, Mac14,2)."""
    model_numbers: tuple[str, ...] = ()
    """Apple's regulatory model numbers (A2341)."""
    name_zh: str | None = None
    """Apple's Chinese product name, where a source gives it."""
    field_sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """For each of the fields above that the record gives, the URLs of the sources that state it."""

    @property
    def chips(self) -> tuple[Chip, ...]:
        resolve = self._resolve
        return tuple(resolve(ref) for ref in self.chip_refs) if resolve else ()  # type: ignore[misc]


@dataclass(frozen=True, eq=False, repr=False)
class Rule(Record):
    """A layer rule, or a precision record's checkable part (the same fields)."""

    scope: str = "op"
    family: str | None = None
    identifiers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    condition: Mapping[str, Any] | None = None
    effect: Effect | None = None
    applies_to: Applicability = field(default_factory=Applicability)
    observed_on: tuple[Observation, ...] = ()
    workaround: Text | None = None
    examples: tuple[Example, ...] = ()

    def formats(self) -> tuple[str, ...]:
        return self.applies_to.formats or tuple(self.identifiers) or ("neuralnetwork", "mlprogram")


@dataclass(frozen=True, eq=False, repr=False)
class Precision(Rule):
    compute_unit: str = "any"
    storage_precision: str | None = None
    compute_precision: str | None = None
    thresholds: tuple[tuple[str, float, str | None, Text], ...] = ()
    symptoms: tuple[Text, ...] = ()
    severity: str | None = None


@dataclass(frozen=True, eq=False, repr=False)
class Anecdote(Record):
    observed_on: tuple[Observation, ...] = ()
    reported: str | None = None


@dataclass(frozen=True, eq=False, repr=False)
class HowTo(Record):
    topic: str = ""
    steps: tuple[Text, ...] = ()
    applies_to: Applicability = field(default_factory=Applicability)
