"""The shipped generation table groups chips by the engine design they share (audit 2026-12, §3)."""

from __future__ import annotations

import pytest

from ane_kb import KnowledgeBase, load
from generator.lint.generations import family


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


def gen(kb: KnowledgeBase, chip: str) -> int:
    ane = kb.chips[chip].ane
    assert ane is not None
    return ane.generation


@pytest.mark.parametrize(("m_series", "a_series"), [
    ("m1", "a14"), ("m2", "a15"), ("m3", "a16-bionic"), ("m3-ultra", "a16-bionic"), ("m4", "a17-pro"),
    ("m4-max", "a17-pro"), ("m5", "a18"), ("m5-pro", "a18-pro"), ("m6", "a19")])
def test_m_series_shares_the_a_series_engine(kb: KnowledgeBase, m_series: str, a_series: str) -> None:
    assert gen(kb, m_series) == gen(kb, a_series)


def test_every_same_engine_pair_shares_a_generation(kb: KnowledgeBase) -> None:
    pairs = [(chip.ref, peer["chip"]) for chip in kb.chips for peer in chip.raw.get("same_engine_as", ())]
    assert len(pairs) > 15
    for ref, peer in pairs:
        assert gen(kb, ref.split("/")[1]) == gen(kb, peer.split("/")[1]), (ref, peer)


def test_one_compiler_family_per_generation_rising_with_the_ordinal(kb: KnowledgeBase) -> None:
    table = kb.vocab["ane_generations"]
    families: dict[int, set[str]] = {}
    for number, entry in table.items():
        if "compile_target" in entry:
            families.setdefault(int(number), set()).add(entry["compile_target"])
    for chip in kb.chips:
        if chip.ane is not None and chip.ane.compile_target:
            families.setdefault(chip.ane.generation, set()).add(family(chip.ane.compile_target) or "?")
    assert all(len(found) == 1 for found in families.values()), families
    ordered = [int(next(iter(families[n]))[1:]) for n in sorted(families)]
    assert ordered == sorted(set(ordered)) and len(ordered) >= 6


def test_a18_target_is_h17(kb: KnowledgeBase) -> None:
    assert kb.vocab["ane_generations"][str(gen(kb, "a18"))]["compile_target"] == "h17"
