"""OS targets such as ios17.4 or macos15, and version comparison."""

from __future__ import annotations

import re
from collections.abc import Mapping

PLATFORMS = ("ios", "ipados", "macos", "watchos", "tvos", "visionos")
_TARGET = re.compile(r"^\s*(ios|ipados|macos|watchos|tvos|visionos)\s*([0-9]+(?:\.[0-9]+){0,3})\s*$", re.I)


def parse_os(target: str) -> tuple[str, str]:
    """('ios', '17.4') from 'ios17.4' or 'iOS 17.4'. Raises ValueError with the accepted form."""
    match = _TARGET.match(target) if isinstance(target, str) else None
    if not match:
        raise ValueError(f"unknown OS target {target!r}; write a platform and a version, e.g. ios17.4 or macos15 "
                         f"(platforms: {', '.join(PLATFORMS)})")
    return match.group(1).lower(), match.group(2)


def version_key(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def in_range(version: str, low: str | None, high: str | None) -> bool:
    """Whether `version` lies within [low, high]; a bound names a whole release line (17 covers 17.x)."""
    key = version_key(version)
    if low is not None and key < version_key(low):
        return False
    if high is not None:
        bound = version_key(high)
        if key[:len(bound)] > bound:
            return False
    return True



def ranges_meet(rule: Mapping[str, tuple[str | None, str | None]],
                target: Mapping[str, tuple[str | None, str | None]]) -> bool:
    """Whether a rule's OS ranges meet a target's (a device's supported range), per platform both name.

    A rule that names none of the target's platforms is not excluded (contracts §2); where they share
    platforms, the rule applies when any shared platform's ranges intersect. A high bound names a whole
    release line (17 covers 17.x)."""
    shared = [p for p in target if p in rule]
    if not rule or not shared:
        return True
    return any(_overlap(rule[p], target[p]) for p in shared)


def _overlap(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> bool:
    return _at_most(a[0], b[1]) and _at_most(b[0], a[1])


def _at_most(low: str | None, high: str | None) -> bool:
    """low <= high, where the high bound covers its whole release line."""
    if low is None or high is None:
        return True
    bound = version_key(high)
    return version_key(low)[:len(bound)] <= bound
