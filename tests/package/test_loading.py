"""Loading kb.json: lazily, with the standard library only, and clear errors for broken files."""

import json
import subprocess
import sys
from pathlib import Path

from collections.abc import Callable

import pytest

from ane_kb import DataError, KnowledgeBase, load
from ane_kb.data import INDEX_MAGIC, PerKind
from tests.conftest import ROOT


def test_import_loads_no_heavy_modules() -> None:
    code = ("import sys, ane_kb; from ane_kb import rules; "
            "heavy = [m for m in ('yaml', 'jsonschema', 'mkdocs', 'coremltools', 'numpy', 'generator') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_import_is_lazy() -> None:
    code = "import sys, ane_kb; print(ane_kb._DEFAULT, [m for m in ('json', 'typing', 're') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"


def test_counting_rules_reads_only_the_index() -> None:
    code = ("import sys, ane_kb; from ane_kb import rules; n = len(rules); "
            "print(n > 0, sorted(ane_kb.default()._source._kinds), [m for m in ('json', 'typing', 're') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True [] []"


def test_a_kind_is_read_when_its_records_are_needed() -> None:
    code = ("import ane_kb; ane_kb.rules.matching(format='mlprogram', op='max_pool', params={}); "
            "print(sorted(ane_kb.default()._source._kinds))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "layer-rule" in out.stdout and "device" not in out.stdout and "howto" not in out.stdout


def test_the_per_kind_export_holds_the_same_records_as_kb_json() -> None:
    whole, split = load(ROOT / "src" / "ane_kb" / "data" / "kb.json"), load()
    assert list(split._refs) == list(whole._refs)
    assert all(split.raw(ref) == whole.raw(ref) for ref in whole._refs)
    assert (split.data_version, split.site_url, split.vocab, split.tombstones) == \
        (whole.data_version, whole.site_url, whole.vocab, whole.tombstones)


def _reader(files: dict[str, str]) -> Callable[[str], str]:
    return lambda name: files[name]


def test_a_broken_index_is_a_data_error() -> None:
    with pytest.raises(DataError, match="not an ane-kb index"):
        PerKind(_reader({"kinds/index.txt": "something else\n"}))
    with pytest.raises(DataError, match=r"kinds/index.txt:2: unknown line 'bogus'"):
        PerKind(_reader({"kinds/index.txt": f"{INDEX_MAGIC}\nbogus\tx\n"}))


def test_a_malformed_record_in_a_kind_file_is_a_data_error_when_read() -> None:
    files = {"kinds/index.txt": f"{INDEX_MAGIC}\nkind\tchip\tm4\n", "kinds/chip.json": '{"chip/m4": {"id": "m4"}}'}
    kb = KnowledgeBase(PerKind(_reader(files)))
    assert len(kb.chips) == 1
    with pytest.raises(DataError, match=r"kinds/chip.json: record chip/m4 is malformed"):
        kb.chips["m4"]
    with pytest.raises(DataError, match=r"kinds/chip.json:1:2: not valid JSON"):
        KnowledgeBase(PerKind(_reader({**files, "kinds/chip.json": "{"}))).chips["m4"]


@pytest.mark.parametrize(("content", "message"), [
    (b"{not json", "not valid JSON"),
    (b"[]", "not an ane-kb export (it needs the keys meta, vocab, records)"),
    (b'{"meta": {}, "vocab": {}, "records": []}', "records and meta must be objects"),
    (b"\xff\xfe", "cannot be read (UnicodeDecodeError)"),
])
def test_corrupt_export(tmp_path: Path, content: bytes, message: str) -> None:
    broken = tmp_path / "kb.json"
    broken.write_bytes(content)
    with pytest.raises(DataError) as info:
        load(broken)
    assert str(info.value).startswith(str(broken))
    assert message in str(info.value)


def test_malformed_record(tmp_path: Path, mini_export: Path) -> None:
    document = json.loads(mini_export.read_text(encoding="utf-8"))
    del document["records"]["chip/m4"]["title"]
    broken = tmp_path / "kb.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DataError, match=r"record chip/m4 is malformed \(it lacks one of id, kind, title"):
        load(broken)


def test_missing_export(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        load(tmp_path / "absent.json")


def test_the_schemas_ship_in_the_package_and_are_fresh() -> None:
    shipped = ROOT / "src" / "ane_kb" / "data" / "schema"
    originals = sorted((ROOT / "schema").glob("*.schema.json"))
    assert "export.schema.json" in [p.name for p in originals]
    assert sorted(p.name for p in shipped.glob("*.json")) == [p.name for p in originals]
    for original in originals:
        assert (shipped / original.name).read_text(encoding="utf-8") == original.read_text(encoding="utf-8"), \
            f"{original.name} is stale in the package: run `make export`"
