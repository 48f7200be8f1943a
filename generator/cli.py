"""python -m generator <command>: validate, export, build, new, fix, changelog and observe."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path

from . import export as exporter
from . import readme_counts
from .atomic import write_text
from .kb import KB, KINDS, load_kb
from .kb_files import shown_path
from .lint import lint
from .history import Changes
from .problems import Problem

DEFAULT_KB = Path("kb")
DEFAULT_EXPORT = Path("src/ane_kb/data/kb.json")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m generator", description="Validate and export the ane-kb knowledge base.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    validate = commands.add_parser("validate", help="lint every record and vocabulary; exit 1 on any problem")
    validate.add_argument("kb_dir", nargs="?", type=Path, help="the KB folder (default: kb/)")
    validate.add_argument("--kb", type=Path, dest="kb_opt", help="the KB folder (default: kb/)")
    validate.add_argument("--base", metavar="REF", help="also reject ids that existed at this git ref and vanished "
                                                        "without a tombstone, and check the data_version bump")
    export = commands.add_parser("export", help="validate, then write the JSON export")
    export.add_argument("--kb", type=Path, dest="kb_opt", help="the KB folder (default: kb/)")
    export.add_argument("--out", type=Path, default=DEFAULT_EXPORT, help=f"where to write (default: {DEFAULT_EXPORT})")
    export.add_argument("--readme", type=Path, default=None,
                        help="README whose record-count block to refresh (default: README.md for the default KB)")
    build = commands.add_parser("build", help="validate, export, generate pages and build the site in both languages")
    build.add_argument("--kb", type=Path, dest="kb_opt", help="the KB folder (default: kb/)")
    build.add_argument("--out", type=Path, default=Path("site"), help="the site folder (default: site/)")
    new = commands.add_parser("new", help="write a record with every required field as a placeholder to fill")
    new.add_argument("record_kind", metavar="KIND", help="chip, device, layer-rule, precision, anecdote or howto")
    new.add_argument("record_id", metavar="ID", help="the new record's id (kebab-case)")
    new.add_argument("--kb", type=Path, dest="kb_opt", help="the KB folder (default: kb/)")
    fix = commands.add_parser("fix", help="rewrite records in canonical form (key order, quoting, wrapping)")
    fix.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="record files (default: every record)")
    fix.add_argument("--kb", type=Path, dest="kb_opt", help="the KB folder (default: kb/)")
    changelog = commands.add_parser("changelog", help="added, changed, moved and removed ids since a git ref")
    changelog.add_argument("--since", required=True, metavar="REF", help="a commit, tag or branch")
    changelog.add_argument("--kb", type=Path, dest="kb_opt", help="the KB folder (default: kb/)")
    changelog.add_argument("--lang", choices=("en", "zh", "both"), default="both")
    observe = commands.add_parser("observe", help="draft observations (or a new rule) from a placement file, as a "
                                                   "patch to review and finish")
    observe.add_argument("placement", type=Path, metavar="FILE", help="a placement file (schema/placement.schema.json)")
    observe.add_argument("--source", metavar="URL", help="where the placement file is published (an issue, a pull "
                                                         "request); default: the file's own source URL")
    observe.add_argument("--out", type=Path, metavar="PATCH", help="where to write the patch (default: standard output)")
    observe.add_argument("--model", type=Path, metavar="MODEL", help="the measured model: fill in each op's parameters "
                                                                     "from it (for files from the iOS snippet or by hand)")
    observe.add_argument("--kb", type=Path, dest="kb_opt", help="the KB folder (default: kb/)")
    return parser


def _kb_dir(args: argparse.Namespace) -> Path:
    kb_dir: Path = getattr(args, "kb_dir", None) or args.kb_opt or DEFAULT_KB
    if not kb_dir.is_dir():
        raise UsageError(f"KB folder not found: {kb_dir}")
    return kb_dir


def _report(problems: list[Problem]) -> int:
    errors = [p for p in problems if not p.warning]
    for problem in problems:
        print(problem.format())
    warnings = len(problems) - len(errors)
    if problems:
        print(f"{len(errors)} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors else 0


def check_kb(kb_dir: Path) -> tuple[KB, list[Problem]]:
    """Load and lint a KB. The cyclic garbage collector is paused meanwhile: the loaded data
    holds no cycles, and on large KBs the collector's repeated scans cost more than the lint."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        kb = load_kb(kb_dir)
        return kb, lint(kb)
    finally:
        if enabled:
            gc.enable()


def validated(kb_dir: Path) -> tuple[KB, int]:
    kb, problems = check_kb(kb_dir)
    return kb, _report(problems)


def cmd_validate(args: argparse.Namespace) -> int:
    kb_dir = _kb_dir(args)
    kb, problems = check_kb(kb_dir)
    if args.base:
        problems = problems + _history_problems(kb, args.base)
    status = _report(problems)
    if status == 0:
        print(f"{shown_path(kb.root)}: {len(kb.records)} records valid", file=sys.stderr)
    return status


def _changes(kb: KB, ref: str) -> Changes:
    from . import history

    try:
        old = history.export_at(Path.cwd(), ref)
    except history.HistoryError as exc:
        raise UsageError(str(exc)) from None
    return history.compare(old, exporter.build(kb))


def _history_problems(kb: KB, ref: str) -> list[Problem]:
    from . import history

    if any(not p.warning for p in lint(kb)):
        return []
    changes = _changes(kb, ref)
    problems = [Problem(kb.shown(*ref_.split("/", 1)) + ".yaml", 1, 1, "vanished-id",
                        f"{ref_} existed at {ref} but is gone; leave a tombstone here (status: moved with redirect_to, "
                        f"or status: removed with a reason)") for ref_ in changes.vanished]
    bump = history.bump_problem(changes)
    if bump:
        problems.append(Problem(kb.shown("_vocab", "settings.yaml"), 1, 1, "data-version", bump, warning=True))
    return problems


def cmd_changelog(args: argparse.Namespace) -> int:
    from .changelog import render

    kb, status = validated(_kb_dir(args))
    if status:
        return status
    changes = _changes(kb, args.since)
    langs = ("en", "zh") if args.lang == "both" else (args.lang,)
    for lang in langs:
        titles = {e.ref: e.data["title"][lang] for e in kb.records}
        print(render(changes, args.since, lang, titles))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    kb_dir = _kb_dir(args)
    kb, status = validated(kb_dir)
    if status:
        print(f"export: nothing written; {shown_path(args.out)} is unchanged", file=sys.stderr)
        return status
    document = exporter.build(kb)
    problems = exporter.export_problems(document, shown_path(args.out))
    if problems:
        return _report(problems)
    write_text(args.out, exporter.dumps(document))
    exporter.ship_schemas(args.out.parent / "schema")
    exporter.ship_kinds(args.out.parent / "kinds", document)
    readme = args.readme or (Path("README.md") if kb_dir.resolve() == DEFAULT_KB.resolve() else None)
    if readme is not None and readme.exists():
        readme_counts.refresh(readme, document)
    print(f"export: wrote {shown_path(args.out)} ({len(kb.records)} records)", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .site.build import BuildError, build_site

    kb, status = validated(_kb_dir(args))
    if status:
        print(f"build: nothing written; {shown_path(args.out)} is unchanged", file=sys.stderr)
        return status
    try:
        timings = build_site(kb, args.out)
    except BuildError as exc:
        print(f"{shown_path(args.out)}:1:1: mkdocs: {exc}")
        print(f"build: nothing written; {shown_path(args.out)} is unchanged", file=sys.stderr)
        return 1
    print(f"build: wrote {shown_path(args.out)} ({len(kb.records)} records; pages {timings.generate:.1f} s, "
          f"mkdocs {timings.mkdocs:.1f} s)", file=sys.stderr)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, create

    try:
        path = create(_kb_dir(args), args.record_kind, args.record_id)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    print(f"new: wrote {shown_path(path)}; fill in every TODO, then run python -m generator validate", file=sys.stderr)
    return 0


def cmd_fix(args: argparse.Namespace) -> int:
    from .fixer import fix_paths

    kb_dir = _kb_dir(args)
    paths = args.paths or sorted(p for kind in KINDS for p in (kb_dir / kind).glob("*.yaml"))
    problems, changed = fix_paths(paths)
    for problem in problems:
        print(problem.format())
    print(f"fix: {len(changed)} file(s) rewritten, {len(problems)} left unchanged because of problems", file=sys.stderr)
    return 1 if problems else 0


def cmd_observe(args: argparse.Namespace) -> int:
    from .observe import URL, ObserveError, observe, patch_base, patch_text

    kb_dir = _kb_dir(args)
    if args.source is not None and not URL.match(args.source):
        raise UsageError(f"--source {args.source!r}: give the https:// address where the placement file is published")
    if args.out is not None and args.out.is_dir():
        raise UsageError(f"--out {shown_path(args.out)}: is a folder; give a file name, e.g. observe.patch")
    try:
        draft = observe(kb_dir, args.placement, args.source, model=args.model)
    except ObserveError as exc:
        status = _report(exc.problems)
        print("observe: nothing written", file=sys.stderr)
        return status
    for note in draft.notes:
        print(f"observe: {note}", file=sys.stderr)
    if not draft.changes:
        print("observe: nothing to add; no patch written", file=sys.stderr)
        return 0
    patch = patch_text(draft, patch_base(kb_dir))
    if args.out is None:
        sys.stdout.write(patch)
    else:
        write_text(args.out, patch)
        print(f"observe: wrote {shown_path(args.out)} ({len(draft.changes)} file(s)); review it, then git apply it "
              f"and finish every TODO until python -m generator validate passes", file=sys.stderr)
    return 0


COMMANDS = {"validate": cmd_validate, "export": cmd_export, "build": cmd_build, "new": cmd_new, "fix": cmd_fix,
            "changelog": cmd_changelog, "observe": cmd_observe}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.command is None:
            raise UsageError(f"a command is required: {', '.join(COMMANDS)}")
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"python -m generator: error: {exc}", file=sys.stderr)
        return 2
