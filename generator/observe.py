"""`python -m generator observe FILE [--source URL] [--out PATCH]`: draft records from a measured placement.

For every op the measurement can decide (ane_kb.placement.measured), the restriction rules whose conditions hold for
the op's parameters get a new `observed_on` entry: `outcome: restricted` when the ANE could not run it,
`outcome: runs-on-ane` (a lift) when it could. An op kept off the ANE that no rule explains gets a new rule scaffold.
Nothing is edited: the result is a unified diff (`git apply` accepts it), and every English and Chinese text in it
is a `TODO:` stub, so `python -m generator validate` fails (check `placeholder`) until a contributor has written
them. The placement file is the evidence: its source URL (or --source, where the file is published) is cited.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ane_kb.knowledge import KnowledgeBase
from ane_kb.placement import ANE, NOT_ANE, chip_of, measured, op_type

from . import canonical, schemas
from . import export as exporter
from .kb import load_kb
from .kb_files import shown_path
from .problems import Problem

NAME = "placement"
RESTRICTIONS = ("falls-back", "may-fall-back", "fails-to-compile")
URL = re.compile(r"^https://\S+$")
VERSION = re.compile(r"^[0-9]+(\.[0-9]+){0,3}$")
NOWHERE = "https://TODO.invalid/where-the-placement-file-is-published"


class ObserveError(Exception):
    """The placement file or the KB cannot be used; `problems` are one line each (exit 1)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = problems


@dataclass
class Draft:
    """What observe found: the files it would change (old text, new text) and what it says about them."""

    changes: dict[Path, tuple[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _locate(text: str, path: Iterable[Any]) -> tuple[int, int]:
    """Line and column of the value at a JSON path, found by following its keys through the text."""
    at = 0
    for part in path:
        if isinstance(part, str):
            found = text.find(json.dumps(part), at)
            if found < 0:
                break
            at = found
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def read_placement(path: Path) -> dict[str, Any]:
    """The placement file, checked against schema/placement.schema.json. Raises ObserveError."""
    shown = shown_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ObserveError([Problem(shown, 1, 1, NAME, f"cannot be read: {exc.strerror or exc}")]) from None
    except UnicodeDecodeError:
        raise ObserveError([Problem(shown, 1, 1, NAME, "not UTF-8 text")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ObserveError([Problem(shown, exc.lineno, exc.colno, NAME, f"not JSON: {exc.msg}")]) from None
    except RecursionError:
        raise ObserveError([Problem(shown, 1, 1, NAME, "not JSON: nested too deeply")]) from None
    problems = []
    for error in sorted(schemas.validator("placement.schema.json").iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        error = _deepest(error)
        where = "/".join(map(str, error.absolute_path)) or "the file"
        line, col = _locate(text, error.absolute_path)
        message = " ".join(error.message.split())
        problems.append(Problem(shown, line, col, NAME, f"{where}: {message[:200]}"))
    if problems:
        raise ObserveError(problems)
    assert isinstance(data, dict)
    data["_text"] = text
    return data


def _deepest(error: Any) -> Any:
    """For "not valid under any of the given schemas", the alternative's error that reaches furthest in."""
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
    return error


def observe(kb_dir: Path, placement_path: Path, source: str | None = None, today: dt.date | None = None,
            model: Path | None = None) -> Draft:
    """The draft for one placement file against the KB in `kb_dir`. Raises ObserveError.

    With `model`, each op's missing parameters are read from the model, as `ane-kb probe` reads them (for a file
    written by the iOS snippet or by hand, which carries none)."""
    data = read_placement(placement_path)
    text = data.pop("_text")
    shown = shown_path(placement_path)
    kb = load_kb(kb_dir)
    fatal = [p for p in kb.problems if not p.warning]
    if fatal:
        raise ObserveError(fatal)
    api = KnowledgeBase(exporter.build(kb))
    if model is not None:
        _fill_parameters(data, model, api)
    chip = chip_of(data)
    where = ("compiler_target", "chip") if data.get("compiler_target") else ("host", "chip")
    if chip is None or api.chips.get(chip) is None:
        line, col = _locate(text, where)
        why = ("the measurement names no chip; observations need the KB chip id it was made on" if chip is None
               else f"chip {chip!r} is not in the KB; add it first (python -m generator new chip {chip}) or correct "
                    f"the id")
        raise ObserveError([Problem(shown, line, col, NAME, f"{'/'.join(where)}: {why}")])
    url = source or (data["source"].get("url") if isinstance(data.get("source"), dict) else None) or NOWHERE
    drafter = _Drafter(kb_dir, api, data, chip, url, today or dt.date.today(), shown)
    return drafter.draft()


def _fill_parameters(data: dict[str, Any], model: Path, api: KnowledgeBase) -> None:
    from ane_kb.probe.build import ProbeError, model_parameters

    try:
        _, params = model_parameters(str(model), api)
    except ProbeError as exc:
        message = str(exc).removeprefix(f"{model}: ")
        raise ObserveError([Problem(shown_path(model), 1, 1, "model", message)]) from None
    for op in data["ops"]:
        read = params.get(str(op["name"]))
        if read:
            op["params"] = {**read, **(op.get("params") or {})}


class _Drafter:
    def __init__(self, kb_dir: Path, api: KnowledgeBase, data: dict[str, Any], chip: str, url: str, today: dt.date,
                 shown: str) -> None:
        self.kb_dir, self.api, self.data, self.chip, self.url, self.today = kb_dir, api, data, chip, url, today
        self.shown = shown
        self.formatter = canonical.Formatter()
        self.fmt = str(data["model"]["format"])
        self.vocab = {n for n, p in api.parameters.items() if p.get("scope", "op") == "op"}

    def draft(self) -> Draft:
        out = Draft()
        per_rule: dict[tuple[str, str], list[dict[str, Any]]] = {}
        unexplained: dict[str, list[dict[str, Any]]] = {}
        for op in self.data["ops"]:
            state = measured(op, self.data["examined"])
            if state not in (ANE, NOT_ANE):
                continue
            kind = op_type(str(op["type"]))
            params = {k: v for k, v in (op.get("params") or {}).items() if k in self.vocab}
            certain, unsure = self._rules(kind, params)
            for rule in certain:
                per_rule.setdefault((rule, "restricted" if state == NOT_ANE else "runs-on-ane"), []).append(op)
            if unsure:
                missing = sorted({c for m in unsure for c in m.unknown})
                out.notes.append(f"{op['name']} ({kind}): {', '.join(m.rule.ref for m in unsure)} could not be "
                                 f"evaluated ({'; '.join(missing)}); add those values to the op's params")
            elif state == NOT_ANE and not certain:
                unexplained.setdefault(kind, []).append(op)
        for (ref, outcome), ops in sorted(per_rule.items()):
            self._observe(out, ref, outcome, ops)
        for kind, ops in sorted(unexplained.items()):
            self._scaffold(out, kind, ops)
        return out

    def _rules(self, kind: str, params: dict[str, Any]) -> tuple[list[str], list[Any]]:
        matches = self.api.rules.matching_extracted(format=self.fmt, op=kind, params=params, include_lifted=True)
        restrictive = [m for m in matches if m.rule.effect is not None and m.rule.effect.kind in RESTRICTIONS]
        return [m.rule.ref for m in restrictive if m.certain], [m for m in restrictive if not m.certain]

    # --- one observation on an existing rule -------------------------------------------------------------------
    def _observe(self, out: Draft, ref: str, outcome: str, ops: list[dict[str, Any]]) -> None:
        kind, stem = ref.split("/", 1)
        path = self.kb_dir / kind / f"{stem}.yaml"
        old = out.changes[path][1] if path in out.changes else path.read_text(encoding="utf-8")
        doc = self.formatter.load(_body(old))
        observed = doc.get("observed_on") or []
        if any(o.get("source") == self.url and f"chip/{self.chip}" in (o.get("chips") or [])
               and o.get("outcome", "restricted") == outcome for o in observed):
            out.notes.append(f"{ref}: this measurement is already recorded (outcome {outcome}); nothing to add")
            return
        if "observed_on" not in doc:
            _insert_after(doc, "observed_on", self._seq([]), ("applies_to", "effect", "condition", "identifiers"))
        from ane_kb.conditions import leaves

        read = {leaf["param"] for leaf in leaves(self.api.rules[ref].condition)}
        doc["observed_on"].append(self._observation(ops, outcome, read))
        self._cite(doc)
        new = canonical.canonical_text(_dump(self.formatter, doc), kind, self.formatter)
        original = out.changes[path][0] if path in out.changes else old
        out.changes[path] = (original, new)
        verb = "restricted" if outcome == "restricted" else "runs on the ANE (a lift)"
        out.notes.append(f"{ref}: new observation on {self.chip}: {verb}; write its note"
                         + ("; a lift where the restriction was seen on the same or a newer engine also needs "
                            "confidence: disputed" if outcome == "runs-on-ane" else ""))

    def _observation(self, ops: list[dict[str, Any]], outcome: str, read: set[str] | None = None) -> Any:
        from ruamel.yaml.comments import CommentedMap
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString as Quoted

        host = self.data.get("host") or {}
        entry = CommentedMap()
        entry["chips"] = self._seq([f"chip/{self.chip}"], flow=True)
        system = host.get("os") or {}
        if system.get("version") and VERSION.match(str(system["version"])):
            entry["os"] = self._map({system["platform"]: Quoted(system["version"])})
        tools = {k: Quoted(v) for k, v in sorted((host.get("tools") or {}).items()) if VERSION.match(str(v))}
        if tools:
            entry["tools"] = self._map(tools)
        if self.data.get("date"):
            entry["date"] = Quoted(self.data["date"])
        entry["source"] = self.url
        seen = self._measured_text(ops, read)
        entry["note"] = CommentedMap(
            en=f"TODO: what this measurement shows, in one English sentence (measured: {seen})",
            zh=f"TODO: 用一句中文说明这次测量的结果（测量：{seen}）")
        entry["outcome"] = outcome
        return entry

    def _measured_text(self, ops: list[dict[str, Any]], read: set[str] | None = None) -> str:
        """The ops in a few words: name, type, the parameters (those `read`, else every one the KB knows), devices."""
        parts = []
        wanted = self.vocab if read is None else read
        for op in ops[:3]:
            params = ", ".join(f"{k} {json.dumps(v)}" for k, v in sorted((op.get("params") or {}).items()) if k in wanted)
            devices = ", ".join(op.get("supported") or []) or "none"
            parts.append(f"{op['name']} ({op_type(str(op['type']))}{'; ' + params if params else ''}; supported: {devices})")
        more = f" and {len(ops) - 3} more" if len(ops) > 3 else ""
        units = self.data.get("compute_units")
        return "; ".join(parts) + more + f"; {self.data['method']}" + (f", {units}" if units else "")

    def _cite(self, doc: Any) -> None:
        """Add the evidence's URL to the record's sources when it is not there yet."""
        from ruamel.yaml.comments import CommentedMap
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString as Quoted

        sources = doc.setdefault("sources", self._seq([]))
        if any(s.get("url") == self.url for s in sources):
            return
        given = self.data.get("source") or {}
        title = given.get("title") if given.get("url") == self.url else None
        kind = "issue-thread" if re.search(r"github\.com/[^/]+/[^/]+/(issues|pull|discussions)/", self.url) else "experiment"
        accessed = str(given.get("accessed") if given.get("url") == self.url and given.get("accessed")
                       else self.today.isoformat())
        sources.append(CommentedMap(url=self.url, title=Quoted(title or "TODO: the title of the page that publishes the measurement"),
                                    kind=kind, accessed=Quoted(accessed)))

    # --- a new rule where none matched --------------------------------------------------------------------------
    def _scaffold(self, out: Draft, kind: str, ops: list[dict[str, Any]]) -> None:
        from ruamel.yaml.comments import CommentedMap
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString as Quoted

        stem = self._free_id(f"{kind.replace('_', '-').lower()}-off-ane-on-{self.chip}")
        path = self.kb_dir / "layer-rule" / f"{stem}.yaml"
        seen = self._measured_text(ops)
        chip_title = self.api.chips[self.chip].title
        doc = CommentedMap()
        doc["id"] = stem
        doc["kind"] = "layer-rule"
        doc["title"] = CommentedMap(en=f"TODO: a short English title, e.g. when {kind} stays off the ANE on {chip_title.en}",
                                    zh=f"TODO: 中文标题，例如 {kind} 在 {chip_title.zh} 上何时不能上神经引擎")
        doc["summary"] = CommentedMap(en="TODO: the restriction in one to three English sentences",
                                      zh="TODO: 用一到三句中文写出这条限制")
        doc["body"] = CommentedMap(en=f"TODO: what was measured and what the condition reads (measured: {seen})",
                                   zh="TODO: 用中文说明测量了什么、条件读取哪些参数")
        doc["confidence"] = "TODO: confirmed, likely, speculative, anecdotal or disputed"
        doc["scope"] = "op"
        doc["family"] = self._family(kind)
        doc["identifiers"] = CommentedMap({self.fmt: self._seq([kind], flow=True)})
        doc["condition"] = self._map({"param": "TODO: the parameter that decides, e.g. kernel_size",
                                      "gt": "TODO: the threshold the measurement supports"})
        others = sorted({d for op in ops for d in (op.get("supported") or []) if d in ("cpu", "gpu")}) or ["unknown"]
        doc["effect"] = CommentedMap(kind="falls-back", to=self._seq(others, flow=True))
        doc["observed_on"] = self._seq([self._observation(ops, "restricted")])
        examples = []
        for op in ops[:2]:
            params = {k: v for k, v in sorted((op.get("params") or {}).items()) if k in self.vocab}
            examples.append(CommentedMap(format=self.fmt, op=kind, params=self._map(params), expect="match"))
        if examples:
            doc["examples"] = self._seq(examples)
        doc["sources"] = self._seq([])
        self._cite(doc)
        doc["updated"] = Quoted(self.today.isoformat())
        text = canonical.canonical_text(_dump(self.formatter, doc), "layer-rule", self.formatter)
        out.changes[path] = ("", text)
        out.notes.append(f"layer-rule/{stem}: new rule scaffold for {kind} on {self.chip} (no rule explains it); "
                         f"write its texts and condition")

    def _free_id(self, stem: str) -> str:
        taken = {p.stem for p in (self.kb_dir / "layer-rule").glob("*.yaml")}
        candidate, n = stem, 2
        while candidate in taken:
            candidate, n = f"{stem}-{n}", n + 1
        return candidate

    def _family(self, kind: str) -> str:
        families = (self.api.vocab.get("op_families") or self.api.vocab.get("op-families") or {})
        families = families.get("families", families) if isinstance(families, dict) else {}
        for name, family in families.items():
            if isinstance(family, dict) and kind in (family.get("identifiers") or {}).get(self.fmt, []):
                return str(name)
        return "TODO: an op family from kb/_vocab/op-families.yaml"

    @staticmethod
    def _seq(items: list[Any], flow: bool = False) -> Any:
        from ruamel.yaml.comments import CommentedSeq

        seq = CommentedSeq(items)
        if flow:
            seq.fa.set_flow_style()
        return seq

    @staticmethod
    def _map(items: dict[str, Any]) -> Any:
        from ruamel.yaml.comments import CommentedMap

        mapping = CommentedMap(items)
        mapping.fa.set_flow_style()
        return mapping


def _body(text: str) -> str:
    return "\n".join(line for i, line in enumerate(text.splitlines())
                     if not (i == 0 and line.startswith(canonical.SCHEMA_LINE_PREFIX)))


def _dump(formatter: canonical.Formatter, doc: Any) -> str:
    return formatter.dump(doc)


def _insert_after(doc: Any, key: str, value: Any, after: tuple[str, ...]) -> None:
    """Put a new top-level key where the schema's order wants it (canonical_text settles the rest)."""
    position = len(doc)
    for name in after:
        if name in doc:
            position = list(doc).index(name) + 1
            break
    doc.insert(position, key, value)


def patch_text(draft: Draft, base: Path) -> str:
    """The draft as one unified diff with paths relative to `base` (the folder `git apply` runs in)."""
    chunks = []
    for path, (old, new) in sorted(draft.changes.items()):
        rel = Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()
        header = f"diff --git a/{rel} b/{rel}\n"
        if not old:
            header += "new file mode 100644\n"
        lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                     fromfile=f"a/{rel}" if old else "/dev/null", tofile=f"b/{rel}", n=3)
        chunks.append(header + "".join(lines))
    return "".join(chunks)


def patch_base(kb_dir: Path) -> Path:
    """Where the diff's paths start: the working folder when the KB lies inside it, else the KB's parent."""
    here = Path.cwd().resolve()
    try:
        kb_dir.resolve().relative_to(here)
        return here
    except ValueError:
        return kb_dir.resolve().parent
