"""Loading kb.json: lazily, with the standard library only, and clear errors for broken files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ane_kb import DataError, load
from tests.conftest import ROOT


def test_import_loads_no_heavy_modules() -> None:
    code = ("import sys, ane_kb; from ane_kb import rules; "
            "heavy = [m for m in ('yaml', 'jsonschema', 'mkdocs', 'coremltools', 'numpy', 'generator') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_import_is_lazy() -> None:
    code = "import sys, ane_kb; print('ane_kb.knowledge' in sys.modules, ane_kb.default.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("0")


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
