from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where


def test_missing_zh(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "  zh: 一颗较新的测试芯片。\n", "")
    problems = errors(minikb)
    schema = one(problems, "schema")
    assert schema.message == "missing required field 'zh' in summary"
    assert (schema.line, schema.col) == where(path, "en: A newer")
    assert one(problems, "languages").message == "the Chinese text (zh) is missing or empty"


def test_empty_en(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "en: A newer test chip.", "en: ''")
    problem = one(errors(minikb), "languages")
    assert problem.message == "the English text (en) is missing or empty"
    assert (problem.line, problem.col) == where(path, "''")


def test_swapped_languages(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "  en: A newer test chip.\n  zh: 一颗较新的测试芯片。",
                "  en: 一颗较新的测试芯片。\n  zh: A newer test chip.")
    problem = one(errors(minikb), "languages")
    assert problem.message == "en and zh look swapped: the en text is Chinese and the zh text is not"
    assert (problem.line, problem.col) == where(path, "一颗")


def test_zh_without_chinese(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "zh: 一颗较新的测试芯片。", "zh: A newer test chip, untranslated.")
    problem = one(errors(minikb), "languages")
    assert problem.message == "the zh text has no Chinese in it"
    assert (problem.line, problem.col) == where(path, "A newer test chip, untranslated.")


def test_chinese_inside_en(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/m4.yaml", "en: A newer test chip.", "en: A newer 测试 chip.")
    assert one(errors(minikb), "languages").message == "the en text contains Chinese characters"


def test_a_title_may_be_the_same_proper_name_in_both(minikb: Path) -> None:
    assert errors(minikb) == []  # chip titles are {en: M4, zh: M4} in the fixture


def test_code_spans_do_not_count_as_chinese(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/m4.yaml", "zh: 一颗较新的测试芯片。", "zh: 'See `芯片` only'")
    assert one(errors(minikb), "languages").message == "the zh text has no Chinese in it"


def test_folded_chinese_gets_spaces_between_characters(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("chip/m4.yaml", "  zh: 一颗较新的测试芯片。", "  zh: >-\n    一颗较新的\n    测试芯片。")
    problem = one(errors(minikb), "languages")
    assert problem.message.startswith("the zh text has a space between two Chinese characters")
    assert (problem.line, problem.col) == where(path, ">-")


def test_spaces_around_latin_words_in_chinese_are_fine(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("chip/m4.yaml", "  zh: 一颗较新的测试芯片。", "  zh: 一颗搭载 16 核 Neural Engine 的芯片。")
    assert errors(minikb) == []
