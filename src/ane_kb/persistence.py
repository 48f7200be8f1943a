"""The persistence policy (contract §2): a restriction holds on newer engines until an observation lifts it.

Evidence is the record's own `observed_on`: each observation names chips (or a span of generations) and an
outcome, `restricted` or `runs-on-ane` (a lift). For a target generation the policy says one of:

- `observed`: the restriction was seen on the target's generation, or on generations both older and newer;
- `assumed`: the target is newer than every generation it was seen on, and nothing lifts it: it keeps its
  normal severity, and the finding says it is assumed to hold on newer engines;
- `between`: the target lies between the last generation it was seen on and the first it was seen lifted
  (or both were seen on the target's generation): a warning;
- `lifted`: an observation at or below the target's generation saw the op on the ANE, and no later one saw
  the restriction again: no finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from .records import Chip, Observation, Rule


class Chips(Protocol):
    """Chips by ref (a mapping, or the knowledge base's chip collection)."""

    def __contains__(self, ref: object) -> bool: ...

    def __getitem__(self, ref: str) -> Chip: ...

STATES = ("observed", "assumed", "between", "lifted")


class Span(NamedTuple):
    """Generations one observation covers, and what it names them by (chip refs, or none for a bare span)."""

    low: int
    high: int
    chips: tuple[str, ...]


class Persistence(NamedTuple):
    state: str
    restricted: tuple[Span, ...] = ()
    lifts: tuple[Span, ...] = ()

    @property
    def lifted(self) -> bool:
        return self.state == "lifted"


def is_restriction(rule: Rule) -> bool:
    """Rules that say an op is kept off the ANE (or loses precision there); a rule about ops running on the
    ANE states no restriction to persist."""
    effect = getattr(rule, "effect", None)
    return effect is None or effect.kind != "runs-on-ane"


def spans(observations: tuple[Observation, ...], chips: Chips) -> tuple[list[Span], list[Span]]:
    """(restricted, lifts): each observation's generations; observations that name neither are left out."""
    restricted: list[Span] = []
    lifts: list[Span] = []
    for obs in observations:
        gens = [chips[c].ane.generation for c in obs.chips if c in chips and chips[c].ane is not None]  # type: ignore[union-attr]
        low, high = obs.ane_generation
        if gens:
            found = [Span(g, g, tuple(c for c in obs.chips if c in chips and chips[c].ane is not None
                                      and chips[c].ane.generation == g)) for g in sorted(set(gens))]  # type: ignore[union-attr]
        elif high is not None:
            found = [Span(low or 1, high, ())]
        else:
            continue
        (lifts if obs.lifts else restricted).extend(found)
    return restricted, lifts


def assess(rule: Rule, generation: int, chips: Chips) -> Persistence | None:
    """The policy's answer for a target of `generation`, or None when the record gives no generation evidence."""
    if not is_restriction(rule):
        return None
    restricted, lifts = spans(rule.observed_on, chips)
    if not restricted and not lifts:
        return None
    seen = (tuple(restricted), tuple(lifts))
    seen_below = [min(s.high, generation) for s in restricted if s.low <= generation]
    lifted_below = [s.low for s in lifts if s.low <= generation]
    last_seen = max(seen_below, default=None)
    last_lift = max(lifted_below, default=None)
    if last_lift is not None and (last_seen is None or last_lift > last_seen):
        return Persistence("lifted", *seen)
    if last_lift is not None and last_lift == last_seen:
        return Persistence("between", *seen)
    if last_seen is None or last_seen == generation or any(s.low > generation for s in restricted):
        return Persistence("observed", *seen)
    if any(s.low > generation for s in lifts):
        return Persistence("between", *seen)
    return Persistence("assumed", *seen)


def names(found: tuple[Span, ...], chips: Chips, labels: Mapping[str, Mapping[str, Mapping[str, str]]],
          lang: str = "en") -> str:
    """The chips (or generation spans) of some observations, oldest first, e.g. "A12, M4"."""
    zh = lang == "zh"
    out: list[str] = []
    for span in sorted(found):
        if span.chips:
            out += [chips[c].title.text(lang) for c in span.chips]
            continue
        high = labels.get(str(span.high), {}).get("label", {}).get(lang, str(span.high))
        if span.low <= 1:
            out.append(f"{high}及更早的神经引擎" if zh else f"engines up to the {high}")
        else:
            low = labels.get(str(span.low), {}).get("label", {}).get(lang, str(span.low))
            out.append(f"{low}至{high}的神经引擎" if zh else f"engines of the {low} to the {high}")
    return ("、" if zh else ", ").join(dict.fromkeys(out))
