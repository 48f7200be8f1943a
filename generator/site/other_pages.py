"""Home, confidence levels, tags, glossary and licence pages."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ane_kb import KnowledgeBase

from ..readme_counts import KINDS, LEVELS
from .record_pages import badge, link
from .safe_markdown import escape_html, escape_inline
from .words import KIND_NAMES, W


HOME = {
    "en": """# The Apple Neural Engine knowledge base

The Neural Engine (ANE) is the neural-network accelerator inside Apple's A-, M- and S-series chips.
Core ML decides at run time whether a model, or part of it, runs there, and Apple publishes no list
of what it accepts. This site collects what is known instead: which devices have an ANE that Core ML
can use, which layers and ops keep a model off it, how fp16 on the ANE changes results, and how to
find out where a model really runs.

Every statement carries a [confidence level](confidence.md) and its sources, and every page exists in
English and Chinese. {search_hint}
""",
    "zh": """# Apple 神经引擎知识库

神经引擎（ANE）是 Apple A 系列、M 系列和 S 系列芯片中的神经网络加速器。模型（或其中一部分）是否在神经引擎上运行，由 Core ML 在运行时决定，而 Apple 并未公布它接受哪些层和算子。本站汇集目前已知的信息：哪些设备的神经引擎可以被 Core ML 使用，哪些层和算子会让模型离开神经引擎，神经引擎上的半精度（fp16）如何改变计算结果，以及如何查明模型实际在哪里运行。

每条结论都标有[可信度](confidence.md)和来源，每个页面都有中英文两个版本。{search_hint}
""",
}


START = {
    "en": {"check": "Check your model", "check_note": "in your browser; nothing is uploaded",
           "cli": "or from the command line", "find": "Find your device", "show": "Show",
           "placeholder": "iPhone 12 Pro, MacBook Air (M2), iPhone13,3 …", "questions": "Questions people ask",
           "q": [("Which devices have an ANE, and of which generation?", "ane-devices.md"),
                 ("Can my model run on the ANE?", "browser.md"),
                 ("Which ops fall back on my chip's Neural Engine?", "support/index.md")],
           "counts": "What the knowledge base holds"},
    "zh": {"check": "检查你的模型", "check_note": "在浏览器中进行，模型不会上传", "cli": "或者使用命令行",
           "find": "查找你的设备", "show": "查看", "placeholder": "iPhone 12 Pro、MacBook Air (M2)、iPhone13,3……",
           "questions": "常见问题",
           "q": [("哪些设备有神经引擎？是第几代？", "ane-devices.md"),
                 ("我的模型能在神经引擎上运行吗？", "browser.md"),
                 ("在我的芯片的神经引擎上，哪些算子会回退？", "support/index.md")],
           "counts": "知识库收录的内容"},
}


def start_block(kb: KnowledgeBase, lang: str) -> list[str]:
    """The home page's entry points: the checker, a device box, and the questions people ask."""
    w = START[lang]
    devices = sorted(kb.devices, key=lambda d: (d.name.lower(), d.year))
    options = "".join(f'<option value="{escape_html(f"{d.name} ({d.year})")}" data-href="device/{escape_html(d.id)}/">'
                      for d in devices)
    html = (f'<div class="ane-start">'
            f'<p><a class="md-button md-button--primary ane-start__check" href="browser/">{escape_html(w["check"])}</a> '
            f'<span class="ane-start__note">{escape_html(w["check_note"])} · <a href="check/">{escape_html(w["cli"])}</a>'
            f'</span></p>'
            f'<form class="ane-device-box" action="device/" method="get" role="search">'
            f'<label for="ane-device-box">{escape_html(w["find"])}</label> '
            f'<input id="ane-device-box" name="q" type="search" list="ane-device-names" autocomplete="off" '
            f'placeholder="{escape_html(w["placeholder"])}"> '
            f'<button class="md-button" type="submit">{escape_html(w["show"])}</button>'
            f'<datalist id="ane-device-names">{options}</datalist></form></div>')
    questions = [f"- [{question}]({target})" for question, target in w["q"]]
    return [html, "", f"## {w['questions']}", "", *questions, "", f"## {w['counts']}", ""]


def home(kb: KnowledgeBase, lang: str, labels: dict[str, str]) -> str:
    w = W[lang]
    counts = {kind: Counter(r.confidence for r in kb if r.kind == kind) for kind in KINDS}
    header = [w["kind"]] + [labels[level] for level in LEVELS] + [w["total"]]
    rows = [[f"[{KIND_NAMES[lang][kind]}]({kind}/index.md)"] + [str(counts[kind].get(lv, 0)) for lv in LEVELS]
            + [str(sum(counts[kind].values()))] for kind in KINDS]
    total = [f"**{w['all']}**"] + [str(sum(c.get(lv, 0) for c in counts.values())) for lv in LEVELS] + [str(len(kb))]
    table = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    table += ["| " + " | ".join(row) + " |" for row in rows + [total]]
    return (HOME[lang].format(search_hint=w["search_hint"]) + "\n" + "\n".join(start_block(kb, lang))
            + "\n" + "\n".join(table) + "\n")


def confidence_page(kb: KnowledgeBase, lang: str, labels: dict[str, str]) -> str:
    levels: dict[str, Any] = kb.vocab["confidence"]
    counts = Counter(r.confidence for r in kb)
    title = "Confidence levels" if lang == "en" else "可信度等级"
    intro = ("Each record states how strong its evidence is. The linter checks that the sources fit the level."
             if lang == "en" else "每条记录都注明其证据的强弱，校验工具会检查来源是否与所标等级相符。")
    out = [f"# {title}", "", intro, ""]
    for level in LEVELS:
        data = levels[level]
        out += [f"## {badge(level, labels[level])}", "", escape_inline(data["description"][lang]), "",
                _requirement(data.get("requires", {}), lang), "",
                f"{counts.get(level, 0)} {W[lang]['records']}.", ""]
    return "\n".join(out)


def _requirement(requires: dict[str, Any], lang: str) -> str:
    text = _sources_needed(requires, lang)
    limited = requires.get("figures_only")
    if limited:
        kinds = ", ".join(f"`{k}`" for k in limited["kinds"])
        records = ", ".join(f"`{k}`" for k in limited["records"])
        text += (f" A {kinds} source counts only in {records} records: it confirms the figures it states, not a behaviour."
                 if lang == "en" else f"{kinds} 类来源只在 {records} 记录中算数：它能证实其中写明的数字，但不能证实行为。")
    return text


def _sources_needed(requires: dict[str, Any], lang: str) -> str:
    kinds = ", ".join(f"`{k}`" for k in requires.get("any_kind", []))
    minimum = requires.get("min_sources")
    if requires.get("disputes"):
        return ("Needs a list of the disputed claims, each with its own sources." if lang == "en"
                else "需要列出各方说法，并为每种说法注明各自的来源。")
    if kinds and minimum:
        return (f"Needs a source of kind {kinds}, or at least {minimum} sources." if lang == "en"
                else f"需要至少一个 {kinds} 类来源，或者至少 {minimum} 个来源。")
    if kinds:
        return f"Needs a source of kind {kinds}." if lang == "en" else f"需要至少一个 {kinds} 类来源。"
    return "Any source will do." if lang == "en" else "任何来源均可。"


COVERAGE = {
    "en": ("Coverage", "The questions people bring to the knowledge base, and the records that answer each one. "
                       "Every topic here has at least one record; the linter fails when one has none."),
    "zh": ("覆盖范围", "读者常带着这些问题来查阅本知识库，下面列出回答每个问题的记录。这里的每个主题都至少有一条记录，"
                     "若某个主题没有记录，校验工具会报错。"),
}


def coverage_page(kb: KnowledgeBase, lang: str, labels: dict[str, str]) -> str:
    """Topics (kb/_vocab/topics.yaml) with their records; written as coverage/index.md."""
    title, intro = COVERAGE[lang]
    topics: dict[str, Any] = kb.vocab.get("topics", {})
    rows = []
    for topic in sorted(topics.values(), key=lambda t: t["label"][lang].lower()):
        records = [kb.record(ref) for ref in topic["records"]]
        cells = "<br>".join(f"{link(r.ref, r.title.text(lang))} {badge(r.confidence, labels[r.confidence])}" for r in records)
        label = escape_inline(topic["label"][lang])
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in (label, cells)) + " |")
    head = "| " + (" | ".join(["Topic", "Records"]) if lang == "en" else "主题 | 记录") + " |"
    return "\n".join([f"# {title}", "", intro, "", head, "|---|---|", *rows, ""])


def tag_pages(kb: KnowledgeBase, lang: str) -> dict[str, str]:
    tags: dict[str, dict[str, str]] = kb.vocab["tags"]
    used: dict[str, list[Any]] = {}
    for rec in kb:
        for tag in rec.tags:
            used.setdefault(tag, []).append(rec)
    title = "Tags" if lang == "en" else "标签"
    index = [f"# {title}", ""] + [f"- [{escape_inline(tags[t][lang])}]({t}.md) ({len(recs)})"
                                  for t, recs in sorted(used.items(), key=lambda kv: tags[kv[0]][lang].lower())]
    pages = {"index": "\n".join(index) + "\n"}
    for tag, recs in used.items():
        lines = [f"# {escape_inline(tags[tag][lang])}", ""]
        lines += [f"- {link(r.ref, r.title.text(lang))} · {KIND_NAMES[lang][r.kind]}" for r in recs]
        pages[tag] = "\n".join(lines) + "\n"
    return pages


def glossary_page(kb: KnowledgeBase, lang: str) -> str:
    title = "Glossary" if lang == "en" else "术语表"
    intro = ("The English and Chinese terms this site uses." if lang == "en"
             else "本站使用的中英文术语对照。")
    note = "note" if lang == "en" else "note_zh"
    rows = [f"| <span lang=\"en\">{escape_inline(t['en'])}</span> | {escape_inline(t['zh'])} | "
            f"{escape_inline(t.get(note) or t.get('note', ''))} |" for t in kb.vocab["glossary"]]
    head = "| English | 中文 | |" 
    return "\n".join([f"# {title}", "", intro, "", head, "|---|---|---|", *rows, "", *terminology_section(kb, lang),
                      *generations_section(kb, lang)])


TERMINOLOGY = {
    "en": ("## Chinese terminology",
           "How the Chinese pages name things. The linter checks every record's Chinese text against this table "
           "(code, link targets and URLs are never checked).",
           ("Write", "Avoid", "Where the avoided form is allowed", "Note"),
           {"word": "in code, names and links", "introduce": "once, as {form}", "first_use": "first mention: {form}",
            "apple": "Apple's name: {form}", "names": "in {form}"}),
    "zh": ("## 中文用词",
           "中文页面的用词规范。检查工具（linter）按这张表检查每条记录的中文文本（代码、链接目标和网址不在检查之列）。",
           ("写作", "避免", "允许出现的地方", "说明"),
           {"word": "代码、名称和链接中", "introduce": "一次，写作{form}", "first_use": "首次提到时写作{form}",
            "apple": "Apple 的叫法：{form}", "names": "{form} 中"}),
}


def terminology_section(kb: KnowledgeBase, lang: str) -> list[str]:
    """The terminology table of the glossary: the term to write, the forms to avoid, and the exceptions."""
    rows_in = kb.vocab.get("terminology", [])
    if not rows_in:
        return []
    title, intro, head, w = TERMINOLOGY[lang]
    rows = []
    for row in rows_in:
        write = [escape_inline(row["preferred"])]
        if row.get("first_use"):
            write.append(w["first_use"].format(form=escape_inline(row["first_use"])))
        if row.get("apple"):
            write.append(w["apple"].format(form=escape_inline(row["apple"])))
        avoid = [escape_inline(a.get("text") or a.get("example") or a.get("pattern", "")) for a in row.get("avoid", [])]
        allowed = []
        if any(a.get("word") for a in row.get("avoid", [])):
            allowed.append(w["word"])
        allowed += [w["names"].format(form=escape_inline(n)) for n in row.get("names", [])]
        if row.get("introduce"):
            allowed.append(w["introduce"].format(form=escape_inline(row["introduce"])))
        semi, comma = ("; ", ", ") if lang == "en" else ("；", "、")
        rows.append(f"| {semi.join(write)} | {comma.join(avoid) or '—'} | {semi.join(allowed) or '—'} | "
                    f"{escape_inline(row['note'][lang])} |")
    return [title, "", intro, "", "| " + " | ".join(head) + " |", "|---|---|---|---|", *rows, ""]


GENERATIONS = {
    "en": ("## ANE generations",
           "An *ANE generation* is one Neural Engine design. The knowledge base numbers the designs 1, 2, 3, … in "
           "the order the engines were designed, and puts every chip in the generation of the engine it carries: "
           "an M-series or S-series chip takes the generation of the A-series chip whose engine it shares, not "
           "the one of its release year. The grouping follows the ANE compiler's target family (h16, h16g, … "
           "count as one family). So \"generation 7\" means the engine first built into the A17 Pro, which the "
           "M4, M4 Pro and M4 Max share. Rules and observations name generations to say where a restriction was "
           "seen and where it was seen lifted; see [Check your model](check.md).",
           ("generation", "engine", "chips", "compiler target")),
    "zh": ("## 神经引擎代际（ANE generations）",
           "*神经引擎代际*指一种神经引擎设计。本知识库按设计先后把它们编号为 1、2、3……，并把每颗芯片归入其所搭载引擎的那一代："
           "M 系列和 S 系列芯片归入与之共用同一引擎的 A 系列芯片所在的代，而不是按发布年份归类。分代依据是神经引擎编译器的"
           "目标系列（h16、h16g 等算作同一系列）。因此，“第 7 代”指最早用于 A17 Pro 的神经引擎，M4、M4 Pro 和 M4 Max 也采用它。"
           "规则和观察用代际说明某项限制在哪里被观察到、又在哪里被观察到已解除；详见[检查你的模型](check.md)。",
           ("代际", "引擎", "芯片", "编译目标")),
}


def generations_section(kb: KnowledgeBase, lang: str) -> list[str]:
    """The generation table: what each ordinal means and which chips share it."""
    title, intro, head = GENERATIONS[lang]
    by_gen: dict[int, list[str]] = {}
    for chip in sorted(kb.chips, key=lambda c: (c.year or 0, c.id)):
        if chip.ane is not None:
            by_gen.setdefault(chip.ane.generation, []).append(f"[{escape_inline(chip.title.text(lang))}](chip/{chip.id}.md)")
    disputed = " （有争议）" if lang == "zh" else " (disputed)"
    rows = [f"| {n} | <a id=\"ane-generation-{n}\"></a>{escape_inline(g['label'][lang])}{disputed if g.get('disputes') else ''} | "
            f"{', '.join(by_gen.get(int(n), []))} | {g.get('compile_target', '—')} |"
            for n, g in sorted(kb.vocab["ane_generations"].items(), key=lambda i: int(i[0]))]
    return [title, "", intro, "", f"| {' | '.join(head)} |", "|---|---|---|---|", *rows, ""]


def license_page(kb: KnowledgeBase, lang: str, notice: str) -> str:
    settings = kb.meta["settings"]
    data, code = settings["data_license"], settings["code_license"]
    if lang == "en":
        text = [f"# Licence and attribution", "",
                f"The data of this knowledge base is licensed under [{data['name']}]({data['url']}) ({data['id']}); "
                f"the code under the [{code['name']}]({code['url']}).", "",
                "Every record names the sources its facts come from. The works the knowledge base draws on:", ""]
    else:
        text = ["# 许可与致谢", "",
                f"本知识库的数据采用 [{data['name']}]({data['url']})（{data['id']}）许可，代码采用 [{code['name']}]({code['url']})。", "",
                "每条记录都注明了事实的出处。本知识库参考的作品如下：", ""]
    return "\n".join(text + ["```text", notice.strip(), "```", ""])
