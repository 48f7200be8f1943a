import pytest

from ane_kb import KnowledgeBase, render_condition

PARAMS = {"kernel_size": {"type": "int_list"}, "dtype": {"type": "string"}, "rank": {"type": "int"},
          "is_deconvolution": {"type": "bool"}}


@pytest.mark.parametrize(("condition", "en", "zh"), [
    (None, "always", "总是成立"),
    ({"param": "kernel_size", "gt": 13}, "any entry of `kernel_size` is greater than 13", "`kernel_size` 的任一元素大于 13"),
    ({"param": "rank", "le": 5}, "`rank` is at most 5", "`rank`不大于 5"),
    ({"param": "dtype", "in": ["fp32", "int32"]}, "`dtype` is one of `fp32`, `int32`", "`dtype`是 `fp32`、`int32` 之一"),
    ({"all": [{"param": "rank", "gt": 4}, {"not": {"param": "is_deconvolution", "eq": True}}]},
     "`rank` is greater than 4 and not (`is_deconvolution` is true)", "`rank`大于 4，且并非（`is_deconvolution`等于 true）"),
    ({"any": [{"param": "rank", "lt": 1}, {"all": [{"param": "rank", "ge": 2}, {"param": "rank", "ne": 3}]}]},
     "`rank` is less than 1 or (`rank` is at least 2 and `rank` is not 3)",
     "`rank`小于 1，或（`rank`不小于 2，且`rank`不等于 3）"),
])
def test_conditions_read_as_sentences(condition: dict, en: str, zh: str) -> None:
    assert render_condition(condition, "en", PARAMS) == en
    assert render_condition(condition, "zh", PARAMS) == zh


def test_unknown_language() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        render_condition(None, "de")


def test_the_knowledge_base_describes_its_rules(kb: KnowledgeBase) -> None:
    rule = kb.rules["pool-big"]
    assert kb.describe(rule) == "any entry of `kernel_size` is greater than 13 or any entry of `stride` is greater than 2"
    assert kb.describe(rule, "zh").startswith("`kernel_size` 的任一元素大于 13，或")
