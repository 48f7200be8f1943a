"""Check one model: read it, extract every op's parameters, apply the knowledge base's rules."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..conditions import leaves
from ..knowledge import KnowledgeBase
from ..matching import Match
from ..persistence import names
from ..platforms import in_range, parse_os
from ..records import Chip, Device, Precision, Rule
from . import extract, families
from .graph import Node, release
from .isolation import debugging, internal_error
from .precision_scan import PrecisionScan
from .properties import ModelProperties
from .proto import ProtoUnavailable
from .readers import LoadedModel, ModelInputError, read_model
from .report import Finding, ModelReport, Summary, finding_for
from .severity import moves_op_off_ane, severity
from .stages import Stage, stage_message
from .verdict import decide
from .weight_use import user_of

CLASSICAL_RULE = "layer-rule/classical-pipeline-stages"


@dataclass
class Target:
    """What the model is checked for: a device or chip (or neither), and an OS."""

    chips: tuple[Chip, ...] = ()
    device: Device | None = None
    os: str | None = None
    label: str = ""


@dataclass
class _Hit:
    match: Match
    chips: list[str] = field(default_factory=list)


class Checker:
    def __init__(self, kb: KnowledgeBase, target: Target, lang: str = "en", ignore: Iterable[str] = (),
                 verbose: bool = False) -> None:
        self.kb, self.target, self.lang, self.verbose = kb, target, lang, verbose
        self.ignore = {self._ref(r) for r in ignore}
        self.covered = {(fmt, op) for rule in [*kb.rules, *kb.precision] for fmt, ops in rule.identifiers.items()
                        for op in ops}
        self._match_cache: dict[tuple[str, str, bool, str], list[_Hit]] = {}
        self._stages: dict[tuple[str, str, bool], tuple[frozenset[str], frozenset[str], bool]] = {}
        self._typed_cache: dict[tuple[Any, ...], tuple[dict[str, Any], str | None, list[_Hit]]] = {}
        self._checked = 0
        # With --device and no --os, the target OS range is the device's supported range (contracts §2).
        self._os_ranges = target.device.os if target.device is not None and target.os is None else None

    def _ref(self, name: str) -> str:
        return self.kb.record(name).ref

    def check(self, path: Path, shown: str) -> ModelReport:
        """The report for one model. It never raises for the model's sake: bad input, and any unexpected
        failure while checking it (contracts §6, isolation), become the report's `error`."""
        with _collector_paused(first=not self._checked):
            self._checked += 1
            return self._checked_report(path, shown)

    def _checked_report(self, path: Path, shown: str) -> ModelReport:
        try:
            return self._check(path, shown)
        except ModelInputError as exc:
            return ModelReport(shown, "other", error=exc.text(self.lang), verdict="unknown")
        except ProtoUnavailable:
            raise
        except Exception as exc:
            if debugging():
                raise
            return ModelReport(shown, "other", error=internal_error(exc, self.lang, self._issues()), verdict="unknown")

    def _issues(self) -> str:
        repo = str(self.kb.meta.get("settings", {}).get("repo_url", "")).rstrip("/")
        return f"{repo}/issues" if repo.startswith("https://") else ""

    def _check(self, path: Path, shown: str) -> ModelReport:
        loaded = read_model(path)
        report = ModelReport(shown, loaded.kind(), message=loaded.note(self.lang))
        formats = loaded.formats()
        if not formats:
            report.verdict = "not-applicable"
            report.message = self._not_applicable(loaded.spec)
            return report
        everything = loaded.nodes()
        try:
            return self._checked_graph(loaded, report, everything, formats)
        finally:
            release(everything)

    def _checked_graph(self, loaded: LoadedModel, report: ModelReport, everything: list[Node],
                       formats: list[str]) -> ModelReport:
        nodes = [n for n in everything if not n.is_const]
        props = ModelProperties(loaded.spec, nodes, loaded.weights_dir, loaded.properties)
        consts = [n for n in everything if n.is_const]
        by_user = self._const_findings(consts, props)
        findings, unknown_ops, flagged, off_nodes = self._op_findings(nodes, props, by_user)
        findings += [finding for finding, _ in by_user.get(None, [])]
        findings += PrecisionScan(self.kb, self.lang).run(nodes, consts, loaded.weights_dir, loaded.unscanned_weights)
        props.fallback_op_count = len(off_nodes)
        findings += self._model_findings(formats, props)
        findings += self._summary(unknown_ops, unknown=True)
        findings += self._classical_findings(loaded.classical_stages())
        findings += self._target_findings()
        findings += self._os_findings(loaded.requires_os())
        report.findings = [f for f in findings if f.rule not in self.ignore]
        report.summary = Summary(layers=len(nodes), flagged=len(flagged),
                                 uncovered_ops=sorted({n.op for n in nodes if n.format != "stage" and (n.format, n.op) not in self.covered}
                                                     | set(loaded.notes)),
                                 ignored_rules=sorted(self.ignore))
        decide(report, nodes, off_nodes, self.kb, self.target)
        return report

    def _not_applicable(self, spec: Any) -> str:
        kind = spec.WhichOneof("Type") or "unknown"
        if kind in ("linkedModel", "customModel"):
            text = stage_message(Stage("", kind, kind, spec), self.lang)
            return text[0].upper() + text[1:] + ("。" if self.lang == "zh" else ".")
        if self.lang == "zh":
            return f"这是 `{kind}` 类型的模型，不是神经网络；神经引擎的问题不适用于它。"
        return f"This is a `{kind}` model, not a neural network, so the Neural Engine question does not apply."

    def _classical_findings(self, stages: list[Any]) -> list[Finding]:
        """One note per classical stage (a GLM, a tree ensemble ...) of a model that also holds a neural stage."""
        record = self.kb.record(CLASSICAL_RULE)
        out = []
        for stage in stages:
            out.append(finding_for(record, "info", stage_message(stage, self.lang), self.lang, fix=False,
                                   layer=stage.name, op=stage.type, path=stage.path))
        return out

    def _chips(self) -> list[str | None]:
        return [c.ref for c in self.target.chips] or [None]

    def _needed(self, node: Node, named_only: bool = False) -> frozenset[str]:
        """The parameters any rule that could match this op reads: only those are extracted (asked once per op type,
        by `_extracted`)."""
        if node.op not in self.kb.identifiers(node.format):
            return frozenset()
        return frozenset().union(*(collection.parameters_for(node.format, node.op, named_only)
                                   for collection in (self.kb.rules, self.kb.precision)))

    def _extracted(self, node: Node, props: ModelProperties, named_only: bool = False) -> tuple[dict[str, Any], list[_Hit]]:
        """An op's values and the rules they match. Values read from the op itself come first: when no rule can
        match with them (the others unknown), none can once the others are known, since a condition that is
        false with unknowns stays false, and the costly values derived from the graph around it are never read."""
        key = (node.format, node.op, named_only)
        stages = self._stages.get(key)
        if stages is None:
            needed = self._needed(node, named_only)
            costly = extract.costly(self.kb.parameters, node.format, node.op, needed)
            typed = extract.output_typed(self.kb.parameters, node.format, node.op, needed - costly)
            stages = self._stages[key] = (needed - costly, costly, typed)
        cheap, costly, typed = stages
        vocab = self.kb.parameters
        if typed:  # the op's own values follow from its output types: ops typed alike share them (constants do)
            types = (key, *map(node.scope.tensor, node.outputs))
            shared = self._typed_cache.get(types)
            if shared is None:
                read = extract.parameters(node, vocab, props, cheap)
                key_of_read = frozen(read)
                shared = self._typed_cache[types] = (read, key_of_read, self._matches(node, read, named_only, key_of_read))
            params, values, hits = shared
        else:
            params = extract.parameters(node, vocab, props, cheap)
            values = frozen(params)
            hits = self._matches(node, params, named_only, values)
        if not costly or not hits:
            return params, hits
        more = extract.parameters(node, vocab, props, costly)
        added = frozen(more)  # two keys in a row stay unambiguous: each is a whole dict's repr
        params = {**params, **more}
        return params, self._matches(node, params, named_only,
                                     values + added if values is not None and added is not None else None)

    def _matches(self, node: Node, params: dict[str, Any], named_only: bool, values: str | None) -> list[_Hit]:
        """The rules that match an op, `values` being the key of its extracted values (None: not cacheable). The
        outcome depends only on the op and those values (the target is fixed per checker), so ops that look alike,
        as the layers of a language model do, are matched once."""
        if values is None:
            return self._match_uncached(node, params, named_only)
        key = (node.format, node.op, named_only, values)
        if key not in self._match_cache:
            self._match_cache[key] = self._match_uncached(node, params, named_only)
        return self._match_cache[key]

    def _match_uncached(self, node: Node, params: dict[str, Any], named_only: bool) -> list[_Hit]:
        hits: dict[str, _Hit] = {}
        for chip in self._chips():
            for collection in (self.kb.rules, self.kb.precision):
                found = collection.matching_extracted(format=node.format, op=node.op, params=params, chip=chip,
                                                      os=self.target.os, os_ranges=self._os_ranges,
                                                      named_only=named_only,
                                                      include_lifted=self.verbose)
                for match in found:
                    _add(hits, match, chip)
        return list(hits.values())

    def _op_findings(self, nodes: list[Node], props: ModelProperties,
                     by_user: dict[int | None, list[tuple[Finding, Rule]]]) -> tuple[list[Finding], dict[str, list[Node]], set[int], set[int]]:
        findings: list[Finding] = []
        unknown_ops: dict[str, list[Node]] = {}
        positive_ops: dict[str, list[Node]] = {}
        flagged: set[int] = set()
        off_nodes: set[int] = set()
        for index, node in enumerate(nodes):
            params, hits = self._extracted(node, props)
            found: list[tuple[Finding, Rule]] = []
            for hit in hits:
                match = hit.match
                if not match.certain and not match.fired:
                    if self.verbose:
                        findings.append(self._unknown_finding(match, node))
                    else:
                        unknown_ops.setdefault(match.rule.ref, []).append(node)
                    continue
                if match.certain and (_positive(match.rule) or _general_risk(match.rule)):
                    positive_ops.setdefault(match.rule.ref, []).append(node)
                    continue
                finding = self._finding(match, hit.chips, params, node)
                if finding.rule in self.ignore:
                    continue
                found.append((finding, match.rule))
                if finding.severity in ("error", "warning"):
                    flagged.add(index)
                    if finding.severity == "error" and moves_op_off_ane(match.rule):
                        off_nodes.add(index)
            if found or by_user:
                findings += families.merge(found + by_user.get(id(node), []), self.lang)
        findings += self._summary(positive_ops, unknown=False)
        return findings, unknown_ops, flagged, off_nodes

    def _const_findings(self, consts: list[Node], props: ModelProperties) -> dict[int | None, list[tuple[Finding, Rule]]]:
        """Constants are checked only against rules that name the `const` op itself. A finding names the op that uses
        the constant (contract §6), with the constants in `values.constants`: one finding per rule and op. They are
        keyed by the id of that op's node (None for a constant nothing uses)."""
        by_user: dict[int | None, list[tuple[Finding, Rule]]] = {}
        if not {(n.format, n.op) for n in consts} & self.covered:
            return by_user
        for node in consts:
            params, hits = self._extracted(node, props, named_only=True)
            user = user_of(node) if hits else None
            for hit in hits:
                if not hit.match.certain or hit.match.rule.ref in self.ignore:
                    continue
                found = by_user.setdefault(id(user) if user else None, [])
                same = next((f for f, rule in found if rule is hit.match.rule), None)
                if same is not None:
                    same.values["constants"].append(node.name)
                    continue
                finding = self._finding(hit.match, hit.chips, params, user or node)
                finding.values["constants"] = [node.name]
                found.append((finding, hit.match.rule))
        return by_user

    def _summary(self, ops_by_rule: dict[str, list[Node]], unknown: bool) -> list[Finding]:
        """One note per rule for many ops: rules saying ops run on the ANE and general precision risks of an op
        type (nothing about the particular op is evidence), or rules a value was missing for (unknown=True)."""
        out = []
        for ref, nodes in sorted(ops_by_rule.items()):
            rule = self.kb.record(ref)
            ops = ", ".join(sorted({n.op for n in nodes}))
            if unknown:
                message = (f"{rule.title.zh}：{len(nodes)} 个层或算子（{ops}）缺少判断所需的数据，无法检查" if self.lang == "zh"
                           else f"{rule.title.en}: could not be checked for {len(nodes)} layer(s) or op(s) ({ops})")
            else:
                message = (f"{rule.title.zh}：涉及 {len(nodes)} 个层或算子（{ops}）" if self.lang == "zh"
                           else f"{rule.title.en}: applies to {len(nodes)} layer(s) or op(s) ({ops})")
            clauses = sorted({f"{leaf['param']} is unknown" for leaf in leaves(getattr(rule, "condition", None))})
            out.append(finding_for(rule, "info", message, self.lang, fix=False, unknown=clauses if unknown else None))
        return out

    def _unknown_finding(self, match: Match, node: Node) -> Finding:
        """With --verbose: one note per op a rule could not be checked for, naming the missing values."""
        rule = match.rule
        message = (f"{rule.title.zh}：缺少判断所需的数据，无法检查" if self.lang == "zh"
                   else f"{rule.title.en}: could not be checked")
        return finding_for(rule, "info", message, self.lang, fix=False, unknown=list(match.unknown), layer=node.name,
                           op=node.op, path=node.path)

    def _finding(self, match: Match, chips: list[str], values: dict[str, Any], node: Node | None) -> Finding:
        rule = match.rule
        level = severity(rule, match.certain, match.persistence)
        used = {leaf["param"] for leaf in leaves(rule.condition)}
        shown = {k: v for k, v in values.items() if k in used}
        if node is not None:  # an op's values in the vocabulary's order, whatever order they were read in
            shown = extract.in_plan_order(self.kb.parameters, node.format, node.op, shown)
        message = self._message(rule, match, chips)
        return finding_for(rule, level, message, self.lang, values=shown, unknown=list(match.unknown),
                           layer=node.name if node else None, op=node.op if node else None, path=node.path if node else "",
                           source=node.source if node else None)

    def _message(self, rule: Rule, match: Match, chips: list[str]) -> str:
        zh = self.lang == "zh"
        text = rule.title.text(self.lang)
        if match.fired:
            text += ("：" if zh else ": ") + "; ".join(match.fired)
        if len(self.target.chips) > 1 and chips:
            names = ", ".join(self.kb.chips[c].title.text(self.lang) for c in chips)
            text += f"（适用于 {names}）" if zh else f" (holds for {names})"
        text += self._persistence_note(match)
        if match.os_note:
            text += f"; {match.os_note}"
        return text

    def _persistence_note(self, match: Match) -> str:
        """What the persistence policy concluded for the target, in words (contract §2)."""
        found = match.persistence
        if found is None or found.state == "observed":
            return ""
        zh, labels = self.lang == "zh", self.kb.vocab.get("ane_generations", {})
        seen = names(found.restricted, self.kb.chips, labels, self.lang)
        lifted = names(tuple(s for s in found.lifts), self.kb.chips, labels, self.lang)
        if found.state == "lifted":
            return f"：已在 {lifted} 上解除（该算子在那里运行于神经引擎）" if zh else f": lifted on {lifted} (the op ran on the ANE there)"
        if found.state == "between":
            return (f"；曾在 {seen} 上观察到，在 {lifted} 上已解除，目标介于两者之间，无法确定" if zh
                    else f"; observed on {seen}, lifted on {lifted}; this engine lies between them, so it may not hold")
        return f"；在 {seen} 上观察到；推定在更新的神经引擎上仍然成立" if zh else f"; observed on {seen}; assumed to hold on newer engines"

    def _model_findings(self, formats: list[str], props: ModelProperties) -> list[Finding]:
        params = {name: props(p["extract"]["model"]["property"]) for name, p in self.kb.parameters.items()
                  if p.get("scope") == "model" and "model" in p.get("extract", {})}
        params = {k: v for k, v in params.items() if v is not None}
        hits: dict[str, _Hit] = {}
        for fmt in formats:
            for chip in self._chips():
                for collection in (self.kb.rules, self.kb.precision):
                    for match in collection.matching_model(format=fmt, params=params, chip=chip, os=self.target.os,
                                                           os_ranges=self._os_ranges,
                                                           include_lifted=self.verbose):
                        if match.certain:
                            _add(hits, match, chip)
        return [self._finding(hit.match, hit.chips, params, None) for hit in hits.values()]

    def _target_findings(self) -> list[Finding]:
        out = []
        for chip in self.target.chips:
            usable = chip.coreml_can_use_ane
            if usable and not (self.target.device and not self.target.device.runs_third_party_coreml):
                continue
            record = self.target.device if (usable and self.target.device) else chip
            assert record is not None
            name = self.target.label or chip.title.text(self.lang)
            message = (f"Core ML 无法使用 {name} 的神经引擎：整个模型都会在 CPU 或 GPU 上运行" if self.lang == "zh"
                       else f"Core ML cannot use the Neural Engine of {name}: the whole model runs on the CPU or GPU")
            out.append(finding_for(record, "error", message, self.lang, fix=False))
            break
        return out

    def _target_os(self) -> list[tuple[str, str]]:
        """The newest OS the target runs, per platform: --os itself, or the top of the device's OS range."""
        if self.target.os is not None:
            return [parse_os(self.target.os)]
        ranges = self.target.device.os if self.target.device else {}
        return [(platform, top) for platform, (_, top) in ranges.items() if top]

    def _os_findings(self, requirement: tuple[str, dict[str, str]] | None) -> list[Finding]:
        """A model-level error when the format needs a newer OS than the target can run."""
        if requirement is None:
            return []
        ref, minimum = requirement
        for platform, version in self._target_os():
            if platform in minimum and not in_range(version, minimum[platform], None):
                record = self.kb.record(ref)
                need = f"{platform} {minimum[platform]}"
                message = (f"{record.title.zh}：目标系统为 {platform} {version}，低于所需的 {need}" if self.lang == "zh"
                           else f"{record.title.en}: the target runs {platform} {version}, older than {need}")
                return [finding_for(record, "error", message, self.lang)]
        return []


STRENGTH = {None: 0, "observed": 0, "assumed": 0, "between": 1, "lifted": 2}


def _add(hits: dict[str, _Hit], match: Match, chip: str | None) -> None:
    """One hit per rule over a device's chips: the strongest answer wins, and names the chips it holds for."""
    strength = STRENGTH[match.persistence.state if match.persistence else None]
    hit = hits.get(match.rule.ref)
    if hit is None or strength < STRENGTH[hit.match.persistence.state if hit.match.persistence else None]:
        hit = hits[match.rule.ref] = _Hit(match)
    if chip and strength == STRENGTH[hit.match.persistence.state if hit.match.persistence else None]:
        hit.chips.append(chip)


def _positive(rule: Rule) -> bool:
    return rule.effect is not None and rule.effect.kind == "runs-on-ane"


def _general_risk(rule: Rule) -> bool:
    return isinstance(rule, Precision) and rule.condition is None


_SCALARS = frozenset({str, int, float, bool})


def frozen(params: dict[str, Any]) -> str | None:
    """A key for extracted values that tells 1, 1.0 and True apart (their reprs differ), or None (no caching) for
    a value that is not a plain number, string, bool or list of them. Values come in the vocabulary's order for an
    op, so equal values give equal keys."""
    for value in params.values():
        kind = type(value)
        if kind not in _SCALARS and not (kind is list and _SCALARS.issuperset(map(type, value))):
            return None
    return repr(params)


@contextmanager
def _collector_paused(first: bool) -> Iterator[None]:
    """Python's cycle collector paused while one model is checked. A big graph makes hundreds of thousands of
    objects that all stay alive until its report is done, and every collection walks them again: on a 50,000-op
    model that doubled the time. The previous model's garbage is collected before the next one starts."""
    if not first:
        gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
