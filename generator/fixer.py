"""Apply the canonical form to record files, leaving any file that does not load untouched."""

from __future__ import annotations

from pathlib import Path

from . import canonical
from .kb import KINDS
from .kb_files import read_yaml, shown_path
from .problems import Problem


def fix_paths(paths: list[Path]) -> tuple[list[Problem], list[Path]]:
    """(problems, rewritten files). A file with a problem is reported and left byte for byte as it was."""
    formatter = canonical.Formatter()
    problems: list[Problem] = []
    changed: list[Path] = []
    for path in paths:
        shown = shown_path(path)
        kind = path.parent.name
        if kind not in KINDS or path.suffix != ".yaml" or not path.is_file():
            problems.append(Problem(shown, 1, 1, "fix", f"not a record file (expected kb/<kind>/<id>.yaml)"))
            continue
        loaded, load_problems = read_yaml(path)
        fatal = [p for p in load_problems if p.check != "yaml-typing"]
        if loaded.doc is None or fatal:
            problems.extend(fatal or load_problems)
            continue
        try:
            if canonical.fix_file(path, kind, formatter):
                changed.append(path)
        except Exception as exc:  # noqa: BLE001 - any formatter failure is reported, the file is left alone
            problems.append(Problem(shown, 1, 1, "fix", f"cannot rewrite this file ({exc.__class__.__name__}); it is unchanged"))
    return problems, changed
