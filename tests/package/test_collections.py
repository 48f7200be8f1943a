from pathlib import Path

import pytest

from ane_kb import KnowledgeBase, UnknownIdError
from ane_kb.records import Chip, Device, Rule


def test_collections_have_len_order_and_lookups(kb: KnowledgeBase) -> None:
    assert len(kb.chips) == 2
    assert [c.id for c in kb.chips] == ["a12", "m4"]
    assert kb.chips["a12"] is kb.chips["chip/a12"] is kb.chips.get("a12")
    assert kb.chips.get("nope") is None
    assert "m4" in kb.chips and "chip/m4" in kb.chips and "m5" not in kb.chips
    assert isinstance(kb.chips["m4"], Chip)


def test_unknown_id_names_close_matches(kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownIdError) as info:
        kb.chips["a13"]
    assert str(info.value) == "no chip record 'a13'; did you mean a12?"
    assert isinstance(info.value, KeyError)


def test_records_are_frozen_and_typed(kb: KnowledgeBase) -> None:
    rule = kb.rules["pool-big"]
    assert isinstance(rule, Rule)
    with pytest.raises(AttributeError):
        rule.confidence = "confirmed"  # type: ignore[misc]
    assert rule.identifiers == {"neuralnetwork": ("pooling",), "mlprogram": ("max_pool",)}
    assert rule.effect is not None and rule.effect.to == ("cpu",)
    assert rule.applies_to.ane_generation == (1, 1)
    assert rule.applies_to.os == {"ios": ("13", "17.4")}
    assert rule.sources[0].kind == "community-doc"


def test_bilingual_text(kb: KnowledgeBase) -> None:
    title = kb.rules["pool-big"].title
    assert title.en == "Big pooling windows fall back" and title.text("zh") == "大池化窗口会回退"
    with pytest.raises(ValueError, match="unknown language 'fr'; choose one of: en, zh"):
        title.text("fr")


def test_related_resolves_lazily(kb: KnowledgeBase) -> None:
    assert [r.ref for r in kb.rules["pool-big"].related] == ["chip/a12"]


def test_url_uses_the_exported_site_url(kb: KnowledgeBase) -> None:
    site = kb.meta["settings"]["site_url"]
    assert kb.rules["pool-big"].url() == f"{site}/layer-rule/pool-big/"
    assert kb.rules["pool-big"].url("zh") == f"{site}/zh/layer-rule/pool-big/"


def test_filters(kb: KnowledgeBase) -> None:
    assert [r.id for r in kb.rules.filter(confidence="likely")] == ["pool-big"]
    assert kb.rules.filter(confidence="confirmed") == []
    assert [r.id for r in kb.rules.filter(tag="pooling", format="mlprogram", identifier="max_pool")] == ["pool-big"]
    assert kb.rules.filter(identifier="conv") == []
    with pytest.raises(ValueError, match="unknown confidence 'sure'; choose one of: confirmed, likely"):
        kb.rules.filter(confidence="sure")
    with pytest.raises(ValueError, match="unknown format 'onnx'; choose one of: neuralnetwork, mlprogram"):
        kb.rules.filter(format="onnx")


def test_record_by_bare_or_full_id(kb: KnowledgeBase) -> None:
    assert kb.record("pool-big").ref == "layer-rule/pool-big"
    assert kb.record("chip/m4").ref == "chip/m4"
    with pytest.raises(UnknownIdError, match="no record 'pool-bug'; did you mean"):
        kb.record("pool-bug")


def test_devices_resolve_their_chips(kb: KnowledgeBase) -> None:
    device = kb.devices["iphone-xs"]
    assert isinstance(device, Device)
    assert [c.ref for c in device.chips] == ["chip/a12"]


def test_stable_iteration(mini_export: Path) -> None:
    from ane_kb import load

    assert [r.ref for r in load(mini_export)] == [r.ref for r in load(mini_export)]
