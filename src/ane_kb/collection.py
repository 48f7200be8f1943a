"""A read-only collection of records of one kind, with look-ups and filters."""

from __future__ import annotations

from .errors import MovedRecordWarning, UnknownIdError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any, Generic, TypeVar

    from .records import Record

    R = TypeVar("R", bound="Record")
    Stones = Mapping[str, Mapping[str, Any]]

    class _Generic(Generic[R]):
        pass
else:
    R = None

    class _Generic:
        """Stands in for typing.Generic at run time, so that importing the package does not import typing."""

        def __class_getitem__(cls, item):
            return cls

CONFIDENCE = ("confirmed", "likely", "speculative", "anecdotal", "disputed")
FORMATS = ("neuralnetwork", "mlprogram", "coreai")


class Collection(_Generic[R]):
    """Records of one kind in a stable order (by id). Index by id or by kind/id.

    Records are built from the export when first touched (`make`), so counting or looking up one record
    does not build all of them."""

    def __init__(self, kind: str, ids: Iterable[str], make: Callable[[str], Any],
                 tombstones: Stones | Callable[[], Stones] | None = None,
                 redirect: Callable[[str], Any] | None = None) -> None:
        self.kind = kind
        self._ids = sorted(ids)
        self._known = frozenset(self._ids)
        self._make = make
        self._stones = tombstones
        self._own_stones: dict[str, Mapping[str, Any]] | None = None
        self._redirect = redirect

    @property
    def _tombstones(self) -> dict[str, Mapping[str, Any]]:
        """This kind's tombstones by id, read on the first look-up of an id that is not there."""
        if self._own_stones is None:
            stones = self._stones() if callable(self._stones) else self._stones
            self._own_stones = {ref.split("/", 1)[1]: stone for ref, stone in (stones or {}).items()
                                if ref.startswith(self.kind + "/")}
        return self._own_stones

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[R]:
        make = self._make
        return (make(f"{self.kind}/{record_id}") for record_id in self._ids)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._key(key) in self._known

    def __repr__(self) -> str:
        return f"<Collection {self.kind}: {len(self)} records>"

    def _key(self, key: str) -> str:
        return key.split("/", 1)[1] if key.startswith(self.kind + "/") else key

    def __getitem__(self, key: str) -> R:
        item = self.get(key)
        stone = self._tombstones.get(self._key(key)) if item is None else None
        if stone is not None and stone.get("status") == "removed":
            raise UnknownIdError(f"{self.kind} record {key!r} was removed: {stone.get('reason', {}).get('en', '')}")
        if item is None:
            import difflib

            close = difflib.get_close_matches(self._key(key), self._ids, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UnknownIdError(f"no {self.kind} record {key!r}{hint}")
        return item

    def get(self, key: str, default: R | None = None) -> R | None:
        """The record with this id, or `default`. A renamed id returns its new record with a MovedRecordWarning."""
        if not isinstance(key, str):
            raise TypeError(f"a record id is a string, not {type(key).__name__}")
        record_id = self._key(key)
        found: R | None = self._make(f"{self.kind}/{record_id}") if record_id in self._known else None
        if found is None:
            stone = self._tombstones.get(record_id)
            if stone is not None and stone.get("status") == "moved" and self._redirect is not None:
                import warnings

                target = stone["redirect_to"]
                warnings.warn(f"{self.kind}/{self._key(key)} moved to {target}; use the new id",
                              MovedRecordWarning, stacklevel=3)
                moved: R = self._redirect(target)
                return moved
        return found if found is not None else default

    def ids(self) -> list[str]:
        return list(self._ids)

    def filter(self, *, confidence: str | None = None, tag: str | None = None, format: str | None = None,
               identifier: str | None = None) -> list[R]:
        """Records matching every filter given. Unknown confidence levels or formats raise ValueError."""
        tests: list[Callable[[R], bool]] = []
        if confidence is not None:
            _choose("confidence", confidence, CONFIDENCE)
            tests.append(lambda rec: rec.confidence == confidence)
        if tag is not None:
            tests.append(lambda rec: tag in rec.tags)
        if format is not None:
            _choose("format", format, FORMATS)
            tests.append(lambda rec: hasattr(rec, "formats") and format in rec.formats())
        if identifier is not None:
            tests.append(lambda rec: any(identifier in ops for ops in getattr(rec, "identifiers", {}).values()))
        return [rec for rec in self if all(test(rec) for test in tests)]


def _choose(what: str, value: str, valid: tuple[str, ...]) -> None:
    if value not in valid:
        raise ValueError(f"unknown {what} {value!r}; choose one of: {', '.join(valid)}")
