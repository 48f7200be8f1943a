"""A device's looked-up facts (OS range, machine identifiers, model numbers, Apple's Chinese name) each name
their sources, are well formed, and identify one device only.

- every field present has an entry in `field_sources`, and each URL there is one of the record's sources;
  an entry for a field the record does not give is an error too (it cites nothing);
- a machine identifier has the prefix of its device type (`iPhone13,3` on an iPhone, `Mac14,2` or
  `MacBookAir10,1` on a Mac), a model number is `A` and four digits, and an OS range has min <= max;
- no machine identifier or model number appears on two devices (compared in any case), since
  `devices.lookup` resolves them to exactly one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..kb import Entry
from ..problems import Problem
from .context import Context

NAME = "device-fields"
FIELDS = ("os", "machine_ids", "model_numbers", "name_zh")
MACHINE_ID = re.compile(r"^([A-Za-z]+)([0-9]+),([0-9]+)$")
MODEL_NUMBER = re.compile(r"^A[0-9]{4}$")
VERSION = re.compile(r"^[0-9]+(\.[0-9]+){0,3}$")
PREFIXES = {
    "iphone": ("iPhone",),
    "ipad": ("iPad",),
    "ipod": ("iPod",),
    "mac": ("Mac", "MacBookPro", "MacBookAir", "Macmini", "iMac", "MacPro"),
    "watch": ("Watch",),
    "tv": ("AppleTV",),
    "vision": ("RealityDevice",),
    "speaker": ("AudioAccessory",),
    "dev-kit": ("ADP",),
}


def check(ctx: Context) -> Iterator[Problem]:
    owners: dict[tuple[str, str], tuple[Entry, tuple[Any, ...]]] = {}
    for entry in ctx.valid_records():
        if entry.kind != "device":
            continue
        data = entry.data
        yield from _sourced(entry, data)
        yield from _machine_ids(entry, data)
        yield from _model_numbers(entry, data)
        yield from _os(entry, data)
        for field in ("machine_ids", "model_numbers"):
            for index, code in enumerate(data.get(field) or []):
                if not isinstance(code, str):
                    continue
                key = (field, code.lower())
                if key in owners and owners[key][0] is not entry:
                    other = owners[key][0]
                    yield entry.problem(NAME, f"{code} is also given by {other.ref}: a {_label(field)} names one "
                                              f"device only", (field, index))
                else:
                    owners.setdefault(key, (entry, (field, index)))


def _label(field: str) -> str:
    return "machine identifier" if field == "machine_ids" else "model number"


def _sourced(entry: Entry, data: dict[str, Any]) -> Iterator[Problem]:
    given = data.get("field_sources") or {}
    cited = {s.get("url") for s in data.get("sources") or [] if isinstance(s, dict)}
    for field in FIELDS:
        if field in data and not given.get(field):
            yield entry.problem(NAME, f"`{field}` has no source: list the URLs that state it under "
                                      f"field_sources.{field} (each one of the record's sources), or leave the "
                                      f"field out", (field,), key=True)
    for field, urls in given.items():
        if field not in data:
            yield entry.problem(NAME, f"field_sources.{field} cites sources for a field this record does not give",
                                ("field_sources", field), key=True)
        for index, url in enumerate(urls or []):
            if url not in cited:
                yield entry.problem(NAME, f"{url} is not one of this record's sources: add it to `sources`",
                                    ("field_sources", field, index))


def _machine_ids(entry: Entry, data: dict[str, Any]) -> Iterator[Problem]:
    allowed = PREFIXES.get(str(data.get("device_type")), ())
    for index, code in enumerate(data.get("machine_ids") or []):
        match = MACHINE_ID.match(code) if isinstance(code, str) else None
        if match is None:
            yield entry.problem(NAME, f"{code!r} is not a machine identifier (a prefix, a number, a comma and a "
                                      f"number: iPhone13,3)", ("machine_ids", index))
        elif allowed and match.group(1) not in allowed:
            yield entry.problem(NAME, f"{code} does not fit a device of type {data.get('device_type')} (expected "
                                      f"a prefix of {', '.join(allowed)})", ("machine_ids", index))


def _model_numbers(entry: Entry, data: dict[str, Any]) -> Iterator[Problem]:
    for index, code in enumerate(data.get("model_numbers") or []):
        if not isinstance(code, str) or not MODEL_NUMBER.match(code):
            yield entry.problem(NAME, f"{code!r} is not a model number (A and four digits: A2341)",
                                ("model_numbers", index))


def _os(entry: Entry, data: dict[str, Any]) -> Iterator[Problem]:
    for platform, span in (data.get("os") or {}).items():
        if not isinstance(span, dict):
            continue
        low, high = span.get("min"), span.get("max")
        if all(isinstance(v, str) and VERSION.match(v) for v in (low, high)) and _key(low)[:len(_key(high))] > _key(high):
            yield entry.problem(NAME, f"os.{platform}: min {low} is newer than max {high}", ("os", platform))


def _key(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)
