from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, where


def test_the_fixture_topics_are_covered(minikb: Path) -> None:
    assert [p for p in errors(minikb) if p.check == "topics"] == []


def test_a_topic_without_a_record_fails(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("_vocab/topics.yaml", "records: [layer-rule/pool-big]", "records: []")
    problem = one(errors(minikb), "topics")
    assert problem.message == "topic 'pooling-limits' has no record: write one, or list the records that cover it"
    assert (problem.line, problem.col) == where(path, "label: {en: Pooling")


def test_a_topic_naming_a_missing_record_fails(minikb: Path, edit: Callable[..., Path]) -> None:
    path = edit("_vocab/topics.yaml", "anecdote/slow-fp16", "anecdote/gone")
    problem = one(errors(minikb), "topics")
    assert problem.message == "topic 'fp16-range' names anecdote/gone, which is not a record"
    assert (problem.line, problem.col) == where(path, "anecdote/gone")


def test_the_real_topics_are_all_covered() -> None:
    from generator.kb import load_kb
    from generator.lint import topics
    from generator.lint.context import Context
    from tests.conftest import ROOT

    kb = load_kb(ROOT / "kb")
    assert kb.vocab_data("topics")["topics"], "kb/_vocab/topics.yaml lists no topic"
    assert [p.format() for p in topics.check(Context(kb))] == []
