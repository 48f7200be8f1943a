"""The device-fields check: sourced, well-formed and unique device identifiers, model numbers and OS ranges."""

from collections.abc import Callable
from pathlib import Path

from tests.conftest import errors, one, only, where
from tests.device_kb import FIELDS as DEVICE_FIELDS

SOURCE = """sources:
  - url: https://example.org/devices
    title: Device list
    kind: community-doc
    accessed: "2026-01-02\""""

FIELDS = DEVICE_FIELDS.replace("{os}", '{ios: {min: "12.0", max: "18"}}')


def _with_fields(edit: Callable[..., Path], fields: str = FIELDS) -> Path:
    return edit("device/iphone-xs.yaml", "runs_third_party_coreml: true", fields)


def test_sourced_fields_pass(minikb: Path, edit: Callable[..., Path]) -> None:
    _with_fields(edit)
    assert only(errors(minikb), "device-fields") == []


def test_field_without_source(minikb: Path, edit: Callable[..., Path]) -> None:
    path = _with_fields(edit, FIELDS.replace("  model_numbers: [https://example.org/devices]\n", ""))
    problem = one(errors(minikb), "device-fields")
    assert problem.message.startswith("`model_numbers` has no source")
    assert (problem.line, problem.col) == where(path, "model_numbers:")


def test_field_source_must_be_a_record_source(minikb: Path, edit: Callable[..., Path]) -> None:
    path = _with_fields(edit, FIELDS.replace("name_zh: [https://example.org/devices]",
                                             "name_zh: [https://example.org/elsewhere]"))
    problem = one(errors(minikb), "device-fields")
    assert problem.message == "https://example.org/elsewhere is not one of this record's sources: add it to `sources`"
    assert problem.line == where(path, "https://example.org/elsewhere")[0]


def test_source_for_a_missing_field(minikb: Path, edit: Callable[..., Path]) -> None:
    _with_fields(edit, FIELDS.replace("name_zh: iPhone XS\n", ""))
    problem = one(errors(minikb), "device-fields")
    assert problem.message == "field_sources.name_zh cites sources for a field this record does not give"


def test_machine_id_of_another_device_type(minikb: Path, edit: Callable[..., Path]) -> None:
    path = _with_fields(edit, FIELDS.replace("- iPhone11,2", "- Mac14,2"))
    problem = one(errors(minikb), "device-fields")
    assert problem.message.startswith("Mac14,2 does not fit a device of type iphone")
    assert (problem.line, problem.col) == where(path, "Mac14,2")


def test_os_min_after_max(minikb: Path, edit: Callable[..., Path]) -> None:
    _with_fields(edit, FIELDS.replace('{min: "12.0", max: "18"}', '{min: "19.1", max: "18"}'))
    assert one(errors(minikb), "device-fields").message == "os.ios: min 19.1 is newer than max 18"


def test_os_max_covers_its_release_line(minikb: Path, edit: Callable[..., Path]) -> None:
    _with_fields(edit, FIELDS.replace('{min: "12.0", max: "18"}', '{min: "18.1", max: "18"}'))
    assert only(errors(minikb), "device-fields") == []


def test_identifier_on_two_devices(minikb: Path, edit: Callable[..., Path]) -> None:
    path = _with_fields(edit)
    first = path.read_text(encoding="utf-8")
    twin = minikb / "device" / "iphone-xs-twin.yaml"
    twin.write_text(first.replace("id: iphone-xs", "id: iphone-xs-twin").replace("  - A2097\n", "")
                    .replace("name: iPhone XS", "name: iPhone XS twin")
                    .replace('aliases: ["iPhone Xs"]', 'aliases: ["iPhone Xs twin"]'), encoding="utf-8")
    found = only(errors(minikb), "device-fields")
    assert sorted(p.message for p in found) == [
        "A1920 is also given by device/iphone-xs-twin: a model number names one device only",
        "iPhone11,2 is also given by device/iphone-xs-twin: a machine identifier names one device only"]
    assert {p.line for p in found} == {where(path, "iPhone11,2")[0], where(path, "A1920")[0]}
