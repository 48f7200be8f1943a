from collections.abc import Callable
from pathlib import Path

import pytest

from generator.lint import zh_terms
from tests.conftest import ROOT, errors, one, only, where

SUMMARY = "zh: 暂停应用，查看是否有名称中带`ANE`的线程。"
ANE = "'ANE' in Chinese text: write 神经引擎"


def _zh_terms(kb_dir: Path) -> list[str]:
    return [p.message for p in only(errors(kb_dir), "zh-terms")]


def test_the_fixture_follows_the_table(minikb: Path) -> None:
    assert _zh_terms(minikb) == []


def test_bare_ane_in_running_text_is_an_error_at_its_field(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("howto/check-thread.yaml", SUMMARY, "zh: 暂停应用，查看 ANE 是否在工作。")
    problem = one(errors(minikb), "zh-terms")
    assert problem.message.startswith(ANE), problem.message
    assert "查看 ANE 是否" in problem.message
    assert (problem.line, problem.col) == where(path, "暂停应用，查看 ANE")


def test_a_title_is_checked_too(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("howto/check-thread.yaml", "zh: 在调试器中查找神经引擎线程", "zh: 在调试器中查找 ANE 线程")
    assert len(_zh_terms(minikb)) == 1


@pytest.mark.parametrize("text", [
    "zh: 暂停应用，查看名为`H11ANEServicesThread`的线程。",
    "zh: 暂停应用，查看名为 H11ANEServicesThread 的线程。",
    "zh: 暂停应用，查看由 ANECompiler 或 ANE1 处理的线程。",
    "zh: 暂停应用，对照 ml-ane-transformers 和 ANE-Bench 查看线程。",
    "zh: 暂停应用，参照 ANE Transformers 的做法查看线程。",
    "zh: '暂停应用，按[这篇说明](https://example.org/ANE/threads)查看线程。'",
    "zh: 暂停应用，按 https://example.org/ANE 查看线程。",
    "zh: 苹果神经引擎（ANE）有自己的线程：暂停应用即可看到。",
])
def test_code_names_links_and_one_introduction_are_allowed(minikb: Path, edit: Callable[..., Path], text: str) -> None:
    edit("howto/check-thread.yaml", SUMMARY, text)
    assert _zh_terms(minikb) == []


def test_the_introduction_is_allowed_only_once(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("howto/check-thread.yaml", SUMMARY, "zh: 神经引擎（ANE）有线程；暂停应用，就能看到神经引擎（ANE）的线程。")
    [message] = _zh_terms(minikb)
    assert message.startswith("'ANE' is introduced only once, as the first 神经引擎（ANE） of a text")


def test_the_introduction_in_a_later_field_after_a_first_one_is_an_error(minikb: Path,
                                                                           edit: Callable[..., Path]) -> None:
    edit("howto/check-thread.yaml", "zh: 在调试器中查找神经引擎线程", "zh: 在调试器中查找神经引擎（ANE）线程")
    edit("howto/check-thread.yaml", SUMMARY, "zh: 暂停应用，查看神经引擎（ANE）的线程。")
    assert len(_zh_terms(minikb)) == 1


def test_fp16_is_first_written_half_precision(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("precision/fp16-range.yaml", "zh: 半精度（fp16）的取值范围", "zh: fp16 的取值范围")
    problem = one(errors(minikb), "zh-terms")
    assert problem.message.startswith("the first mention of 半精度 in a text is written 半精度（fp16）")
    assert (problem.line, problem.col) == where(path, "fp16 的取值范围")


@pytest.mark.parametrize("title", ["zh: 半精度的取值范围", "zh: float16 的取值范围", "zh: FP16 的取值范围"])
def test_any_first_mention_counts(minikb: Path, edit: Callable[..., Path], title: str) -> None:
    edit("precision/fp16-range.yaml", "zh: 半精度（fp16）的取值范围", title)
    assert len(_zh_terms(minikb)) == 1


def test_later_mentions_may_be_plain_fp16_and_code_is_not_a_mention(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("precision/fp16-range.yaml", "zh: 半精度（fp16）的取值范围", "zh: 数值`float16`的取值范围")
    edit("precision/fp16-range.yaml", "zh: 在 fp16 中，", "zh: 在半精度（fp16）中，")
    assert _zh_terms(minikb) == []


@pytest.mark.parametrize(("text", "shown"), [
    ("zh: 暂停应用，查看宽 head 注意力的线程。", "'宽 head' in Chinese text: write 宽注意力头"),
    ("zh: 这部手机基于 A12 Bionic 芯片，暂停应用可以看到线程。", "'基于 A12 Bionic 芯片' in Chinese text: write 搭载"),
    ("zh: 暂停应用，查看 3 位调色板模型的线程。", "'3 位调色板' in Chinese text: write 调色板量化"),
])
def test_other_avoided_forms(minikb: Path, edit: Callable[..., Path], text: str, shown: str) -> None:
    edit("howto/check-thread.yaml", SUMMARY, text)
    [message] = _zh_terms(minikb)
    assert message.startswith(shown), message


def test_the_table_drives_the_check(minikb: Path, edit: Callable[..., Path]) -> None:
    edit("howto/check-thread.yaml", SUMMARY, "zh: 暂停应用，查看宽 head 注意力的线程。")
    edit("_vocab/glossary.yaml", '- {text: "宽 head"}', '- {text: "宽 tail"}')
    assert _zh_terms(minikb) == []
    edit("_vocab/glossary.yaml", '- {text: "宽 tail"}', '- {text: "注意力的线程"}')
    assert _zh_terms(minikb) == ["'注意力的线程' in Chinese text: write 宽注意力头 (…看宽 head 注意力的线程。…)"]


def test_a_pattern_that_does_not_compile_is_reported_at_the_table(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("_vocab/glossary.yaml", r'{pattern: "\\d\\s*位调色板', r'{pattern: "(\\d\\s*位调色板')
    problem = one(errors(minikb), "zh-terms")
    assert problem.message.startswith("terminology row '调色板量化' has a pattern that does not compile")
    assert problem.path.endswith("glossary.yaml")
    assert problem.line == where(path, "- preferred: \"调色板量化\"")[0]


def test_running_text_blanks_code_and_links_but_keeps_offsets() -> None:
    text = "见`ANE`和[说明](https://x.org/ANE)，以及 https://y.org/ANE 。"
    kept = zh_terms.running_text(text)
    assert len(kept) == len(text)
    assert "ANE" not in kept and "说明" in kept


def test_the_real_kb_follows_the_table() -> None:
    from generator.kb import load_kb
    from generator.lint.context import Context

    kb = load_kb(ROOT / "kb")
    assert kb.vocab_data("glossary")["terminology"], "the glossary has no terminology table"
    assert [p.format() for p in zh_terms.check(Context(kb))] == []


def test_vocabulary_texts_are_checked_for_avoided_forms(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("_vocab/topics.yaml", "zh: 哪些设备有神经引擎}", "zh: 哪些设备有 ANE}")
    problem = one(errors(minikb), "zh-terms")
    assert problem.message.startswith(ANE) and problem.path.endswith("topics.yaml")
    assert problem.line == where(path, "哪些设备有 ANE")[0]


def test_vocabulary_labels_need_no_half_precision_introduction(minikb: Path) -> None:
    topics = (minikb / "_vocab/topics.yaml").read_text(encoding="utf-8")
    assert "zh: 半精度（fp16）的取值范围" not in topics and "fp16" in topics
    assert _zh_terms(minikb) == []


@pytest.mark.parametrize("name", ["browser.md", "check.md", "coreai.md", "placement.md", "use-in-code.md"])
def test_the_hand_written_zh_pages_follow_the_table(name: str) -> None:
    import re

    import yaml

    rows = yaml.safe_load((ROOT / "kb/_vocab/glossary.yaml").read_text(encoding="utf-8"))["terminology"]
    text = (ROOT / "docs/zh" / name).read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", lambda m: " " * len(m.group(0)), text)  # markup, not prose
    found = [message for row in rows for _, message in zh_terms.check_text(zh_terms._term(row), [((name,), text)])]
    assert found == []
