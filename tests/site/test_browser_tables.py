"""Readable tables at 1280 px: no cell overflows, no Latin word breaks, rule rows stay short; facets filter by
exact value and keep their state in the URL; long lists fold under "+N more"; a phone sees that a table scrolls."""

from __future__ import annotations

from typing import Any

import pytest

INDEXES = ["layer-rule/", "precision/", "howto/", "anecdote/", "device/", "chip/"]
# For every visible cell of every table: does its content overflow, and which Latin words wrap across lines?
MEASURE = """() => {
  const overflow = [], broken = [];
  document.querySelectorAll("article table td, article table th").forEach(cell => {
    if (cell.closest("tr[hidden]") || !cell.getClientRects().length) return;
    if (cell.scrollWidth > cell.clientWidth + 1) overflow.push(cell.textContent.trim().slice(0, 60));
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.getClientRects().length) continue;
      const words = /[A-Za-z][A-Za-z0-9_]+/g;
      let m;
      while ((m = words.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  });
  return {overflow, broken};
}"""


@pytest.mark.parametrize("path", [f"{lang}{index}" for lang in ("", "zh/") for index in INDEXES]
                         + ["chip/a14/", "zh/chip/a14/", "layer-rule/pooling-kernel-too-large/", "support/"])
def test_no_cell_overflows_and_no_word_breaks(page: Any, served: str, path: str) -> None:
    page.goto(f"{served}/{path}", wait_until="load")
    assert page.locator("article table").count() > 0
    result = page.evaluate(MEASURE)
    assert result["overflow"] == [], result["overflow"][:10]
    assert result["broken"] == [], result["broken"][:10]


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_rule_index_rows_are_short(page: Any, served: str, lang: str) -> None:
    page.goto(f"{served}/{lang}layer-rule/", wait_until="load")
    heights = page.locator(".ane-sortable tbody tr").evaluate_all("rows => rows.map(r => r.getBoundingClientRect().height)")
    assert len(heights) > 50
    assert max(heights) <= 160, max(heights)


def test_long_identifier_lists_fold_and_expand(page: Any, served: str) -> None:
    page.goto(f"{served}/layer-rule/", wait_until="load")
    more = page.locator(".ane-sortable details.ane-more").first
    summary = more.locator("summary")
    assert summary.inner_text().startswith("+") and summary.inner_text().endswith("more")
    hidden = int(summary.inner_text().split()[0].lstrip("+"))
    assert more.locator("code").count() == hidden
    assert not more.locator("code").first.is_visible()
    summary.click()
    assert more.locator("code").first.is_visible()


def _visible(page: Any) -> list[Any]:
    return page.locator(".ane-sortable tbody tr:not([hidden])").all()


def test_device_facets_filter_exactly_and_live_in_the_url(page: Any, served: str) -> None:
    page.goto(f"{served}/device/", wait_until="load")
    total = page.locator(".ane-sortable tbody tr").count()
    page.select_option("select[data-facet=type]", "ipad")
    rows = _visible(page)
    assert 0 < len(rows) < total
    assert all(r.get_attribute("data-f-type") == "ipad" for r in rows)
    assert "type=ipad" in page.url
    page.select_option("select[data-facet=usable]", "no")
    assert all(r.locator("td[data-exact]").inner_text() == "no" for r in _visible(page))
    url = page.url
    assert "usable=no" in url
    # The state survives a reload from the URL.
    page.goto(url, wait_until="load")
    assert page.locator("select[data-facet=type]").input_value() == "ipad"
    assert page.locator("select[data-facet=usable]").input_value() == "no"
    assert all(r.get_attribute("data-f-usable") == "no" for r in _visible(page))
    page.locator(".ane-clear").click()
    assert page.locator(".ane-sortable tbody tr:not([hidden])").count() == total
    assert "type=" not in page.url


@pytest.mark.parametrize("lang, word", [("", "no"), ("zh/", "否")])
def test_typing_no_matches_the_yes_no_column_exactly(page: Any, served: str, lang: str, word: str) -> None:
    """"no" typed in the box means the yes/no value, exactly: not "Nov 2023", not "iPhone XS"."""
    page.goto(f"{served}/{lang}device/?usable=no", wait_until="load")
    unusable = page.locator(".ane-sortable tbody tr:not([hidden])").count()
    page.goto(f"{served}/{lang}device/", wait_until="load")
    page.locator("input.ane-filter").fill(word)
    rows = _visible(page)
    assert 0 < len(rows) == unusable
    assert all(r.locator("td[data-exact]").inner_text() == word for r in rows)
    page.locator("input.ane-filter").fill("Nov")  # any other text is a substring search, as before
    assert all("nov" in r.inner_text().lower() or "nov" in (r.locator(".ane-aliases").text_content() or "").lower()
               for r in _visible(page))


@pytest.mark.parametrize("facet", ["format", "family", "effect", "confidence"])
def test_rule_facets_narrow_the_rule_index(page: Any, served: str, facet: str) -> None:
    page.goto(f"{served}/layer-rule/", wait_until="load")
    select = page.locator(f"select[data-facet={facet}]")
    values = [v for v in select.locator("option").evaluate_all("o => o.map(x => x.value)") if v]
    assert len(values) >= 2
    total = page.locator(".ane-sortable tbody tr").count()
    select.select_option(values[0])
    rows = _visible(page)
    assert 0 < len(rows) < total
    assert all(values[0] in (r.get_attribute(f"data-f-{facet}") or "").split() for r in rows)
    assert f"{facet}={values[0]}" in page.url


def test_chip_tops_shows_its_basis(page: Any, served: str) -> None:
    page.goto(f"{served}/chip/", wait_until="load")
    column = [th.strip() for th in page.locator(".ane-sortable th").all_inner_texts()].index("Peak TOPS")
    cells = page.locator(f".ane-sortable tbody td:nth-child({column + 1})").all_inner_texts()
    rated = [c for c in cells if c.strip() != "—"]
    assert rated and all("(" in c and c.rstrip().endswith(")") for c in rated), rated[:5]
    assert any("precision not stated" in c for c in rated)


def test_summaries_render_code_spans(page: Any, served: str) -> None:
    for path in ("howto/", "layer-rule/"):
        page.goto(f"{served}/{path}", wait_until="load")
        text = page.locator(".ane-sortable").inner_text()
        assert "`" not in text, path
    page.goto(f"{served}/layer-rule/", wait_until="load")
    assert page.locator(".ane-sortable td.ane-col--text code").count() > 10


def test_phone_sees_that_the_device_table_scrolls(browser: Any, served: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.goto(f"{served}/device/", wait_until="load")
    box = tab.locator(".ane-scroll")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert tab.locator(".ane-scroll-hint").is_visible()
    first = tab.locator(".ane-sortable tbody tr td:first-child").first
    before = first.bounding_box()
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    tab.wait_for_timeout(100)
    assert first.bounding_box()["x"] == pytest.approx(before["x"], abs=1), "the key column scrolled away"
    context.close()
