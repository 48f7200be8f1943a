"""Write the Markdown sources of both languages: generated pages next to copies of the hand-written ones."""

from __future__ import annotations

import shutil
from pathlib import Path

from ane_kb import KnowledgeBase
from ane_kb.langs import LANGS

from . import ane_devices, check_examples, history_pages, index_pages, other_pages, support_grid
from .record_pages import RecordPage

ROOT = Path(__file__).resolve().parents[2]
GUIDES = {"en": ROOT / "CONTRIBUTING.md", "zh": ROOT / "CONTRIBUTING.zh.md"}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(kb: KnowledgeBase, dest: Path, checker_bytes: int = 0) -> int:
    """Fill dest/en and dest/zh (emptied first). Returns the number of pages written. `checker_bytes` is what a
    first visit to the browser checker downloads (the page announces it)."""
    if dest.exists():
        shutil.rmtree(dest)
    settings = kb.meta["settings"]
    edit_base = f"{settings['repo_url']}/edit/{settings['repo_branch']}/kb"
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    pages = 0
    _write(dest / "jieba-user-dict.txt", jieba_dictionary(kb))
    for lang in LANGS:
        out = dest / lang
        shutil.copytree(ROOT / "docs" / lang, out)
        shutil.copytree(ROOT / "docs" / "assets", out / "assets")
        labels = {level: data["label"][lang] for level, data in kb.vocab["confidence"].items()}
        renderer = RecordPage(kb, lang, labels, edit_base)
        for rec in kb:
            _write(out / rec.kind / f"{rec.id}.md", renderer.render(rec))
            pages += 1
        for kind in other_pages.KINDS:
            _write(out / kind / "index.md", index_pages.kind_index(kb, kind, lang, labels))
        _write(out / "index.md", other_pages.home(kb, lang, labels))
        _write(out / "confidence.md", other_pages.confidence_page(kb, lang, labels))
        _write(out / "ane-devices.md", ane_devices.page(kb, lang))
        _write(out / "support" / "index.md", support_grid.index_page(kb, lang, labels))
        for family in support_grid.families(kb):
            _write(out / "support" / f"{family}.md", support_grid.family_page(kb, family, lang, labels))
        _write(out / "coverage" / "index.md", other_pages.coverage_page(kb, lang, labels))
        for name, text in other_pages.tag_pages(kb, lang).items():
            _write(out / "tags" / f"{name}.md", text)
        _write(out / "glossary.md", other_pages.glossary_page(kb, lang))
        _write(out / "license.md", other_pages.license_page(kb, lang, notice))
        _write(out / "contributing.md", GUIDES[lang].read_text(encoding="utf-8"))
        for ref, stone in kb.tombstones.items():
            if stone["status"] == "removed":
                _write(out / f"{ref}.md", history_pages.removed_page(ref, stone, lang))
        _write(out / "whats-new.md", history_pages.whats_new(kb, ROOT, lang))
        browser_page = out / "browser.md"
        _write(browser_page, checker_page(browser_page.read_text(encoding="utf-8"), kb, lang, checker_bytes))
        check_page = out / "check.md"
        _write(check_page, check_examples.fill(check_page.read_text(encoding="utf-8"), kb, lang))
    return pages


EXTRA_TERMS = ("神经引擎", "空洞卷积", "转置卷积", "反卷积", "算子", "回退", "量化", "调色板量化", "计算单元",
               "半精度", "上采样", "池化", "下溢", "溢出", "广播", "可信度", "模型手术", "可变形状", "有状态模型")


def jieba_dictionary(kb: KnowledgeBase) -> str:
    """A jieba user dictionary of ANE terms, so Chinese search finds 神经引擎 as one word: the glossary's
    terms, and the terminology table's preferred terms, Apple's terms and search words (神经网络引擎, 半精度溢出)."""
    terms = [t["zh"].split("（")[0].strip() for t in kb.vocab["glossary"]]
    for row in kb.vocab.get("terminology", []):
        terms += [row["preferred"].split("（")[0].strip(), row.get("apple", ""), *row.get("search", [])]
    words = [t for t in dict.fromkeys([*EXTRA_TERMS, *terms]) if t and " " not in t and not t.isascii()]
    return "".join(f"{word} 100000 n\n" for word in words)


def checker_page(text: str, kb: KnowledgeBase, lang: str, checker_bytes: int) -> str:
    """The browser checker's page with its device list, confidence labels and download size filled in."""
    import json

    from ane_kb import labels

    from .safe_markdown import escape_html

    size = f"{checker_bytes / 1_000_000:.1f} MB"
    names = json.dumps(labels.CONFIDENCE[lang], ensure_ascii=False)
    return (text.replace("<!-- checker:devices -->", device_options(kb, lang))
                .replace("<!-- checker:confidence -->", escape_html(names))
                .replace("<!-- checker:bytes -->", str(checker_bytes))
                .replace("<!-- checker:size -->", size))


def device_options(kb: KnowledgeBase, lang: str = "en") -> str:
    """The device list of the in-browser checker, as <option> elements (escaped)."""
    from .device_names import device_name, with_year
    from .safe_markdown import escape_html

    devices = sorted(kb.devices, key=lambda d: (d.name.lower(), d.year))
    return "".join(f'<option value="{escape_html(d.ref)}">{escape_html(with_year(device_name(d, lang), d.year))}</option>'
                   for d in devices)
