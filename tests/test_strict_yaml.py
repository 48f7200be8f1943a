"""The strict loader: positions of keys and values, and what it refuses."""

import time

import pytest

from generator import strict_yaml
from generator.strict_yaml import YamlError, load


def test_positions_of_values_and_keys() -> None:
    doc = load("a: 1\nb:\n  - x\n  - {c: [1, 2]}\n")
    assert doc.locate(("a",)) == (1, 4)
    assert doc.locate(("b",), key=True) == (2, 1)
    assert doc.locate(("b", 0)) == (3, 5)
    assert doc.locate(("b", 1, "c", 1)) == (4, 13)
    assert doc.locate(("b", 1, "c"), key=True) == (4, 6)
    assert doc.locate(("b", 0), key=True) == (3, 5)  # list items have no key: their value


def test_locate_falls_back_to_the_closest_parent() -> None:
    doc = load("a:\n  b: 1\n")
    assert doc.locate(("a", "missing")) == (2, 3)
    assert doc.locate(("a", "b"), key=True) == (2, 3)
    assert doc.locate(()) == (1, 1)


def test_block_scalars_point_at_their_indicator() -> None:
    doc = load("a: >-\n  folded\n  text\n")
    assert doc.data == {"a": "folded text"}
    assert doc.locate(("a",)) == (1, 4)


@pytest.mark.parametrize(("text", "check", "where", "message"), [
    ("a: 1\na: 2\n", "duplicate-key", (2, 1), "key 'a' appears twice in the same mapping (first at line 1)"),
    ("a: !!python/object/apply:os.system ['ls']\n", "yaml-safety", (1, 4),
     "tag '!!python/object/apply:os.system' is not allowed; records use plain YAML values only"),
    ("a: !custom 1\n", "yaml-safety", (1, 4), "tag '!custom' is not allowed; records use plain YAML values only"),
    ("a: &x 1\n", "yaml-safety", (1, 4), "anchor '&x' is not allowed; records may not share values"),
    ("a: [\n", "yaml-syntax", (2, 1), "while parsing a flow node: did not find expected node content"),
    ("a: b: c\n", "yaml-syntax", (1, 5), "mapping values are not allowed in this context"),
    ("<<: {a: 1}\n", "yaml-safety", (1, 1), "merge keys ('<<') are not allowed"),
    ("? [a]\n: 1\n", "yaml-syntax", (1, 3), "a key must be a plain word, not a list or a mapping"),
])
def test_refused_documents(text: str, check: str, where: tuple[int, int], message: str) -> None:
    with pytest.raises(YamlError) as info:
        load(text)
    assert (info.value.check, (info.value.line, info.value.col), info.value.message) == (check, where, message)


def test_alias_bomb_is_refused_at_once() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 40)]
    text = "\n".join(levels) + "\n"
    started = time.perf_counter()
    with pytest.raises(YamlError) as info:
        load(text)
    assert time.perf_counter() - started < 5  # a generous bound: the point is that it is not expanded
    assert info.value.check == "yaml-safety"
    assert (info.value.line, info.value.col) == (1, 5)


@pytest.mark.parametrize(("text", "value", "message"), [
    ("a: no\n", False, 'unquoted no is read as false; write false, or "no" if you mean the word'),
    ("a: On\n", True, 'unquoted On is read as true; write true, or "On" if you mean the word'),
    ("a: 2024-01-02\n", "2024-01-02", 'unquoted date 2024-01-02 is read as a date object; quote it: "2024-01-02"'),
    ("a: 017\n", 15, '017 is not a decimal integer (YAML 1.1: read as 15); write it in decimal, or quote it: "017"'),
    ("a: 1:30\n", 90, '1:30 is not a decimal integer (YAML 1.1: read as 90); write it in decimal, or quote it: "1:30"'),
    ("a: 0b101\n", 5, '0b101 is not a decimal integer (YAML 1.1: read as 5); write it in decimal, or quote it: "0b101"'),
    ("a: 0x_\n", 0, '0x_ is not a decimal integer (YAML 1.1: not a number); write it in decimal, or quote it: "0x_"'),
    ("a: 0b_\n", 0, '0b_ is not a decimal integer (YAML 1.1: not a number); write it in decimal, or quote it: "0b_"'),
    ("a: 1_000\n", 1000, '1_000 is not a decimal integer (YAML 1.1: read as 1000); write it in decimal, or quote it: "1_000"'),
])
def test_implicit_typing_surprises_are_remarked(text: str, value: object, message: str) -> None:
    doc = load(text)
    assert doc.data == {"a": value}
    assert [(r.line, r.col, r.check, r.message) for r in doc.remarks] == [(1, 4, "yaml-typing", message)]


def test_plain_values_keep_their_types_and_raw_text() -> None:
    doc = load("a: 17.10\nb: true\nc: ~\nd: '17.10'\ne: -16\n")
    assert doc.data == {"a": 17.1, "b": True, "c": None, "d": "17.10", "e": -16}
    assert doc.raw(("a",)) == "17.10"
    assert doc.raw(("d",)) is None
    assert doc.raw(("missing",)) is None
    assert doc.remarks == []


def test_huge_integers_and_deep_nesting_are_refused_where_they_are() -> None:
    with pytest.raises(YamlError) as info:
        load("a: 1\nb: " + "9" * 5000 + "\n")
    assert (info.value.line, info.value.col, info.value.check) == (2, 4, "yaml-typing")
    with pytest.raises(YamlError) as info:
        load("a: " + "[" * 500 + "]" * 500 + "\n")
    assert info.value.check == "yaml-safety" and "nested more than 64 levels" in info.value.message


def test_the_c_loader_is_used() -> None:
    assert strict_yaml._LOADER.__name__ == "CSafeLoader"
