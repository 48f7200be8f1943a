from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where


def test_the_fixture_topics_are_covered(minikb: Path) -> None:
    assert [p for p in errors(minikb) if p.check == "topics"] == []


def test_a_topic_without_a_record_fails(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("_vocab/topics.yaml", "records: [device/iphone-xs]", "records: []")
    problem = one(errors(minikb), "topics")
    assert problem.message == "topic 'which-devices' has no record: write one, or list the records that cover it"
    assert (problem.line, problem.col) == where(path, "label: {en: Which")


def test_a_topic_naming_a_missing_record_fails(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("_vocab/topics.yaml", "chip/a12", "anecdote/gone")
    problem = one(errors(minikb), "topics")
    assert problem.message == "topic 'fp16-range' names anecdote/gone, which is not a record"
    assert (problem.line, problem.col) == where(path, "anecdote/gone")


def test_a_topic_naming_a_moved_record_says_where_it_went(minikb: Path, edit: Callable[..., Path]) -> None:
    (minikb / "device/iphone-xs.yaml").rename(minikb / "device/iphone-xs-2018.yaml")
    edit("device/iphone-xs-2018.yaml", "id: iphone-xs", "id: iphone-xs-2018")
    (minikb / "device/iphone-xs.yaml").write_text(
        "id: iphone-xs\nkind: device\nstatus: moved\nredirect_to: device/iphone-xs-2018\ndate: \"2026-01-02\"\n",
        encoding="utf-8")
    problem = one(errors(minikb), "topics")
    assert problem.message == ("topic 'which-devices' names device/iphone-xs, which moved to device/iphone-xs-2018: "
                               "name the new record")


def test_the_real_topics_are_all_covered() -> None:
    from generator.kb import load_kb
    from generator.lint import topics
    from generator.lint.context import Context
    from tests.conftest import ROOT

    kb = load_kb(ROOT / "kb")
    assert kb.vocab_data("topics")["topics"], "kb/_vocab/topics.yaml lists no topic"
    assert [p.format() for p in topics.check(Context(kb))] == []
