import pytest

from ane_kb import AmbiguousNameError, KnowledgeBase, UnknownIdError
from ane_kb.device_lookup import normalise


@pytest.mark.parametrize("name", ["iPhone XS", "iphone xs", "iphonexs", "iPhone-XS", "iPhone XS (2018)",
                                  "iPhone XS 2018", "iPhone Xs", "device/iphone-xs", "iphone-xs"])
def test_lookup_forgives_case_spacing_punctuation_and_year(kb: KnowledgeBase, name: str) -> None:
    assert kb.devices.lookup(name).id == "iphone-xs"


def test_wrong_year_is_not_a_match(kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownIdError):
        kb.devices.lookup("iPhone XS (2020)")


def test_unknown_name_lists_close_matches(kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownIdError) as info:
        kb.devices.lookup("iPhone XR")
    assert str(info.value) == "no device named 'iPhone XR'; did you mean iPhone XS (2018)?"


def test_empty_name(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="non-empty"):
        kb.devices.lookup("  ")


def test_normalise() -> None:
    assert normalise("iPad Pro 13-inch (2024)") == "ipadpro13inch2024"


def test_coreml_can_use_ane(kb: KnowledgeBase) -> None:
    assert kb.coreml_can_use_ane("iPhone XS") is True
    assert kb.coreml_can_use_ane("m4") is True
    assert kb.coreml_can_use_ane(kb.chips["a12"]) is True
    with pytest.raises(TypeError):
        kb.coreml_can_use_ane(42)  # type: ignore[arg-type]


def test_ambiguous_error_carries_candidates() -> None:
    error = AmbiguousNameError("two", ("a", "b"))
    assert error.candidates == ("a", "b") and isinstance(error, LookupError)
