"""The consumer CLI: ane-kb (also python -m ane_kb)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from . import __version__
from .errors import AmbiguousNameError, DataError, UnknownIdError
from .knowledge import KnowledgeBase, load
from .records import Record, Rule
from .device_rules import for_device
from .device_text import device_facts, device_rules_text
from .text_output import device_text, record_text, rules_table

PIPE_CLOSED = 128 + 13  # what a shell reports for a tool killed by SIGPIPE
CONFIDENCE = ("confirmed", "likely", "speculative", "anecdotal", "disputed")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the output (default en)")
    parser.add_argument("--format", choices=("text", "json"), default="text", dest="output", help="output format")
    parser.add_argument("--data", metavar="KB_JSON", help=argparse.SUPPRESS)


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="ane-kb", description="Query the Apple Neural Engine knowledge base.")
    top.add_argument("--version", action="store_true", help="print the package and data versions")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    rules = sub.add_parser("rules", help="list layer rules, optionally for one op, format or confidence")
    rules.add_argument("--op", help="a NeuralNetwork layer type, ML Program op type or Core AI op type, e.g. max_pool")
    rules.add_argument("--model-format", choices=("neuralnetwork", "mlprogram", "coreai"), dest="model_format")
    rules.add_argument("--confidence", choices=CONFIDENCE)
    _common(rules)
    show = sub.add_parser("show", help="show one record by id (kind/id, or a bare id unique across kinds)")
    show.add_argument("id")
    _common(show)
    device = sub.add_parser("device", help="look up a device by name, machine identifier or model number and "
                                          "say whether Core ML can use its ANE")
    device.add_argument("name", nargs="+")
    _common(device)
    check = sub.add_parser("check", help="check Core ML models for layers that likely keep them off the ANE")
    check.add_argument("models", nargs="+", metavar="MODEL", help=".mlmodel or .mlpackage files")
    check.add_argument("--lang", choices=("en", "zh"), default="en")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text", dest="output")
    check.add_argument("--device", help="a device name (with or without its year), a machine identifier (iPhone13,3), "
                                         "a model number (A2341) or a chip id")
    check.add_argument("--os", help="a platform and version, e.g. ios17.4 or macos15")
    check.add_argument("--fail-on", choices=("error", "warning", "never"), default="error", dest="fail_on")
    check.add_argument("--verbose", action="store_true", help="list every op a rule could not be evaluated for, and restrictions lifted on the target's engine")
    check.add_argument("--ignore", action="append", default=[], metavar="RULE", help="a rule to leave out (repeatable)")
    check.add_argument("--compare", action="append", default=[], metavar="FILE",
                       help="a placement file (e.g. from ane-kb probe) to compare the prediction with, op by op")
    check.add_argument("--data", metavar="KB_JSON", help=argparse.SUPPRESS)
    probe = sub.add_parser("probe", help="macOS 14.4+: measure where Core ML places each op and write a placement file")
    probe.add_argument("model", metavar="MODEL", help="an .mlmodel or .mlpackage")
    probe.add_argument("--compute-units", choices=("all", "cpu-and-ne"), default="cpu-and-ne", dest="compute_units")
    probe.add_argument("--out", metavar="FILE", default="placement.json", help="where to write (default placement.json)")
    probe.add_argument("--data", metavar="KB_JSON", help=argparse.SUPPRESS)
    return top


def _one_math_thread() -> None:
    """numpy's OpenBLAS starts a thread a core when it loads, which the checker never gives work: on a small machine
    they slow numpy's import and compete with the weight scan's own threads. A value the user set is kept."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _check(args: argparse.Namespace) -> int:
    _one_math_thread()
    from .check import TargetError, check_models
    from .check.printable import printable
    from .check.proto import ProtoUnavailable, modules
    from .check.text_report import report_text

    kb = load(args.data)
    try:
        for rule in args.ignore:
            kb.record(rule)
    except UnknownIdError as exc:
        raise UsageError(f"--ignore: {exc}") from None
    if args.compare:
        return _compare(kb, args)
    try:
        modules()
        report = check_models(args.models, args.device, args.os, lang=args.lang, ignore=args.ignore, kb=kb,
                              verbose=args.verbose)
    except TargetError as exc:
        raise UsageError(str(exc)) from None
    except ProtoUnavailable as exc:
        raise UsageError(str(exc)) from None
    if args.output == "json":
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif args.output == "sarif":
        from .check.sarif import to_sarif

        print(json.dumps(to_sarif(report, kb, args.lang), ensure_ascii=False, indent=2))
    else:
        print(report_text(report, args.lang, args.verbose, args.fail_on))
    for model in report.models:
        if model.error:
            print(printable(f"ane-kb: error: {model.path}: {model.error}"), file=sys.stderr)
    return report.exit_code(args.fail_on)


def _compare(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    from .check import TargetError
    from .check.compare import CompareError, annotate, checked, table
    from .check.printable import printable
    from .check.proto import ProtoUnavailable, modules
    from .check.text_report import report_text

    try:
        modules()
        report, comparisons = checked(kb, args.models, args.compare, args.device, args.os, lang=args.lang,
                                      ignore=args.ignore, verbose=args.verbose)
    except (TargetError, ProtoUnavailable, CompareError) as exc:
        raise UsageError(str(exc)) from None
    if args.output == "json":
        data = report.to_dict()
        for index, comparison in comparisons.items():
            annotate(kb, data["models"][index], comparison)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif args.output == "sarif":
        from .check.sarif import to_sarif

        print(json.dumps(to_sarif(report, kb, args.lang), ensure_ascii=False, indent=2))
    else:
        for comparison in comparisons.values():  # before the report, whose last line explains the exit code
            print(table(comparison, args.lang) + "\n")
        print(report_text(report, args.lang, args.verbose, args.fail_on))
    for model in report.models:
        if model.error:
            print(printable(f"ane-kb: error: {model.path}: {model.error}"), file=sys.stderr)
    return report.exit_code(args.fail_on)


def _probe(args: argparse.Namespace) -> int:
    from .probe import ProbeError, probe

    try:
        path = probe(args.model, args.compute_units, args.out, load(args.data))
    except ProbeError as exc:
        raise UsageError(str(exc)) from None
    print(f"ane-kb: wrote {path}", file=sys.stderr)
    return 0


def _rules(kb: KnowledgeBase, args: argparse.Namespace) -> tuple[Any, str]:
    found: list[Rule] = kb.rules.filter(confidence=args.confidence, format=args.model_format, identifier=args.op)
    if args.op and not found and not any(args.op in kb.identifiers(f) for f in ("neuralnetwork", "mlprogram", "coreai")):
        raise UsageError(f"unknown op {args.op!r}; give a NeuralNetwork layer type, an ML Program op type or a Core AI op type")
    data = [{"rule": r.ref, "title": r.title.text(args.lang), "confidence": r.confidence,
             "effect": r.effect.kind if r.effect else None, "identifiers": {k: list(v) for k, v in r.identifiers.items()},
             "condition": kb.describe(r, args.lang), "docs": r.url(args.lang)} for r in found]
    return data, rules_table(data, args.lang)


def _show(kb: KnowledgeBase, args: argparse.Namespace) -> tuple[Any, str]:
    try:
        record: Record = kb.record(args.id)
    except UnknownIdError as exc:
        raise UsageError(str(exc)) from None
    data = dict(record.raw, ref=record.ref, docs=record.url(args.lang))
    if isinstance(record, Rule):
        data["condition_text"] = kb.describe(record, args.lang)
    return data, record_text(kb, record, args.lang)


def _device(kb: KnowledgeBase, args: argparse.Namespace) -> tuple[Any, str]:
    name = " ".join(args.name)
    try:
        found = kb.devices.lookup(name)
    except (UnknownIdError, AmbiguousNameError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    usable = kb.coreml_can_use_ane(found)
    data = {"device": found.ref, "name": found.name, "year": found.year, "chips": list(found.chip_refs),
            "has_ane": found.has_ane, "runs_third_party_coreml": found.runs_third_party_coreml,
            "coreml_can_use_ane": usable, "docs": found.url(args.lang)}
    data.update(device_facts(kb, found))
    applicable = for_device(kb, found)
    data["rules"] = [{"rule": a.rule.ref, "effect": a.effect, "confidence": a.rule.confidence, "chips": list(a.chips),
                      "persistence": a.persistence.state if a.persistence else None} for a in applicable]
    return data, device_text(found, usable, args.lang) + "\n" + device_rules_text(kb, found, applicable, args.lang)


COMMANDS: dict[str, Callable[[KnowledgeBase, argparse.Namespace], tuple[Any, str]]] = {
    "rules": _rules, "show": _show, "device": _device}


def main(argv: Sequence[str] | None = None) -> int:
    """The command's exit code. A reader that goes away (`ane-kb check m --format json | head`) ends the run
    quietly, as a killed-by-SIGPIPE tool would: no traceback, exit 141."""
    try:
        code = _main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence(sys.stdout)
        return PIPE_CLOSED
    return code


def _silence(stream: Any) -> None:
    """Point a closed stream at /dev/null, so that Python's flush at exit does not complain about it again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = parser().parse_args(argv)
        if args.version:
            kb = load()
            print(f"ane-kb {__version__} (data {kb.data_version})")
            return 0
        if args.command is None:
            raise UsageError("a command is required: rules, show, device, check, probe (or --version)")
        if args.command == "check":
            return _check(args)
        if args.command == "probe":
            return _probe(args)
        kb = load(args.data)
        data, text = COMMANDS[args.command](kb, args)
    except UsageError as exc:
        print(f"ane-kb: error: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(f"ane-kb: error: {exc}", file=sys.stderr)
        return 2
    if args.output == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print(text)
    return 0
