"""A device's name in the page's language."""

from __future__ import annotations

from ane_kb.records import Device


def device_name(device: Device, lang: str) -> str:
    """The device's name in the page's language. Hook for the device records' zh names (issue 19): a `name_zh`
    field, when a record has one, names the device on zh pages; until then the record's zh title does (the title
    is the product name, and may be the same in both languages)."""
    if lang == "zh":
        zh = getattr(device, "name_zh", None) or device.raw.get("name_zh")
        if zh:
            return str(zh)
        title = device.title.text("zh")
        if title and title != device.title.text("en"):
            return title
    return device.name


def with_year(name: str, year: int) -> str:
    """"iPad Air (2024)", unless the name already says its year (the zh titles do: "iPad（第十代，2022 年）")."""
    return name if str(year) in name else f"{name} ({year})"
