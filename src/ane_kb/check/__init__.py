"""ane-kb check: which layers of a Core ML model likely keep it off the Neural Engine, and why.

    >>> from ane_kb.check import check_model          # doctest: +SKIP
    >>> report = check_model("model.mlpackage", device="iPhone 12 Pro", os="ios17.4")

Reading a model needs the Core ML spec modules that coremltools ships (`pip install 'ane-kb[check]'`);
they are loaded without coremltools' start-up. All rule logic lives in `ane_kb.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from .. import __version__, default
from ..errors import AmbiguousNameError, UnknownIdError
from ..knowledge import KnowledgeBase
from ..platforms import parse_os
from ..records import Chip
from .printable import shown_path
from .report import Finding, ModelReport, Report, Summary
from .runner import Checker, Target

__all__ = ["Finding", "ModelReport", "Report", "Summary", "Target", "TargetError", "check_model", "check_models",
           "resolve_target"]


class TargetError(ValueError):
    """An unknown or ambiguous --device, or a malformed --os; the message lists the choices."""


def resolve_target(kb: KnowledgeBase, device: str | None = None, os: str | None = None) -> Target:
    if os is not None:
        try:
            parse_os(os)
        except ValueError as exc:
            raise TargetError(str(exc)) from None
    if device is None:
        return Target(os=os)
    chip = _chip(kb, device)
    if chip is not None:
        return Target(chips=(chip,), os=os, label=chip.title.en)
    try:
        found = kb.devices.lookup(device)
    except AmbiguousNameError as exc:
        raise TargetError(f"--device {device!r} is ambiguous; candidates: {', '.join(exc.candidates)}") from None
    except (UnknownIdError, ValueError) as exc:
        raise TargetError(f"--device: {exc}") from None
    return Target(chips=found.chips, device=found, os=os, label=f"{found.name} ({found.year})")


def _chip(kb: KnowledgeBase, name: str) -> Chip | None:
    """The chip a --device names by id or title, in any case: "a14", "A14", "chip/A14", "M4 Pro", "A14 Bionic"."""
    key = " ".join(name.lower().split())
    chip = kb.chips.get(key.replace(" ", "-"))
    if chip is not None:
        return chip
    titled = [c for c in kb.chips if key in {" ".join(c.title.en.lower().split()), " ".join(c.title.zh.lower().split())}]
    return titled[0] if len(titled) == 1 else None


def check_model(path: str | Path, device: str | None = None, os: str | None = None, *, lang: str = "en",
                ignore: Iterable[str] = (), kb: KnowledgeBase | None = None, verbose: bool = False) -> ModelReport:
    """Check one model for a target device (or chip) and OS. Raises TargetError for a bad target.

    With `verbose`, every op a rule could not be checked for gets its own note instead of one per rule,
    and restrictions lifted on the target's engine are reported as information."""
    kb = kb or default()
    checker = Checker(kb, resolve_target(kb, device, os), lang, ignore, verbose)
    return checker.check(Path(path), shown_path(str(path)))


def check_models(paths: Sequence[str | Path], device: str | None = None, os: str | None = None, *, lang: str = "en",
                 ignore: Iterable[str] = (), kb: KnowledgeBase | None = None, verbose: bool = False) -> Report:
    kb = kb or default()
    checker = Checker(kb, resolve_target(kb, device, os), lang, ignore, verbose)
    models = [checker.check(Path(p), shown_path(str(p))) for p in paths]
    return Report({"name": "ane-kb", "version": __version__, "data_version": kb.data_version}, models)
