"""Which rules match a layer or op, or a whole model, for a target chip and OS."""

from __future__ import annotations

from .collection import FORMATS, Collection

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from .conditions import Evaluator
    from .knowledge import KnowledgeBase
    from .match import Match as Match
    from .persistence import Persistence
    from .records import Chip, Rule

    OsRanges = Mapping[str, tuple[str | None, str | None]]


def __getattr__(name: str) -> Any:
    # Match lives in its own module, imported with the first match, so counting rules stays cheap.
    if name == "Match":
        from .match import Match

        return Match
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class RuleCollection(Collection["Rule"]):
    """Rules with look-ups by op and parameters."""

    def __init__(self, kind: str, ids: list[str], kb: KnowledgeBase,
                 tombstones: Mapping[str, Mapping[str, Any]] | Callable[[], Mapping[str, Mapping[str, Any]]] | None = None,
                 ) -> None:
        super().__init__(kind, ids, kb.record, tombstones, kb.record)
        self._kb = kb
        self._candidates: dict[tuple[str, str, str | None, bool], list[Rule]] = {}
        self._valid: dict[str, frozenset[str]] = {}
        self._evaluators: dict[str, Evaluator] = {}
        self._persisted: dict[tuple[str, int], Persistence | None] = {}

    def matching(self, *, format: str, op: str, params: Mapping[str, Any] | None = None,
                 chip: str | None = None, os: str | None = None, named_only: bool = False,
                 include_lifted: bool = False, os_ranges: OsRanges | None = None) -> list[Match]:
        """Op-level rules about `op` in `format` whose condition holds or is unknown for `params`.

        A rule that names no op applies to every op; with `named_only=True` only rules naming `op` count.
        A restriction observed lifted at or below `chip`'s generation is left out unless `include_lifted`.
        Without `os`, `os_ranges` (a device's supported range, {platform: (min, max)}) filters instead:
        a rule applies when its OS range intersects it (contracts §2)."""
        self._check_format(format)
        self._check_op(format, op)
        return self._match("op", format, op, params or {}, chip, os, named_only, include_lifted=include_lifted,
                           os_ranges=os_ranges)

    def matching_extracted(self, *, format: str, op: str, params: Mapping[str, Any], chip: str | None = None,
                           os: str | None = None, named_only: bool = False, include_lifted: bool = False,
                           os_ranges: OsRanges | None = None) -> list[Match]:
        """`matching` for callers whose values come from the vocabulary's own extractors (the checker):
        the op may be one no rule knows, and the values are not validated again."""
        if op not in self._kb.identifiers(format):
            return []
        return self._match("op", format, op, params, chip, os, named_only, validate=False, include_lifted=include_lifted,
                           os_ranges=os_ranges)

    def matching_model(self, *, format: str, params: Mapping[str, Any] | None = None,
                       chip: str | None = None, os: str | None = None, include_lifted: bool = False,
                       os_ranges: OsRanges | None = None) -> list[Match]:
        """Model-level rules whose condition holds or is unknown for the model parameters (`os_ranges` as in
        `matching`)."""
        self._check_format(format)
        return self._match("model", format, None, params or {}, chip, os, include_lifted=include_lifted,
                           os_ranges=os_ranges)

    def _rules_for(self, scope: str, fmt: str, op: str | None, named_only: bool) -> list[Rule]:
        """The rules that could match, computed once per (scope, format, op)."""
        key = (scope, fmt, op, named_only)
        if key not in self._candidates:
            self._candidates[key] = [
                rule for rule in self
                if rule.scope == scope and fmt in rule.formats() and checkable(rule)
                and (op is None or (op in rule.identifiers.get(fmt, ()) if rule.identifiers else not named_only))]
        return self._candidates[key]

    def _compiled(self, rule: Rule) -> Evaluator:
        from .conditions import compile_condition

        if rule.ref not in self._evaluators:
            self._evaluators[rule.ref] = compile_condition(rule.condition)
        return self._evaluators[rule.ref]

    def parameters_for(self, fmt: str, op: str, named_only: bool = False) -> frozenset[str]:
        """The parameters the conditions of the rules that could match `op` read."""
        from .conditions import leaves

        return frozenset(leaf["param"] for rule in self._rules_for("op", fmt, op, named_only)
                         for leaf in leaves(rule.condition))

    def _match(self, scope: str, fmt: str, op: str | None, params: Mapping[str, Any], chip: str | None,
               os: str | None, named_only: bool = False, validate: bool = True, include_lifted: bool = False,
               os_ranges: OsRanges | None = None) -> list[Match]:
        from .match import Match
        from .platforms import parse_os, ranges_meet

        if validate:
            self._check_params(scope, params)
        target_chip = self._kb.chip_for(chip) if chip is not None else None
        target_os = parse_os(os) if os is not None else None
        found = []
        for rule in self._rules_for(scope, fmt, op, named_only):
            persistence = self._persistence(rule, target_chip)
            lifted = persistence is not None and persistence.lifted
            if lifted and not include_lifted:
                continue
            if target_chip is not None and not lifted and not applies_to_chip(rule, target_chip):
                continue
            os_note, os_ok = _os_fit(rule, target_os)
            if not os_ok or (target_os is None and os_ranges and not ranges_meet(rule.applies_to.os, os_ranges)):
                continue
            outcome = self._compiled(rule)(params)
            if outcome.value is not False:
                found.append(Match(rule, outcome, os_note, persistence))
        return found

    def _persistence(self, rule: Rule, chip: Chip | None) -> Persistence | None:
        """The persistence policy for a chip the rule is not limited away from by its chip list."""
        if chip is None or chip.ane is None or (rule.applies_to.chips and chip.ref not in rule.applies_to.chips):
            return None
        key = (rule.ref, chip.ane.generation)
        if key not in self._persisted:
            from .persistence import assess

            self._persisted[key] = assess(rule, chip.ane.generation, self._kb.chips)
        return self._persisted[key]

    def _check_format(self, fmt: str) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")

    def _check_op(self, fmt: str, op: str) -> None:
        known = self._kb.identifiers(fmt)
        if op not in known:
            import difflib

            close = difflib.get_close_matches(op, sorted(known), n=5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ValueError(f"unknown {fmt} op {op!r}{hint}")

    def _check_params(self, scope: str, params: Mapping[str, Any]) -> None:
        from .conditions import fits_type

        vocab = self._kb.parameters
        if scope not in self._valid:
            self._valid[scope] = frozenset(n for n, p in vocab.items() if p.get("scope", "op") == scope)
        valid = self._valid[scope]
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"unknown {scope} parameter {name!r}; valid: {', '.join(sorted(valid))}")
            if value is not None and not fits_type(vocab[name]["type"], value):
                raise TypeError(f"parameter {name!r} takes {vocab[name]['type']}, not {value!r}")


def checkable(rule: Rule) -> bool:
    """Whether a rule says something about particular ops or models. A rule with no condition and, at op
    level, no identifiers states a general fact: it is documentation, and matches nothing."""
    if rule.scope == "model":
        return rule.condition is not None
    return rule.condition is not None or bool(rule.identifiers)


def applies_to_chip(rule: Rule, chip: Chip) -> bool:
    applies = rule.applies_to
    if applies.chips and chip.ref not in applies.chips:
        return False
    low, high = applies.ane_generation
    if low is None and high is None:
        return True
    if chip.ane is None:
        return False
    return (low is None or chip.ane.generation >= low) and (high is None or chip.ane.generation <= high)


def _os_fit(rule: Rule, target: tuple[str, str] | None) -> tuple[str | None, bool]:
    """(note, applies): with no target OS nothing filters; an unnamed platform applies with a note."""
    ranges = rule.applies_to.os
    if target is None or not ranges:
        return None, True
    from .platforms import in_range

    platform, version = target
    if platform not in ranges:
        return f"this rule names OS ranges only for {', '.join(sorted(ranges))}; for {platform} its range is unknown", True
    low, high = ranges[platform]
    return None, in_range(version, low, high)
