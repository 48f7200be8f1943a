"""One Markdown page per record, in one language."""

from __future__ import annotations

from ane_kb import KnowledgeBase, labels as vocab_labels
from ane_kb.records import Anecdote, Chip, Device, HowTo, Precision, Record, Rule, Source

from . import describe, device_sections
from .device_names import device_name, with_year
from .links import badge, link
from .safe_markdown import escape_html, escape_inline, escape_prose
from .words import KIND_ONE, W


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return out + [""]


def _sources(sources: tuple[Source, ...], lang: str) -> list[str]:
    w = W[lang]
    lines = []
    for s in sources:
        note = f" — {escape_inline(s.note.text(lang))}" if s.note else ""
        lines.append(f"- [{escape_inline(s.title)}]({s.url}) · `{s.kind}` · {w['accessed']} {s.accessed}{note}")
    return lines + [""]


class RecordPage:
    def __init__(self, kb: KnowledgeBase, lang: str, labels: dict[str, str], repo_edit: str) -> None:
        self.kb, self.lang, self.w, self.labels, self.repo_edit = kb, lang, W[lang], labels, repo_edit
        self.chip_names = {c.ref: c.title.text(lang) for c in kb.chips}

    def render(self, rec: Record) -> str:
        lang, w = self.lang, self.w
        out = [f"# {escape_inline(rec.title.text(lang))}", "",
               f"{badge(rec.confidence, self.labels[rec.confidence])} "
               f"<span class=\"ane-kind\">{escape_html(KIND_ONE[lang][rec.kind])} · <code>{escape_html(rec.ref)}</code></span>",
               "", escape_prose(rec.summary.text(lang)), ""]
        if rec.body:
            out += [escape_prose(rec.body.text(lang)), ""]
        out += self._kind_section(rec)
        out += self._disputes(rec) + self._corrections(rec) + self._open_questions(rec)
        out += [f"## {w['sources']}", ""] + _sources(rec.sources, lang)
        out += self._related(rec) + self._tags(rec)
        updated = f"{w['updated']}: {rec.updated} · " if rec.updated else ""
        out += ["---", "", f"{updated}[{w['edit']}]({self.repo_edit}/{rec.kind}/{rec.id}.yaml)", ""]
        return "\n".join(out)

    def _kind_section(self, rec: Record) -> list[str]:
        if isinstance(rec, Chip):
            return self._chip(rec)
        if isinstance(rec, Device):
            return self._device(rec)
        if isinstance(rec, Rule):
            return self._rule(rec)
        if isinstance(rec, HowTo):
            return self._howto(rec)
        if isinstance(rec, Anecdote):
            return self._anecdote(rec)
        return []

    def _chip(self, chip: Chip) -> list[str]:
        w, lang = self.w, self.lang
        rows = [[w["family"], vocab_labels.label("family", chip.family, lang)], [w["year"], str(chip.year or "—")],
                [w["has_ane"], w["yes"] if chip.has_ane else w["no"]]]
        if chip.ane:
            rows += device_sections.engine_rows((chip,), self.kb, lang, chip.coreml_can_use_ane)
        out = _table(["", ""], rows)
        if chip.peak_ops:
            out += [f"## {w['peak']}", ""]
            for peak in chip.peak_ops:
                note = f" — {escape_inline(peak.note.text(lang))}" if peak.note else ""
                cited = ", ".join(f"[{escape_inline(s.title)}]({s.url})" for s in peak.sources)
                inferred = f", {w['inferred']}" if peak.evidence == "inferred" else ""
                out.append(f"- **{peak.value:g} {peak.unit}** ({w['basis']}: {vocab_labels.label('basis', peak.basis, lang)}{inferred}){note} — {cited}")
            out.append("")
        if chip.same_engine_as:
            out += [f"## {w['same_engine']}", ""]
            out += [f"- {link(ref, self.chip_names.get(ref, ref))} ({self.labels.get(level, level)})"
                    for ref, level in chip.same_engine_as] + [""]
        devices = [d for d in self.kb.devices if chip.ref in d.chip_refs]
        if devices:
            out += [f"## {w['devices']}", ""] + [f"- {link(d.ref, with_year(device_name(d, lang), d.year))}"
                                                  for d in devices] + [""]
        return out + device_sections.chip_rules(self.kb, chip, lang, self.labels)

    def _device(self, device: Device) -> list[str]:
        w = self.w
        chips = ", ".join(link(ref, self.chip_names.get(ref, ref)) for ref in device.chip_refs)
        usable = self.kb.coreml_can_use_ane(device)
        rows = [[w["year"], str(device.year)], [w["type"], vocab_labels.label("device_type", device.device_type, self.lang)],
                [w["chips"], chips], [w["has_ane"], w["yes"] if device.has_ane else w["no"]],
                [w["third_party"], w["yes"] if device.runs_third_party_coreml else w["no"]],
                *device_sections.engine_rows(device.chips, self.kb, self.lang, usable),
                *device_sections.identity_rows(device, self.lang)]
        out = _table(["", ""], rows)
        if device.aliases:
            out += ["*" + ", ".join(escape_inline(a) for a in device.aliases) + "*", ""]
        out += device_sections.field_source_lines(device, self.lang)
        if usable:
            out += device_sections.check_button(device, self.lang)
        return out + device_sections.device_rules(self.kb, device, self.lang, self.labels)

    def _rule(self, rule: Rule) -> list[str]:
        w, lang = self.w, self.lang
        out = []
        if isinstance(rule, Precision):
            rows = [[w["unit"], vocab_labels.label("unit", rule.compute_unit, lang)],
                    [w["storage"], self._precision_value(rule.storage_precision)],
                    [w["compute"], self._precision_value(rule.compute_precision)]]
            out += _table(["", ""], rows)
        if rule.identifiers:
            out += [f"## {w['identifiers']}", ""]
            out += [f"- `{fmt}`: " + ", ".join(f"`{op}`" for op in ops) for fmt, ops in rule.identifiers.items()] + [""]
        scope = w["model_scope"] if rule.scope == "model" else w["op_scope"]
        colon, stop = (": ", ".") if lang == "en" else ("：", "。")
        out += [f"## {w['condition']}", "", f"{w['scope']}{colon}{scope}{stop}", "", self.kb.describe(rule, lang) + stop, ""]
        if rule.effect:
            out += [f"## {w['effect']}", "", describe.effect(rule.effect, lang), ""]
        out += [f"## {w['applies']}", ""] + [f"- {line}" for line in describe.applicability(rule.applies_to, self.chip_names, lang)] + [""]
        if rule.observed_on:
            out += [f"## {w['observed']}", ""] + [f"- {describe.observation(o, self.chip_names, lang)}" for o in rule.observed_on] + [""]
            policy = describe.persistence(rule, self.kb, lang)
            if policy:
                out += [f"**{w['policy']}.** {policy}" if lang == "en" else f"**{w['policy']}**：{policy}", ""]
        if isinstance(rule, Precision):
            out += self._precision(rule)
        if rule.examples:
            out += [f"## {w['examples']}", ""]
            out += _table([w["format"], w["op"], w["params"], w["expect"]], [describe.example_row(e, lang) for e in rule.examples])
        if rule.workaround:
            out += [f"## {w['workaround']}", "", escape_prose(rule.workaround.text(lang)), ""]
        return out

    def _precision_value(self, value: str | None) -> str:
        if not value:
            return "—"
        return self.w["unknown"] if value == "unknown" else escape_inline(value)

    def _precision(self, rec: Precision) -> list[str]:
        w, lang = self.w, self.lang
        out = []
        if rec.thresholds:
            out += [f"## {w['thresholds']}", ""]
            out += _table(["", "", ""], [[f"`{name}`", f"{value:g}" + (f" {escape_inline(unit)}" if unit else ""),
                                         escape_inline(text.text(lang))] for name, value, unit, text in rec.thresholds])
        if rec.symptoms:
            out += [f"## {w['symptoms']}", ""] + [f"- {escape_inline(s.text(lang))}" for s in rec.symptoms] + [""]
        return out

    def _howto(self, howto: HowTo) -> list[str]:
        if not howto.steps:
            return []
        steps = [f"{i}. {escape_inline(step.text(self.lang))}" for i, step in enumerate(howto.steps, 1)]
        return [f"## {self.w['steps']}", ""] + steps + [""]

    def _anecdote(self, anecdote: Anecdote) -> list[str]:
        out = []
        if anecdote.reported:
            out += [f"{self.w['reported']}: {anecdote.reported}", ""]
        if anecdote.observed_on:
            out += [f"## {self.w['observed']}", ""]
            out += [f"- {describe.observation(o, self.chip_names, self.lang)}" for o in anecdote.observed_on] + [""]
        return out

    def _disputes(self, rec: Record) -> list[str]:
        if not rec.disputes:
            return []
        out = [f"## {self.w['disputes']}", ""]
        for i, dispute in enumerate(rec.disputes, 1):
            out += [f"{i}. {escape_inline(dispute.claim.text(self.lang))}", ""]
            out += ["    " + line for line in _sources(dispute.sources, self.lang) if line]
            out.append("")
        return out

    def _corrections(self, rec: Record) -> list[str]:
        corrections = rec.raw.get("corrections") or []
        if not corrections:
            return []
        out = [f"## {self.w['corrections']}", ""]
        for c in corrections:
            sources = ", ".join(f"[{escape_inline(s['title'])}]({s['url']})" for s in c["sources"])
            out.append(f"- `{escape_inline(c['field'])}`: <q lang=\"en\">{escape_inline(c['source_says'])}</q> → "
                       f"{escape_inline(c['correction'][self.lang])} ({sources})")
        return out + [""]

    def _open_questions(self, rec: Record) -> list[str]:
        if not rec.open_questions:
            return []
        return [f"## {self.w['open_questions']}", ""] + [f"- {escape_inline(q.text(self.lang))}" for q in rec.open_questions] + [""]

    def _related(self, rec: Record) -> list[str]:
        if not rec.related_refs:
            return []
        return [f"## {self.w['related']}", ""] + [f"- {link(r.ref, r.title.text(self.lang))}" for r in rec.related] + [""]

    def _tags(self, rec: Record) -> list[str]:
        if not rec.tags:
            return []
        tags = self.kb.vocab.get("tags", {})
        names = ", ".join(f"[{escape_inline(tags.get(t, {}).get(self.lang, t))}](../tags/{t}.md)" for t in rec.tags)
        return [f"{self.w['tags']}: {names}", ""]
