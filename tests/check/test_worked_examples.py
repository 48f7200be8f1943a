"""Every worked example a model can express becomes a one-op model; the checker must agree with it.

Examples whose values no builder here can produce (model-level sizes of gigabytes, flexible shapes,
ops without a builder) are listed, so the gap is visible rather than silent. `unknown` examples are
about values a file does not record, so they have no model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import ane_kb
from ane_kb.check import check_model
from ane_kb.conditions import as_list
from tests.check.example_models import BUILDERS, build

def _id(case: tuple[Any, Any]) -> str:
    rule, example = case
    return f"{rule.id}:{example.format}:{example.op}:{example.expect}:{sorted(example.params.items())}"


CASES = [(rule, example) for collection in (ane_kb.rules, ane_kb.precision) for rule in collection
         if rule.condition is not None and rule.scope == "op" for example in rule.examples
         if example.expect != "unknown"]
UNBUILDABLE = {  # example: why no model built here carries these values
    "embedding-lookup-vocab-limit:mlprogram:gather:match:[('input_dims', [50257, 768])]": "a 50257×768 table is too big",
    "embedding-lookup-vocab-limit:mlprogram:gather:no-match:[('input_dims', [32768, 768])]": "a 32768×768 table is too big",
    "enumerated-shapes-matmul-ventura:mlprogram:matmul:match:[('model_input_shape_kind', 'enumerated')]":
        "flexible input shapes are not built here",
    "enumerated-shapes-matmul-ventura:mlprogram:matmul:no-match:[('model_input_shape_kind', 'fixed')]":
        "flexible input shapes are not built here",
    "enumerated-shapes-rank3-layer-norm:mlprogram:layer_norm:match:[('model_input_shape_kind', 'enumerated'), ('rank', 3)]":
        "flexible input shapes are not built here",
    "enumerated-shapes-rank3-layer-norm:mlprogram:layer_norm:no-match:[('model_input_shape_kind', 'enumerated'), ('rank', 4)]":
        "flexible input shapes are not built here",
    "tensor-rank-limit:mlprogram:reshape:match:[('output_role', 'activation'), ('rank', 6)]":
        "coremltools refuses to save a rank-6 tensor",
    "fp32-typed-op-off-ane:mlprogram:cast:no-match:[('dtype', 'fp32'), ('input_dtype', 'fp16')]":
        "the builder here casts only from int32",
}
BUILDABLE = [(r, e) for r, e in CASES if (e.format, e.op) in BUILDERS and _id((r, e)) not in UNBUILDABLE]


def test_most_op_examples_have_a_builder() -> None:
    """The op-level examples left without a builder are listed in the failure; keep the share high."""
    assert len(CASES) > 60
    assert len(BUILDABLE) / len(CASES) > 0.6, [_id(c) for c in CASES if c not in BUILDABLE]


@pytest.mark.parametrize("case", BUILDABLE, ids=_id)
def test_checker_agrees_with_the_worked_example(case: tuple[Any, Any], tmp_path: Path) -> None:
    rule, example = case
    suffix = ".mlpackage" if example.format == "mlprogram" else ".mlmodel"
    path = build(example.format, example.op, dict(example.params), tmp_path / f"model{suffix}")
    assert path is not None, "listed in UNBUILDABLE instead"
    report = check_model(path)
    assert report.error is None, report.error
    target = _reported(report.findings, rule.ref, example.op)
    summarised = [f for f in report.findings if f.rule == rule.ref and f.layer is None
                  and f"({example.op})" in f.message or (f.rule == rule.ref and f.layer is None and example.op in f.message)]
    if example.expect == "match":
        assert target or summarised, [(f.rule, f.op, f.message) for f in report.findings]
        for values in target:
            for name, value in example.params.items():
                if name in values:
                    assert as_list(values[name]) == as_list(value), (name, values)
    else:
        assert not target and not summarised, [(f.rule, f.op, f.values) for f in report.findings]


def _reported(findings: list[Any], ref: str, op: str) -> list[dict[str, Any]]:
    """The values of every finding of rule `ref` on an `op`, reported or listed under another rule of its family
    (`values.also`). A finding about a constant names the op that uses it, with the constants in its values."""
    found = []
    for finding in findings:
        for rule, values in [(finding.rule, finding.values),
                             *((also["rule"], also["values"]) for also in finding.values.get("also", []))]:
            if rule == ref and finding.layer is not None and (finding.op == op or op == "const" and "constants" in values):
                found.append(values)
    return found


@pytest.mark.parametrize("case", [c for c in CASES if _id(c) in UNBUILDABLE], ids=_id)
def test_unbuildable_examples_are_really_refused(case: tuple[Any, Any]) -> None:
    rule, example = case
    assert build(example.format, example.op, dict(example.params), Path("/nonexistent/never-written")) is None
    assert len(UNBUILDABLE) <= 12
