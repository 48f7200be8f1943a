"""Index pages per kind: sortable, filterable HTML tables with facets (the table script is docs/assets/ane-kb.js).

A table is one raw HTML block. Each row carries its facet values (`data-f-KEY`, space-separated tokens); the menus
above the table filter on them by exact value, and the script keeps their state in the page's URL (`?type=ipad`).
Yes/no cells are marked `data-exact`: the free-text box does not search them, so "no" does not match "Nov 2023".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ane_kb import KnowledgeBase, labels
from ane_kb.records import Chip, Precision, Record, Rule

from . import describe
from .device_names import device_name
from .links import badge
from .safe_markdown import escape_html, inline_html
from .words import KIND_INTRO, KIND_NAMES, W

FAMILIES = {"a-series": "A", "m-series": "M", "s-series": "S", "intel": "Intel"}
SHOWN_IDS = 4  # identifiers shown in a rule's cell before "+N more"
FORMATS = ("neuralnetwork", "mlprogram", "coreai")
FORMAT_NAMES = {"neuralnetwork": "NeuralNetwork", "mlprogram": "ML Program", "coreai": "Core AI"}
MORE = {"en": "+{n} more", "zh": "还有 {n} 个"}
FACET_ALL = {"en": "all", "zh": "全部"}
CLEAR = {"en": "Clear filters", "zh": "清除筛选"}
SCROLL = {"en": "Scroll the table sideways to see every column.", "zh": "左右滑动表格可查看所有列。"}


@dataclass
class Cell:
    html: str
    sort: str
    css: str = "text"  # column class: title, ids, text, short, num
    exact: bool = False


@dataclass
class Column:
    title: str
    sort: str  # text | number
    css: str = "text"


@dataclass
class Facet:
    key: str
    title: str
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label), in menu order


@dataclass
class Row:
    cells: list[Cell]
    facets: dict[str, list[str]]


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row]
    facets: list[Facet]


def _cell(text: str, sort: str | None = None, css: str = "text") -> Cell:
    return Cell(escape_html(text), sort if sort is not None else text.lower(), css)


def _facet_options(rows: Iterable[Row], key: str, label: Callable[[str], str],
                   order: Callable[[str], object] | None = None) -> list[tuple[str, str]]:
    values = {v for row in rows for v in row.facets.get(key, [])}
    return [(v, label(v)) for v in sorted(values, key=order or (lambda v: label(v).lower()))]


def _html_table(table: Table, lang: str, key: str) -> str:
    """A table the page script can sort (click a header), filter (type in the box) and narrow (facet menus)."""
    head = "".join(f'<th data-sort="{c.sort}" class="ane-col--{c.css}" tabindex="0">{escape_html(c.title)}</th>'
                   for c in table.columns)
    body = []
    for row in table.rows:
        attrs = "".join(f' data-f-{k}="{escape_html(" ".join(v))}"' for k, v in sorted(row.facets.items()))
        cells = "".join(f'<td data-value="{escape_html(c.sort)}" class="ane-col--{c.css}"'
                        f'{" data-exact" if c.exact else ""}>{c.html}</td>' for c in row.cells)
        body.append(f"<tr{attrs}>{cells}</tr>")
    placeholder = escape_html(W[lang]["filter"])
    menus = []
    for facet in table.facets:
        if len(facet.options) < 2:
            continue
        colon = ": " if lang == "en" else "："
        options = f'<option value="">{escape_html(facet.title)}{colon}{FACET_ALL[lang]}</option>' + "".join(
            f'<option value="{escape_html(v)}">{escape_html(label)}</option>' for v, label in facet.options)
        menus.append(f'<label class="ane-facet"><span class="ane-facet__name">{escape_html(facet.title)}</span>'
                     f'<select data-facet="{escape_html(facet.key)}" aria-label="{escape_html(facet.title)}">'
                     f'{options}</select></label>')
    clear = f'<button type="button" class="ane-clear" hidden>{escape_html(CLEAR[lang])}</button>'
    return (f'<div class="ane-table" data-table="{escape_html(key)}">'
            f'<div class="ane-controls"><input class="ane-filter" type="search" placeholder="{placeholder}" '
            f'aria-label="{placeholder}">{"".join(menus)}{clear}</div>'
            f'<p class="ane-scroll-hint">{escape_html(SCROLL[lang])}</p>'
            f'<div class="ane-scroll" tabindex="0"><table class="ane-sortable"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div></div>')


def _title(rec: Record, lang: str, label: str | None = None) -> Cell:
    text = label if label is not None else rec.title.text(lang)
    return Cell(f'<a href="{escape_html(rec.id)}/">{escape_html(text)}</a>', text.lower(), "title")


def _confidence(rec: Record, lang: str) -> Cell:
    return Cell(badge(rec.confidence, labels.confidence(rec.confidence, lang)), rec.confidence, "short")


def _yes_no(value: bool, lang: str) -> Cell:
    cell = _cell(W[lang]["yes"] if value else W[lang]["no"], css="short")
    cell.exact = True
    return cell


def _yes_no_facet(lang: str) -> Callable[[str], str]:
    return lambda v: W[lang]["yes"] if v == "yes" else W[lang]["no"]


def _confidence_facet(rows: list[Row], lang: str) -> Facet:
    order = list(labels.CONFIDENCE["en"])
    return Facet("confidence", W[lang]["confidence"],
                 _facet_options(rows, "confidence", lambda v: labels.confidence(v, lang), order.index))


def _generation_label(kb: KnowledgeBase, lang: str) -> Callable[[str], str]:
    names = kb.vocab.get("ane_generations", {})

    def label(value: str) -> str:
        name = names.get(value, {}).get("label", {}).get(lang, "")
        return f"{value} · {name}" if name else value
    return label


def _tops(chip: Chip, lang: str) -> Cell:
    """Rated operations with their basis (int8, fp16, or not stated), e.g. "38 (int8)"."""
    left, right = (" (", ")") if lang == "en" else ("（", "）")
    parts = [f"{p.value:g}{left}{labels.label('basis', p.basis, lang)}{right}" for p in chip.peak_ops]
    top = max((p.value for p in chip.peak_ops), default=0)
    return _cell(" / ".join(parts) or "—", f"{top}", "short")


def _generations(chips: Iterable[Chip]) -> list[str]:
    return sorted({str(c.ane.generation) for c in chips if c.ane is not None}, key=int)


def _chip_table(kb: KnowledgeBase, lang: str) -> Table:
    w = W[lang]
    rows = []
    for chip in kb.chips:
        cores = chip.ane.cores if chip.ane else 0
        usable = chip.coreml_can_use_ane
        gens = _generations((chip,))
        cells = [_title(chip, lang), _cell(labels.label("family", chip.family, lang), chip.family, "short"),
                 _cell(str(chip.year or ""), str(chip.year or 0), "num"), _cell(", ".join(gens) or "—", (gens or ["0"])[0], "num"),
                 _cell(str(cores or "—"), str(cores), "num"), _tops(chip, lang),
                 _yes_no(usable, lang), _confidence(chip, lang)]
        facets = {"family": [chip.family], "year": [str(chip.year)] if chip.year else [], "generation": gens,
                  "usable": ["yes" if usable else "no"], "confidence": [chip.confidence]}
        rows.append(Row(cells, facets))
    columns = [Column(w["title"], "text", "title"), Column(w["family"], "text", "short"), Column(w["year"], "number", "num"),
               Column(w["generation"], "number", "num"), Column(w["cores"], "number", "num"),
               Column(w["tops"], "number", "short"), Column(w["usable"], "text", "short"),
               Column(w["confidence"], "text", "short")]
    facets = [Facet("family", w["family"], _facet_options(rows, "family", lambda v: labels.label("family", v, lang))),
              Facet("year", w["year"], _facet_options(rows, "year", str, lambda v: -int(v))),
              Facet("generation", w["generation"], _facet_options(rows, "generation", _generation_label(kb, lang), int)),
              Facet("usable", w["usable"], _facet_options(rows, "usable", _yes_no_facet(lang))),
              _confidence_facet(rows, lang)]
    return Table(columns, rows, facets)


def _device_table(kb: KnowledgeBase, lang: str) -> Table:
    w = W[lang]
    rows = []
    for device in kb.devices:
        chips = ", ".join(c.title.text(lang) for c in device.chips)
        name = device_name(device, lang)
        names = " ".join(dict.fromkeys([name, device.name, *device.aliases]))
        title = _title(device, lang, name)
        title.html += f'<span class="ane-aliases" hidden>{escape_html(names)}</span>'
        usable = kb.coreml_can_use_ane(device)
        cells = [title, _cell(str(device.year), str(device.year), "num"),
                 _cell(labels.label("device_type", device.device_type, lang), css="short"), _cell(chips),
                 _yes_no(usable, lang), _confidence(device, lang)]
        facets = {"type": [device.device_type], "year": [str(device.year)], "generation": _generations(device.chips),
                  "usable": ["yes" if usable else "no"], "confidence": [device.confidence]}
        rows.append(Row(cells, facets))
    columns = [Column(w["title"], "text", "title"), Column(w["year"], "number", "num"), Column(w["type"], "text", "short"),
               Column(w["chips"], "text"), Column(w["usable"], "text", "short"), Column(w["confidence"], "text", "short")]
    facets = [Facet("type", w["type"], _facet_options(rows, "type", lambda v: labels.label("device_type", v, lang))),
              Facet("year", w["year"], _facet_options(rows, "year", str, lambda v: -int(v))),
              Facet("usable", w["usable"], _facet_options(rows, "usable", _yes_no_facet(lang))),
              Facet("generation", w["generation"], _facet_options(rows, "generation", _generation_label(kb, lang), int)),
              _confidence_facet(rows, lang)]
    return Table(columns, rows, facets)


def identifiers_cell(rule: Rule, lang: str) -> Cell:
    """Each identifier in its own code element; past SHOWN_IDS, the rest folds under "+N more"."""
    ids = list(dict.fromkeys(op for ops in rule.identifiers.values() for op in ops))
    if not ids:
        return Cell("—", "", "ids")
    codes = [f"<code>{escape_html(op)}</code>" for op in ids]
    html = " ".join(codes[:SHOWN_IDS])
    if len(codes) > SHOWN_IDS:
        more = escape_html(MORE[lang].format(n=len(codes) - SHOWN_IDS))
        html += f' <details class="ane-more"><summary>{more}</summary>{" ".join(codes[SHOWN_IDS:])}</details>'
    return Cell(html, " ".join(ids), "ids")


def _folded(items: list[str], lang: str, shown: int = SHOWN_IDS) -> str:
    """Escaped items joined by commas; past `shown`, the rest folds under "+N more"."""
    html = ", ".join(escape_html(i) for i in items[:shown])
    if len(items) > shown:
        more = escape_html(MORE[lang].format(n=len(items) - shown))
        rest = ", ".join(escape_html(i) for i in items[shown:])
        html += f' <details class="ane-more"><summary>{more}</summary>{rest}</details>'
    return html


def applicability_cell(rule: Rule, names: dict[str, str], lang: str) -> Cell:
    """The rule's filters in words, one line each; a long chip list folds under "+N more"."""
    applies = rule.applies_to
    lines = describe.applicability(applies, names, lang)
    html = []
    for line in lines:
        if applies.chips and line.startswith(W[lang]["chips"] + ": "):
            chips = [names.get(c, c) for c in applies.chips]
            html.append(f'{escape_html(W[lang]["chips"])}: {_folded(chips, lang)}')
        else:
            html.append(inline_html(line))
    return Cell("<br>".join(html), "; ".join(lines).lower())


def rule_formats(rule: Rule) -> list[str]:
    return [f for f in FORMATS if f in rule.formats()]


def _family_label(kb: KnowledgeBase, lang: str) -> Callable[[str], str]:
    families = kb.vocab.get("op_families", {})
    return lambda v: str(families.get(v, {}).get("label", {}).get(lang, v))


def _rule_table(kb: KnowledgeBase, lang: str, kind: str) -> Table:
    w = W[lang]
    collection = kb.rules if kind == "layer-rule" else kb.precision
    names = {c.ref: c.title.text(lang) for c in kb.chips}
    family = _family_label(kb, lang)
    rows = []
    for rule in collection:
        if rule.effect:
            effect = _cell(describe.effect(rule.effect, lang))
        elif isinstance(rule, Precision):
            effect = _cell(labels.label("unit", rule.compute_unit, lang))
        else:
            effect = _cell("")
        condition = kb.describe(rule, lang)
        cells = [_title(rule, lang), identifiers_cell(rule, lang), Cell(inline_html(condition), condition.lower()),
                 effect, _confidence(rule, lang), applicability_cell(rule, names, lang)]
        facets = {"format": rule_formats(rule), "family": [rule.family] if rule.family else [],
                  "effect": [rule.effect.kind] if rule.effect else [], "confidence": [rule.confidence]}
        if isinstance(rule, Precision):
            facets["unit"] = [rule.compute_unit]
        rows.append(Row(cells, facets))
    columns = [Column(w["title"], "text", "title"), Column(w["identifiers"], "text", "ids"), Column(w["condition"], "text"),
               Column(w["effect_col"] if kind == "layer-rule" else w["unit"], "text"),
               Column(w["confidence"], "text", "short"), Column(w["applicability"], "text")]
    facets = [Facet("format", w["format"], _facet_options(rows, "format", lambda v: FORMAT_NAMES.get(v, v), FORMATS.index)),
              Facet("family", w["op_family"], _facet_options(rows, "family", family)),
              Facet("effect", w["effect_col"], _facet_options(rows, "effect", lambda v: labels.label("effect_short", v, lang))),
              _confidence_facet(rows, lang)]
    if kind == "precision":
        facets.insert(0, Facet("unit", w["unit"], _facet_options(rows, "unit", lambda v: labels.label("unit", v, lang))))
    return Table(columns, rows, facets)


def basics(kb: KnowledgeBase) -> list[Record]:
    """The how-tos the vocabulary lists for newcomers, in its order."""
    return [kb.howtos[ref] for ref in kb.vocab.get("howto_basics", []) if ref in kb.howtos]


def _plain_table(kb: KnowledgeBase, lang: str, kind: str) -> Table:
    w = W[lang]
    collection = kb.anecdotes if kind == "anecdote" else kb.howtos
    skip = {rec.ref for rec in basics(kb)} if kind == "howto" else set()
    rows = []
    for rec in (r for r in collection if r.ref not in skip):
        if kind == "anecdote":
            reported = getattr(rec, "reported", None) or ""
            second = _cell(reported or "—", reported, "num")
            facets = {"year": [reported[:4]] if reported else []}
        else:
            topic = getattr(rec, "topic", "")
            second = _cell(labels.label("topic", topic, lang) if topic else "—", css="short")
            facets = {"topic": [topic] if topic else []}
        facets["confidence"] = [rec.confidence]
        rows.append(Row([_title(rec, lang), second, Cell(inline_html(rec.summary.text(lang)), rec.summary.text(lang).lower()),
                         _confidence(rec, lang)], facets))
    if kind == "anecdote":
        second_col = Column(w["reported"], "text", "num")
        first = Facet("year", w["year"], _facet_options(rows, "year", str, lambda v: -int(v) if v.isdigit() else 0))
    else:
        second_col = Column(w["topic"], "text", "short")
        first = Facet("topic", w["topic"], _facet_options(rows, "topic", lambda v: labels.label("topic", v, lang)))
    columns = [Column(w["title"], "text", "title"), second_col, Column(w["summary"], "text", "wide"),
               Column(w["confidence"], "text", "short")]
    return Table(columns, rows, [first, _confidence_facet(rows, lang)])


TABLES: dict[str, Callable[[KnowledgeBase, str], Table]] = {
    "chip": _chip_table, "device": _device_table,
    "layer-rule": lambda kb, lang: _rule_table(kb, lang, "layer-rule"),
    "precision": lambda kb, lang: _rule_table(kb, lang, "precision"),
    "anecdote": lambda kb, lang: _plain_table(kb, lang, "anecdote"),
    "howto": lambda kb, lang: _plain_table(kb, lang, "howto"),
}


LEVELS = {"en": ("The basics", "Advanced", "Start here: what the Neural Engine is, how a model gets onto it and how "
                                         "to tell whether it did."),
          "zh": ("入门", "进阶", "从这里开始：神经引擎是什么，模型如何在它上面运行，以及怎样判断模型是否真的用上了它。")}
# Index pages use the full width of the window: the tables need it more than the navigation does.
# Index pages that search ranks higher: the device table is long, so without a boost a search for a term of
# its intro (神经网络引擎) would list it below every device page that repeats the term once.
SEARCH_BOOST = {"device": 4}


def front_matter(kind: str) -> str:
    """An index page's MkDocs front matter: its search boost, if any, and the wide layout (no side navigation)."""
    lines = ["---"]
    if kind in SEARCH_BOOST:
        lines += ["search:", f"  boost: {SEARCH_BOOST[kind]}"]
    return "\n".join(lines + ["hide:", "  - navigation", "  - toc", "---", ""])


def kind_index(kb: KnowledgeBase, kind: str, lang: str, labels_: dict[str, str] | None = None) -> str:
    table = TABLES[kind](kb, lang)
    out = [front_matter(kind), f"# {KIND_NAMES[lang][kind]}", "", KIND_INTRO[lang][kind], ""]
    if kind == "howto" and basics(kb):
        first, rest, intro = LEVELS[lang]
        items = "".join(f'<li><a href="{escape_html(rec.id)}/">{escape_html(rec.title.text(lang))}</a> '
                        f'{badge(rec.confidence, labels.confidence(rec.confidence, lang))}<br>'
                        f'{inline_html(rec.summary.text(lang))}</li>'
                        for rec in basics(kb))
        out += [f"## {first}", "", f"<p>{escape_html(intro)}</p>", "", f'<ol class="ane-basics">{items}</ol>', "",
                f"## {rest}", ""]
    return "\n".join(out + [_html_table(table, lang, kind), ""])


