"""Wrapping English and Chinese text to terminal columns."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from ane_kb.wrapping import NO_LINE_START, _units, columns, wrap

ASCII_WORDS = st.lists(st.text(st.sampled_from("abcdefghij-_/.0123456789"), min_size=1, max_size=14), max_size=40)
CJK = "的神经引擎半精度在中毫无作用改用设为不小于对训练好模型影响可以忽略"
MIXED_WORDS = st.lists(st.one_of(st.text(st.sampled_from("abcdef01"), min_size=1, max_size=10),
                                 st.text(st.sampled_from(CJK + "，。：（）"), min_size=1, max_size=30)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(words=ASCII_WORDS, width=st.integers(10, 100), indent=st.sampled_from(["", "  ", "    "]))
def test_plain_english_wraps_as_textwrap_does(words: list[str], width: int, indent: str) -> None:
    text = " ".join(words)
    expected = textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent, break_long_words=False,
                             break_on_hyphens=False) or [indent]
    assert wrap(text, width, indent) == expected


@settings(max_examples=300, deadline=None)
@given(words=MIXED_WORDS, width=st.integers(12, 100))
def test_mixed_text_keeps_every_character_and_fits_its_columns(words: list[str], width: int) -> None:
    text = " ".join(words)
    lines = wrap(text, width, "  ")
    pieces = {piece for piece, _ in _units(text)}
    assert "".join(line[2:] for line in lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert line.startswith("  ")
        body = line[2:]
        assert columns(line) <= width or body in pieces, line  # too long only when it cannot be cut
        assert not body[:1] or columns(body[0]) == 1 or body[0] not in NO_LINE_START or line is lines[0]


def test_chinese_lines_are_filled_by_display_width() -> None:
    text = "在转换之前把层归一化的 epsilon 设为不小于 1e-7，对训练好的模型影响可以忽略，并对过大的输入做截断。" * 3
    lines = wrap(text, 40)
    assert all(columns(line) <= 40 for line in lines)
    assert all(columns(line) >= 36 for line in lines[:-1])
    assert not any(line.startswith(("，", "。")) for line in lines)


def test_a_comparison_and_its_label_stay_on_one_line() -> None:
    text = "A layer-norm epsilon of 1e-12 is useless in float16; Apple uses 1e-7: epsilon: 5.96046e-08 < 1e-07"
    for width in range(30, len(text)):
        assert any("epsilon: 5.96046e-08 < 1e-07" in line for line in wrap(text, width, "    ")), width
    assert wrap("kernel_size=[15, 15]: 15 > 13 and 3 ≤ 4 ≤ 5", 12) == ["kernel_size=[15,", "15]: 15 > 13", "and",
                                                                        "3 ≤ 4 ≤ 5"]


def test_a_long_url_stays_whole_and_empty_text_gives_the_indent() -> None:
    url = "https://ane-kb.github.io/ane-kb/zh/precision/layer-norm-epsilon-fp16/"
    assert wrap(f"详见: {url}", 30, "  ") == ["  详见:", f"  {url}"]
    assert wrap("   ", 20, "  ") == ["  "]
