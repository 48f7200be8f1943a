import pytest

from ane_kb import KnowledgeBase


def test_a_match_explains_the_clause_that_fired(kb: KnowledgeBase) -> None:
    [match] = kb.rules.matching(format="mlprogram", op="max_pool", params={"kernel_size": [15, 15], "stride": [1, 1]})
    assert match.rule.id == "pool-big" and match.certain
    assert match.fired == ("kernel_size=[15, 15]: 15 > 13",)
    assert match.unknown == ()


def test_unknown_clauses_are_reported_not_dropped(kb: KnowledgeBase) -> None:
    [match] = kb.rules.matching(format="mlprogram", op="max_pool", params={"kernel_size": [3, 3]})
    assert not match.certain
    assert match.unknown == ("stride is unknown",)


def test_a_clean_op_matches_nothing(kb: KnowledgeBase) -> None:
    assert kb.rules.matching(format="mlprogram", op="max_pool", params={"kernel_size": [3, 3], "stride": [1, 1]}) == []
    assert kb.rules.matching(format="mlprogram", op="conv", params={"kernel_size": [15, 15]}) == []


def test_single_number_counts_as_a_one_element_list(kb: KnowledgeBase) -> None:
    [match] = kb.rules.matching(format="neuralnetwork", op="pooling", params={"kernel_size": 14, "stride": 1})
    assert match.certain


def test_applies_to_filters_by_chip_generation(kb: KnowledgeBase) -> None:
    params = {"kernel_size": [15, 15], "stride": [1, 1]}
    assert len(kb.rules.matching(format="mlprogram", op="max_pool", params=params, chip="a12")) == 1
    assert kb.rules.matching(format="mlprogram", op="max_pool", params=params, chip="chip/m4") == []


def test_os_ranges(kb: KnowledgeBase) -> None:
    params = {"kernel_size": [15, 15], "stride": [1, 1]}
    assert len(kb.rules.matching(format="mlprogram", op="max_pool", params=params, os="ios17.4")) == 1
    assert len(kb.rules.matching(format="mlprogram", op="max_pool", params=params, os="iOS 17")) == 1
    assert kb.rules.matching(format="mlprogram", op="max_pool", params=params, os="ios18") == []
    [match] = kb.rules.matching(format="mlprogram", op="max_pool", params=params, os="macos15")
    assert match.os_note == "this rule names OS ranges only for ios; for macos its range is unknown"


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"format": "onnx", "op": "max_pool"}, ValueError, "unknown format 'onnx'; choose one of: neuralnetwork, mlprogram"),
    ({"format": "mlprogram", "op": "maxpool"}, ValueError, "unknown mlprogram op 'maxpool'; did you mean max_pool"),
    ({"format": "mlprogram", "op": "max_pool", "params": {"kernel": [3]}}, ValueError,
     "unknown op parameter 'kernel'; valid: "),
    ({"format": "mlprogram", "op": "max_pool", "params": {"kernel_size": "big"}}, TypeError,
     "parameter 'kernel_size' takes int_list, not 'big'"),
    ({"format": "mlprogram", "op": "max_pool", "chip": "m9"}, ValueError, "unknown chip 'm9'; valid: a12, m4"),
    ({"format": "mlprogram", "op": "max_pool", "os": "android14"}, ValueError, "unknown OS target 'android14'"),
    ({"format": "mlprogram", "op": "max_pool", "params": {"weight_bytes": 3}}, ValueError, "unknown op parameter 'weight_bytes'"),
])
def test_bad_input_raises_clear_errors(kb: KnowledgeBase, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error) as info:
        kb.rules.matching(**kwargs)
    assert str(info.value).startswith(message)


def test_model_scope_has_its_own_entry_point(kb: KnowledgeBase) -> None:
    assert kb.rules.matching_model(format="mlprogram", params={"weight_bytes": 10}) == []
    with pytest.raises(ValueError, match="unknown model parameter 'kernel_size'"):
        kb.rules.matching_model(format="mlprogram", params={"kernel_size": [3]})
