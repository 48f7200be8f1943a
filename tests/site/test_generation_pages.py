"""Rule pages show the persistence policy, and the glossary explains generations (issue #15)."""

from __future__ import annotations

import pytest

from ane_kb import KnowledgeBase, load
from generator.site.other_pages import glossary_page
from generator.site.record_pages import RecordPage


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


def page(kb: KnowledgeBase, ref: str, lang: str = "en") -> str:
    labels = {level: data["label"][lang] for level, data in kb.vocab["confidence"].items()}
    return RecordPage(kb, lang, labels, "https://example.org/edit").render(kb.record(ref))


def test_a_lifted_rule_page_says_where(kb: KnowledgeBase) -> None:
    text = page(kb, "layer-rule/upsample-scale-too-large")
    assert "**On newer engines.** Observed restricted on engines up to the A14 / M1 generation. Lifted on M4" in text
    assert "seen running on the ANE (lifted); M4" in text
    assert "已在 M4 上解除" in page(kb, "layer-rule/upsample-scale-too-large", "zh")


def test_an_unlifted_rule_page_says_it_is_assumed_to_hold(kb: KnowledgeBase) -> None:
    text = page(kb, "layer-rule/recurrent-layers")
    assert "Observed restricted on A12 Bionic, M4. No observation lifts it, so it is assumed to hold on newer engines." in text


def test_a_rule_about_ops_on_the_ane_has_no_policy_line(kb: KnowledgeBase) -> None:
    assert "On newer engines" not in page(kb, "layer-rule/deconvolution-runs-on-ane")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_glossary_lists_each_generation_and_its_chips(kb: KnowledgeBase, lang: str) -> None:
    text = glossary_page(kb, lang)
    row = next(line for line in text.splitlines() if line.startswith("| 7 |"))
    assert "[A17 Pro](chip/a17-pro.md)" in row and "[M4](chip/m4.md)" in row and "h16" in row
    assert "[M3](chip/m3.md)" in next(line for line in text.splitlines() if line.startswith("| 6 |"))
    assert ("(disputed)" if lang == "en" else "有争议") in next(line for line in text.splitlines() if line.startswith("| 9 |"))
    assert ("## ANE generations" if lang == "en" else "## 神经引擎代际（ANE generations）") in text
