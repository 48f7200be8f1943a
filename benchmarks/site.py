"""How much of a site build the generator step takes, against the two mkdocs builds.

Prints medians of 3 builds for the real KB and a synthetic KB of 500 records, measured side by side.
Goal (issue: the site): the generator step is at most 15% of the total.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generator.kb import load_kb  # noqa: E402
from generator.site.build import build_site  # noqa: E402
from goals import TINY, at_most, runs, summary  # noqa: E402
from synthetic_kb import ROOT, make  # noqa: E402


def measure(label: str, kb_dir: Path, count: int = 3) -> None:
    kb = load_kb(kb_dir)
    generate, mkdocs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs(count)):
            timings = build_site(kb, Path(tmp) / "site")
            generate.append(timings.generate)
            mkdocs.append(timings.mkdocs)
    g, m = statistics.median(generate), statistics.median(mkdocs)
    print(f"{label:<18} {len(kb.records):>5} records  generator {g:6.2f} s  mkdocs {m:6.2f} s  "
          f"generator share {at_most(label + ' generator share', g / (g + m) * 100, 15.0, '%')}")


def main() -> None:
    if not TINY:
        measure("real KB (kb/)", ROOT / "kb")
    size = 20 if TINY else 500
    with tempfile.TemporaryDirectory() as tmp:
        measure(f"synthetic {size}", make(Path(tmp) / "kb", size))
    summary("site")


if __name__ == "__main__":
    main()
