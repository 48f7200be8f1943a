"""The built site: every record in both languages, clean search indexes, nothing from other hosts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ane_kb import load
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load(ROOT / "src" / "ane_kb" / "data" / "kb.json")


def test_every_record_has_a_page_in_both_languages(built_site: Path, kb) -> None:  # type: ignore[no-untyped-def]
    missing = [f"{prefix}{r.kind}/{r.id}/" for r in kb for prefix in ("", "zh/")
               if not (built_site / prefix / r.kind / r.id / "index.html").is_file()]
    assert missing == []
    assert len(kb) > 300


def test_pages_are_in_their_language(built_site: Path) -> None:
    en = (built_site / "chip" / "a14" / "index.html").read_text(encoding="utf-8")
    zh = (built_site / "zh" / "chip" / "a14" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in en and '<html lang="zh"' in zh
    assert "神经引擎" in zh and "Sources" in en and "来源" in zh


def _index(site: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_zh_index_is_segmented_by_jieba(built_site: Path) -> None:
    docs = _index(built_site / "zh")["docs"]
    text = " ".join(d["text"] for d in docs)
    assert "\u200b" in text
    assert re.search("\u200b神经引擎\u200b|神经引擎\u200b", text), "神经引擎 should be one token (user dictionary)"
    assert any(d["location"].startswith("layer-rule/") for d in docs)


def test_en_index_finds_gather(built_site: Path) -> None:
    docs = _index(built_site)["docs"]
    assert any("gather" in d["title"].lower() and d["location"].startswith("layer-rule/") for d in docs)


def test_indexes_are_per_language(built_site: Path) -> None:
    assert not any(d["location"].startswith("zh/") for d in _index(built_site)["docs"])


def test_nothing_loads_from_other_hosts(built_site: Path) -> None:
    # A rel="canonical" link names the page's public address (from site_url); it loads nothing.
    foreign = re.compile(r"""<(?:script|link(?![^>]*rel="canonical")|img|iframe)[^>]+(?:src|href)=["'](?:https?:)?//""", re.I)
    offenders = [str(p.relative_to(built_site)) for p in built_site.rglob("*.html") if foreign.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    css = "".join(p.read_text(encoding="utf-8") for p in built_site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css


def test_edit_link_points_at_the_yaml_file(built_site: Path, kb) -> None:  # type: ignore[no-untyped-def]
    page = (built_site / "layer-rule" / "pooling-kernel-too-large" / "index.html").read_text(encoding="utf-8")
    settings = kb.meta["settings"]
    assert f'{settings["repo_url"]}/edit/{settings["repo_branch"]}/kb/layer-rule/pooling-kernel-too-large.yaml' in page
    assert "api.github.com" not in page


def test_rule_page_shows_condition_examples_and_applicability(built_site: Path) -> None:
    en = (built_site / "layer-rule" / "pooling-kernel-too-large" / "index.html").read_text(encoding="utf-8")
    zh = (built_site / "zh" / "layer-rule" / "pooling-kernel-too-large" / "index.html").read_text(encoding="utf-8")
    assert "is greater than 13" in en and "大于 13" in zh
    for heading in ("Worked examples", "Applies to", "Observed on", "Sources", "Last checked"):
        assert heading in en
    for heading in ("示例", "适用范围", "观察环境", "来源", "最后核对"):
        assert heading in zh


def test_home_shows_counts(built_site: Path, kb) -> None:  # type: ignore[no-untyped-def]
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert f">{len(kb)}<" in home


@pytest.mark.parametrize("prefix", ["", "zh/"])
def test_check_page_shows_real_output_in_three_formats(built_site: Path, prefix: str) -> None:
    page = (built_site / prefix / "check" / "index.html").read_text(encoding="utf-8")
    assert "<!-- example:" not in page
    assert "layer-rule/recurrent-layers" in page and "uniDirectionalLSTM" in page
    assert "&quot;verdict&quot;" in page or '"verdict"' in page
    assert "sarif-schema-2.1.0.json" in page and "upload-sarif" in page
