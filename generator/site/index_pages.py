"""Index pages per kind: sortable, filterable HTML tables (the table script is docs/assets/ane-kb.js)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ane_kb import KnowledgeBase
from ane_kb.records import Precision, Record

from . import describe
from .record_pages import badge
from .safe_markdown import escape_html
from .words import DEVICE_TYPES, KIND_INTRO, KIND_NAMES, W

Cell = tuple[str, str]  # (html, sort value)
FAMILIES = {"a-series": "A", "m-series": "M", "s-series": "S", "intel": "Intel"}


def _cell(text: str, sort: str | None = None) -> Cell:
    return escape_html(text), sort if sort is not None else text.lower()


def _html_table(headers: Sequence[tuple[str, str]], rows: Sequence[Sequence[Cell]], lang: str, key: str) -> str:
    """A table the page script can sort (click a header) and filter (type in the box). One HTML block."""
    head = "".join(f'<th data-sort="{kind}" tabindex="0">{escape_html(title)}</th>' for title, kind in headers)
    body = "".join("<tr>" + "".join(f'<td data-value="{escape_html(sort)}">{html}</td>' for html, sort in row) + "</tr>"
                   for row in rows)
    placeholder = escape_html(W[lang]["filter"])
    return (f'<div class="ane-table" data-table="{escape_html(key)}">'
            f'<input class="ane-filter" type="search" placeholder="{placeholder}" aria-label="{placeholder}">'
            f'<table class="ane-sortable"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')


def _title(rec: Record, lang: str, label: str | None = None) -> Cell:
    text = label if label is not None else rec.title.text(lang)
    return f'<a href="{escape_html(rec.id)}/">{escape_html(text)}</a>', text.lower()


def _confidence(rec: Record, labels: dict[str, str]) -> Cell:
    return badge(rec.confidence, labels[rec.confidence]), rec.confidence


def _yes_no(value: bool, lang: str) -> Cell:
    return _cell(W[lang]["yes"] if value else W[lang]["no"])


def _chip_rows(kb: KnowledgeBase, lang: str, labels: dict[str, str]) -> tuple[list[tuple[str, str]], list[list[Cell]]]:
    w = W[lang]
    rows = []
    for chip in kb.chips:
        tops = " / ".join(f"{p.value:g}" for p in chip.peak_ops)
        top = max((p.value for p in chip.peak_ops), default=0)
        cores = chip.ane.cores if chip.ane else 0
        rows.append([_title(chip, lang), _cell(FAMILIES[chip.family], chip.family), _cell(str(chip.year or ""), str(chip.year or 0)),
                     _cell(str(cores or "—"), str(cores)), _cell(tops or "—", f"{top}"),
                     _yes_no(chip.coreml_can_use_ane, lang), _confidence(chip, labels)])
    headers = [(w["title"], "text"), (w["family"], "text"), (w["year"], "number"), (w["cores"], "number"),
               (w["tops"], "number"), (w["usable"], "text"), (w["confidence"], "text")]
    return headers, rows


def _device_rows(kb: KnowledgeBase, lang: str, labels: dict[str, str]) -> tuple[list[tuple[str, str]], list[list[Cell]]]:
    w = W[lang]
    rows = []
    for device in kb.devices:
        chips = ", ".join(c.title.text(lang) for c in device.chips)
        names = " ".join([device.name, *device.aliases])
        title_html, _ = _title(device, lang, device.name)
        rows.append([(title_html + f'<span class="ane-aliases" hidden>{escape_html(names)}</span>', device.name.lower()),
                     _cell(str(device.year), str(device.year)),
                     _cell(DEVICE_TYPES[lang].get(device.device_type, device.device_type)), _cell(chips),
                     _yes_no(kb.coreml_can_use_ane(device), lang), _confidence(device, labels)])
    headers = [(w["title"], "text"), (w["year"], "number"), (w["type"], "text"), (w["chips"], "text"),
               (w["usable"], "text"), (w["confidence"], "text")]
    return headers, rows


def _rule_rows(kb: KnowledgeBase, lang: str, labels: dict[str, str], kind: str) -> tuple[list[tuple[str, str]], list[list[Cell]]]:
    w = W[lang]
    collection = kb.rules if kind == "layer-rule" else kb.precision
    names = {c.ref: c.title.text(lang) for c in kb.chips}
    rows = []
    for rule in collection:
        ids = " ".join(op for ops in rule.identifiers.values() for op in ops)
        effect = describe.effect(rule.effect, lang) if rule.effect else (rule.compute_unit if isinstance(rule, Precision) else "")
        applies = "; ".join(describe.applicability(rule.applies_to, names, lang))
        rows.append([_title(rule, lang), (f"<code>{escape_html(ids)}</code>" if ids else "—", ids),
                     _cell(kb.describe(rule, lang)), _cell(effect), _confidence(rule, labels), _cell(applies.replace("`", ""))])
    headers = [(w["title"], "text"), (w["identifiers"], "text"), (w["condition"], "text"),
               (w["effect_col"] if kind == "layer-rule" else w["unit"], "text"), (w["confidence"], "text"),
               (w["applicability"], "text")]
    return headers, rows


def basics(kb: KnowledgeBase) -> list[Record]:
    """The how-tos the vocabulary lists for newcomers, in its order."""
    return [kb.howtos[ref] for ref in kb.vocab.get("howto_basics", []) if ref in kb.howtos]


def _plain_rows(kb: KnowledgeBase, lang: str, labels: dict[str, str], kind: str) -> tuple[list[tuple[str, str]], list[list[Cell]]]:
    w = W[lang]
    collection = kb.anecdotes if kind == "anecdote" else kb.howtos
    skip = {rec.ref for rec in basics(kb)} if kind == "howto" else set()
    rows = []
    for rec in (r for r in collection if r.ref not in skip):
        extra = getattr(rec, "reported", None) if kind == "anecdote" else getattr(rec, "topic", "")
        rows.append([_title(rec, lang), _cell(extra or "—"), _cell(rec.summary.text(lang)), _confidence(rec, labels)])
    second = w["reported"] if kind == "anecdote" else w["topic"]
    return [(w["title"], "text"), (second, "text"), ("", "text"), (w["confidence"], "text")], rows


ROWS: dict[str, Callable[..., tuple[list[tuple[str, str]], list[list[Cell]]]]] = {
    "chip": _chip_rows, "device": _device_rows,
    "layer-rule": lambda kb, lang, labels: _rule_rows(kb, lang, labels, "layer-rule"),
    "precision": lambda kb, lang, labels: _rule_rows(kb, lang, labels, "precision"),
    "anecdote": lambda kb, lang, labels: _plain_rows(kb, lang, labels, "anecdote"),
    "howto": lambda kb, lang, labels: _plain_rows(kb, lang, labels, "howto"),
}


LEVELS = {"en": ("The basics", "Advanced", "Start here: what the Neural Engine is, how a model gets onto it and how "
                                         "to tell whether it did."),
          "zh": ("入门", "进阶", "从这里开始：神经引擎是什么，模型如何在它上面运行，以及怎样判断模型是否真的用上了它。")}


def kind_index(kb: KnowledgeBase, kind: str, lang: str, labels: dict[str, str]) -> str:
    headers, rows = ROWS[kind](kb, lang, labels)
    out = [f"# {KIND_NAMES[lang][kind]}", "", KIND_INTRO[lang][kind], ""]
    if kind == "howto" and basics(kb):
        first, rest, intro = LEVELS[lang]
        items = "".join(f'<li><a href="{escape_html(rec.id)}/">{escape_html(rec.title.text(lang))}</a> '
                        f'{badge(rec.confidence, labels[rec.confidence])}<br>{escape_html(rec.summary.text(lang))}</li>'
                        for rec in basics(kb))
        out += [f"## {first}", "", f"<p>{escape_html(intro)}</p>", "", f'<ol class="ane-basics">{items}</ol>', "",
                f"## {rest}", ""]
    return "\n".join(out + [_html_table(headers, rows, lang, kind), ""])
