"""Support grids: one page per op family, its rules × the ANE generations, and an index of every family.

Each cell is the persistence policy's answer (`ane_kb.persistence.assess`) for the rule on that generation,
refined for a reader: a generation outside the rule's `applies_to` is n/a, one older than every observation
is "applies, not observed", a disputed rule is "disputed" wherever it is not lifted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from ane_kb import KnowledgeBase
from ane_kb.persistence import assess, is_restriction, names, spans
from ane_kb.records import Chip, Rule

from . import describe
from .safe_markdown import escape_html

STATES = ("observed", "assumed", "between", "disputed", "stated", "lifted", "runs", "na")
FAMILY_LETTERS = {"a-series": "A", "m-series": "M", "s-series": "S"}

WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Support grid", "index_title": "Support grids by op family",
        "intro": "Which Core ML layers and ops run on which Neural Engine generation, one grid per op family, "
                 "in the manner of a browser compatibility table. Rows are the rules (each with its condition), "
                 "columns the ANE generations in order, each with the A-, M- and S-series chips that share its "
                 "engine. A cell says what the knowledge base's persistence policy concludes for that rule on "
                 "that generation: a restriction seen on one engine is assumed to hold on newer ones until a "
                 "record sees it lifted. Numbers lead to the notes below the grid; every cell links to its rule.",
        "index_intro": "Every op family at once: each cell counts the family's rules by state on that "
                       "generation and takes the colour of the most restrictive one. Open a family for its rules.",
        "family": "Op family", "rule": "Rule and condition", "generation": "Generation",
        "legend": "Legend", "notes": "Notes", "confidence": "Confidence of the rule (the left edge of a cell)",
        "rules": "rules", "disputed_generation": "the grouping of this generation is disputed",
        "glossary": "What a generation is", "effect": "Effect",
        "states": {
            "observed": ("restricted (observed)", "observed",
                         "The rule's effect (falls back, fails to compile …) was seen on this generation, or on "
                         "generations both older and newer."),
            "assumed": ("restricted (assumed)", "assumed",
                        "Newer than every generation the restriction was seen on, and no record sees it lifted: "
                        "assumed to hold."),
            "between": ("uncertain", "uncertain",
                        "Between the last generation the restriction was seen on and the first it was seen lifted."),
            "disputed": ("disputed", "disputed", "The sources disagree about the rule; read its page."),
            "stated": ("applies, not observed", "applies",
                       "Inside the rule's scope, but no observation names this generation (or the rule was only "
                       "observed on newer engines)."),
            "lifted": ("runs (lift observed)", "lifted", "The op was seen running on the ANE on this generation "
                                                         "or an older one: the restriction no longer applies."),
            "runs": ("runs (stated)", "runs", "The rule itself says the op runs on the ANE here."),
            "na": ("n/a", "n/a", "Outside the rule's applies_to: it says nothing about this generation."),
        },
        "note": {
            "observed": "{rule}: observed on {seen}.",
            "assumed": "{rule}: last observed on {seen}; no record sees it lifted, so it is assumed to hold here.",
            "between": "{rule}: observed on {seen} and seen lifted on {lifted}; unclear in between.",
            "disputed": "{rule}: the sources disagree: {claims}",
            "stated": "{rule}: applies by its scope; no observation names this generation.",
            "stated_older": "{rule}: applies by its scope; it was only observed on newer engines ({seen}).",
            "lifted": "{rule}: seen running on the ANE on {lifted}.",
            "runs": "{rule}: the record says the op runs on the ANE here.",
            "na": "{rule}: outside its scope ({scope}).",
        },
    },
    "zh": {
        "title": "支持情况表", "index_title": "按算子类别查看支持情况",
        "intro": "哪些 Core ML 层和算子能在哪一代神经引擎上运行：每个算子类别一张表，形式类似浏览器兼容性表。"
                 "每行是一条规则（附其条件），每列是一代神经引擎，按先后排列，并列出共用该引擎的 A、M、S 系列芯片。"
                 "单元格给出本知识库的延续策略对这条规则在这一代上的结论：在某一代引擎上观察到的限制，"
                 "在有记录观察到它被解除之前，推定在更新的引擎上仍然成立。单元格中的编号对应表下的注释，"
                 "每个单元格都链接到对应的规则。",
        "index_intro": "一次查看所有算子类别：每个单元格统计该类别的规则在这一代上的各种状态，"
                       "并以其中限制最强的状态着色。打开某个类别可查看具体规则。",
        "family": "算子类别", "rule": "规则与条件", "generation": "代际",
        "legend": "图例", "notes": "注释", "confidence": "规则的可信度（单元格左边框的颜色）",
        "rules": "条规则", "disputed_generation": "这一代的划分存在争议",
        "glossary": "什么是神经引擎代际", "effect": "影响",
        "states": {
            "observed": ("受限（已观察）", "已观察", "在这一代上观察到了规则所述的影响（回退、编译失败等），"
                                                 "或者在比它更早和更新的代际上都观察到了。"),
            "assumed": ("受限（推定）", "推定", "比所有观察到该限制的代际都新，且没有记录观察到限制解除，因此推定仍然成立。"),
            "between": ("不确定", "不确定", "介于最后一次观察到该限制的代际与最早观察到限制解除的代际之间。"),
            "disputed": ("有争议", "有争议", "各来源对这条规则的说法不一，请阅读规则页面。"),
            "stated": ("适用，未观察", "适用", "在规则的适用范围内，但没有观察涉及这一代（或者只在更新的引擎上观察过）。"),
            "lifted": ("可运行（已观察到解除）", "已解除", "在这一代或更早的一代上观察到该算子运行于神经引擎，限制不再适用。"),
            "runs": ("可运行（规则所述）", "可运行", "规则本身说明该算子在这里可以在神经引擎上运行。"),
            "na": ("不适用", "不适用", "不在规则的适用范围（applies_to）内：规则没有涉及这一代。"),
        },
        "note": {
            "observed": "{rule}：在 {seen} 上观察到。",
            "assumed": "{rule}：最后一次在 {seen} 上观察到；没有记录观察到它被解除，因此推定在这里仍然成立。",
            "between": "{rule}：在 {seen} 上观察到限制，在 {lifted} 上观察到限制解除；两者之间的情况不明。",
            "disputed": "{rule}：各来源的说法不一：{claims}",
            "stated": "{rule}：按其适用范围适用；没有观察涉及这一代。",
            "stated_older": "{rule}：按其适用范围适用；只在更新的引擎上观察过（{seen}）。",
            "lifted": "{rule}：在 {lifted} 上观察到该算子运行于神经引擎。",
            "runs": "{rule}：记录说明该算子在这里可以在神经引擎上运行。",
            "na": "{rule}：不在其适用范围内（{scope}）。",
        },
    },
}


class Cell(NamedTuple):
    state: str
    note: str  # the key of the cell's note: the same key gives the same number on a page


def families(kb: KnowledgeBase) -> dict[str, Mapping[str, Any]]:
    """The op families of the vocabulary that have at least one rule, in vocabulary order."""
    used = {rule.family for rule in kb.rules}
    vocab: Mapping[str, Mapping[str, Any]] = kb.vocab.get("op_families", {})
    return {name: data for name, data in vocab.items() if name in used}


def rules_of(kb: KnowledgeBase, family: str) -> list[Rule]:
    return sorted((r for r in kb.rules if r.family == family), key=lambda r: r.title.text("en").lower())


def generations(kb: KnowledgeBase) -> list[tuple[int, Mapping[str, Any], list[Chip]]]:
    """(ordinal, vocabulary entry, chips) for every generation, oldest first."""
    chips: dict[int, list[Chip]] = {}
    for chip in sorted(kb.chips, key=lambda c: (c.family, c.year or 0, c.id)):
        if chip.ane is not None:
            chips.setdefault(chip.ane.generation, []).append(chip)
    vocab: Mapping[str, Mapping[str, Any]] = kb.vocab.get("ane_generations", {})
    return [(int(n), entry, chips.get(int(n), [])) for n, entry in sorted(vocab.items(), key=lambda i: int(i[0]))]


def in_scope(rule: Rule, generation: int, chips: list[Chip]) -> bool:
    """Whether the rule's applies_to admits some chip of the generation (or the generation itself)."""
    applies = rule.applies_to
    low, high = applies.ane_generation
    if (low is not None and generation < low) or (high is not None and generation > high):
        return False
    return not applies.chips or any(chip.ref in applies.chips for chip in chips)


def cell(rule: Rule, generation: int, chips: list[Chip], kb: KnowledgeBase) -> Cell:
    """A lift wins over the generation bound of applies_to, as in rule matching (a bound kept under a lift)."""
    policy = assess(rule, generation, kb.chips) if is_restriction(rule) else None
    listed = not rule.applies_to.chips or any(chip.ref in rule.applies_to.chips for chip in chips)
    if policy is not None and policy.lifted and listed:
        return Cell("lifted", "lifted")
    if not in_scope(rule, generation, chips):
        return Cell("na", "na")
    if not is_restriction(rule):
        return Cell("runs", "runs")
    if policy is None:
        state, note = "stated", "stated"
    elif policy.state == "observed" and all(s.low > generation for s in policy.restricted):
        state, note = "stated", "stated_older"
    else:
        state = note = policy.state
    if rule.confidence == "disputed" and state != "lifted":
        return Cell("disputed", "disputed")
    return Cell(state, note)


def _note_text(rule: Rule, key: str, kb: KnowledgeBase, lang: str, chip_names: dict[str, str]) -> str:
    restricted, lifts = spans(rule.observed_on, kb.chips)
    labels = kb.vocab.get("ane_generations", {})
    link = f'<a href="{{base}}layer-rule/{escape_html(rule.id)}/">{escape_html(rule.title.text(lang))}</a>'
    claims = " ".join(f"({i}) {escape_html(d.claim.text(lang))}" for i, d in enumerate(rule.disputes, 1))
    scope = "; ".join(describe.applicability(rule.applies_to, chip_names, lang)).replace("`", "")
    values = {"seen": escape_html(names(tuple(restricted), kb.chips, labels, lang)),
              "lifted": escape_html(names(tuple(lifts), kb.chips, labels, lang)),
              "claims": claims, "scope": escape_html(scope)}
    text = WORDS[lang]["note"][key]
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text.replace("{rule}", link.replace("{base}", "../../"))


def _chip_line(chips: list[Chip], lang: str) -> str:
    groups: dict[str, list[str]] = {}
    for chip in chips:
        groups.setdefault(FAMILY_LETTERS.get(chip.family, chip.family), []).append(chip.title.text(lang))
    return "<br>".join(f"<strong>{letter}</strong> {escape_html(', '.join(titles))}" for letter, titles in groups.items())


def _head(kb: KnowledgeBase, lang: str, first: str, base: str) -> str:
    w = WORDS[lang]
    cols = []
    for n, entry, chips in generations(kb):
        label = escape_html(entry["label"][lang])
        flag = (f' <span class="ane-grid__flag" title="{escape_html(w["disputed_generation"])}">⚑</span>'
                if entry.get("disputes") else "")
        cols.append(f'<th scope="col" data-generation="{n}"><a href="{base}glossary/#ane-generation-{n}">{n}</a>'
                    f'<span class="ane-grid__gen">{label}{flag}</span>'
                    f'<span class="ane-grid__chips">{_chip_line(chips, lang)}</span></th>')
    return f'<thead><tr><th scope="col">{escape_html(first)}</th>{"".join(cols)}</tr></thead>'


def legend(lang: str, labels: dict[str, str]) -> str:
    w = WORDS[lang]
    items = "".join(f'<li><span class="ane-cell ane-cell--{state}">{escape_html(short)}</span> '
                    f'<strong>{escape_html(long)}</strong>: {escape_html(text)}</li>'
                    for state, (long, short, text) in w["states"].items())
    levels = "".join(f'<span class="ane-cell ane-cell--stated ane-conf--{lv}">{escape_html(label)}</span> '
                     for lv, label in labels.items())
    return (f'<div class="ane-legend"><ul class="ane-legend__states">{items}</ul>'
            f'<p>{escape_html(w["confidence"])}: {levels}</p></div>')


def family_page(kb: KnowledgeBase, family: str, lang: str, labels: dict[str, str]) -> str:
    w = WORDS[lang]
    data = families(kb)[family]
    chip_names = {c.ref: c.title.text(lang) for c in kb.chips}
    gens = generations(kb)
    notes: dict[tuple[str, str], int] = {}
    note_lines: list[str] = []
    rows = []
    for rule in rules_of(kb, family):
        effect = describe.effect(rule.effect, lang)
        head = (f'<th scope="row"><a href="../../layer-rule/{escape_html(rule.id)}/">'
                f'{escape_html(rule.title.text(lang))}</a>'
                f'<span class="ane-grid__cond">{escape_html(kb.describe(rule, lang))}</span>'
                + (f'<span class="ane-grid__effect">{escape_html(w["effect"])}: {escape_html(effect)}</span>' if effect else "")
                + "</th>")
        cells = []
        for n, _entry, chips in gens:
            state, key = cell(rule, n, chips, kb)
            if (rule.ref, key) not in notes:
                notes[(rule.ref, key)] = len(notes) + 1
                note_lines.append(f'<li id="note-{len(notes)}">{_note_text(rule, key, kb, lang, chip_names)}</li>')
            number = notes[(rule.ref, key)]
            long, short, _ = w["states"][state]
            cells.append(f'<td class="ane-cell ane-cell--{state} ane-conf--{escape_html(rule.confidence)}" '
                         f'data-state="{state}" data-generation="{n}" title="{escape_html(long)} · '
                         f'{escape_html(labels[rule.confidence])}">'
                         f'<a href="../../layer-rule/{escape_html(rule.id)}/">{escape_html(short)}</a>'
                         f'<sup><a href="#note-{number}">{number}</a></sup></td>')
        rows.append(f'<tr data-rule="{escape_html(rule.ref)}">{head}{"".join(cells)}</tr>')
    label = escape_html(data["label"][lang])
    description = data.get("description", {}).get(lang)
    grid = (f'<div class="ane-grid" data-family="{escape_html(family)}"><table>{_head(kb, lang, w["rule"], "../../")}'
            f'<tbody>{"".join(rows)}</tbody></table></div>')
    out = [f"# {label}", "", f"<p>{escape_html(description)}</p>" if description else "", "",
           f'<p>{escape_html(w["intro"])} <a href="../">{escape_html(w["index_title"])}</a> · '
           f'<a href="../../glossary/#ane-generations">{escape_html(w["glossary"])}</a></p>', "",
           grid, "", f"## {w['legend']}", "", legend(lang, labels), "", f"## {w['notes']}", "",
           f'<ol class="ane-notes">{"".join(note_lines)}</ol>', ""]
    return "\n".join(out)


SEVERITY = ("observed", "assumed", "disputed", "between", "stated", "lifted", "runs", "na")


def index_page(kb: KnowledgeBase, lang: str, labels: dict[str, str]) -> str:
    w = WORDS[lang]
    gens = generations(kb)
    rows = []
    for family, data in families(kb).items():
        rules = rules_of(kb, family)
        cells = []
        for n, _entry, chips in gens:
            counts: dict[str, int] = {}
            for rule in rules:
                state = cell(rule, n, chips, kb).state
                counts[state] = counts.get(state, 0) + 1
            top = min(counts, key=SEVERITY.index)
            parts = "".join(f'<span class="ane-count--{s}" title="{escape_html(w["states"][s][0])}">'
                            f'{counts[s]} {escape_html(w["states"][s][1])}</span>'
                            for s in SEVERITY if s in counts and s != "na")
            cells.append(f'<td class="ane-cell ane-cell--{top}" data-state="{top}" data-generation="{n}">'
                         f'<a href="{escape_html(family)}/">{parts or escape_html(w["states"]["na"][1])}</a></td>')
        head = (f'<th scope="row"><a href="{escape_html(family)}/">{escape_html(data["label"][lang])}</a>'
                f'<span class="ane-grid__cond">{len(rules)} {escape_html(w["rules"])}</span></th>')
        rows.append(f'<tr data-family="{escape_html(family)}">{head}{"".join(cells)}</tr>')
    grid = (f'<div class="ane-grid ane-grid--index"><table>{_head(kb, lang, w["family"], "../")}'
            f'<tbody>{"".join(rows)}</tbody></table></div>')
    return "\n".join([f"# {w['index_title']}", "", f"<p>{escape_html(w['intro'])}</p>", "",
                      f"<p>{escape_html(w['index_intro'])}</p>", "", grid, "", f"## {w['legend']}", "",
                      legend(lang, labels), ""])
