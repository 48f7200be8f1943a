"""Every zh page in Chinese: no English label of a vocabulary value (confidence, effect, device type, chip family,
tag, how-to topic, peak-ops basis) and no raw value in the visible text of any zh page. Names, identifiers,
code and links to outside sources are excepted (they are removed before the scan)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ane_kb import labels, load
from tests.conftest import ROOT

# Removed before scanning: code, hidden elements, scripts, links to other sites (source titles are names), the
# language menu (it names "English"), the search box (its results are filled at run time) and text marked as
# English on purpose (the glossary's English terms, a source's words quoted in a correction).
STRIP = ("script, style, code, pre, kbd, [hidden], template, a[href^='http'], .md-select, .md-search, "
         ".ane-aliases, .ane-lang-link, body [lang=en]")
SCAN = """async ([paths, words, strip]) => {
  const found = [];
  const patterns = words.map(w => [w, new RegExp("(^|[^A-Za-z0-9_-])" + w.replace(/[.*+?^${}()|[\\]\\\\]/g, "\\\\$&")
                                                  + "(?![A-Za-z0-9_-])")]);
  for (const path of paths) {
    const html = await (await fetch(path)).text();
    const doc = new DOMParser().parseFromString(html, "text/html");
    doc.querySelectorAll(strip).forEach(node => node.remove());
    const text = (doc.querySelector("article") || doc.body || doc.documentElement).textContent.replace(/\\s+/g, " ");
    for (const [word, re] of patterns) {
      const m = re.exec(text);
      if (m) found.push(path + ": " + word + " … " + text.slice(Math.max(0, m.index - 30), m.index + word.length + 30));
    }
  }
  return found;
}"""


def english_vocabulary() -> list[str]:
    """The en labels that differ from their zh labels, and the raw values, of every vocabulary the pages show."""
    kb = load(ROOT / "src" / "ane_kb" / "data" / "kb.json")
    words: set[str] = set()
    for name in ("confidence", "effect", "effect_short", "device_type", "family", "basis", "topic"):
        table = labels.TABLES[name]
        for value, en in table["en"].items():
            if en != table["zh"].get(value, en):
                words.update({en, value} if name != "topic" or " " in en else {value})
    for tag, text in kb.vocab["tags"].items():
        if text["en"] != text["zh"]:
            # A one-word tag (matmul, int8, Performance) is also an op, type or product name (Metal
            # Performance Shaders), so only tags of several words, or hyphenated names, are scanned for.
            if " " in text["en"]:
                words.add(text["en"])
            if "-" in tag:
                words.add(tag)
    for level, data in kb.vocab["confidence"].items():
        words.update({data["label"]["en"], level})
    words.update({"unknown", "Unknown", "yes", "no"})
    return sorted(words)


def test_vocabulary_list_is_not_empty() -> None:
    words = english_vocabulary()
    assert {"disputed", "Disputed", "a-series", "falls back", "unknown"} <= set(words)


def test_zh_pages_show_no_english_vocabulary(page: Any, served: str, built_site: Path) -> None:
    paths = sorted("/" + str(p.relative_to(built_site).parent).replace("\\\\", "/") + "/"
                   for p in (built_site / "zh").rglob("index.html"))
    assert len(paths) > 300
    page.goto(f"{served}/zh/", wait_until="load")
    found = page.evaluate(SCAN, [[served + p for p in paths], english_vocabulary(), STRIP])
    counts = Counter(line.split(": ", 1)[1].split(" … ")[0] for line in found)
    assert found == [], (f"{len(found)} English vocabulary words on zh pages ({dict(counts.most_common())}):\n"
                         + "\n".join(found))


def test_the_scan_finds_english_vocabulary(page: Any, served: str) -> None:
    """The scan itself works: the en confidence page is full of the words it looks for."""
    page.goto(f"{served}/", wait_until="load")
    found = page.evaluate(SCAN, [[f"{served}/confidence/", f"{served}/chip/"], english_vocabulary(), STRIP])
    assert any("Disputed" in line for line in found) and any("/chip/: " in line for line in found)
