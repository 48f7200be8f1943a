"""Every how-to kb/_vocab/howto-order.yaml lists as a basic exists (the index drops unknown ones silently)."""

from __future__ import annotations

from ane_kb import load
from generator.site.index_pages import basics


def test_every_basic_howto_exists_and_leads_the_index() -> None:
    kb = load()
    listed = kb.vocab["howto_basics"]
    assert listed and [rec.ref for rec in basics(kb)] == listed
