"""The vocabularies agree with themselves: parameter files are named after their parameter,
model-level parameters are read from the model, and generations count up from 1."""

from __future__ import annotations

from collections.abc import Iterator

from ..problems import Problem
from .context import Context

NAME = "vocabulary"


def check(ctx: Context) -> Iterator[Problem]:
    for stem, entry in ctx.kb.parameters.items():
        data = entry.data
        if isinstance(data.get("name"), str) and data["name"] != stem:
            yield entry.problem(NAME, f"parameter name '{data['name']}' does not match the file name {stem}.yaml", ("name",))
        extract = data.get("extract") if isinstance(data.get("extract"), dict) else {}
        is_model = data.get("scope") == "model"
        if is_model != ("model" in extract):
            want = "extract.model" if is_model else "extract.neuralnetwork or extract.mlprogram"
            yield entry.problem(NAME, f"a {'model' if is_model else 'op'}-level parameter is read through {want}", ("extract",))
        if data.get("values") and data.get("type") not in ("string", "string_list"):
            yield entry.problem(NAME, "'values' lists allowed strings, so the type must be string or string_list", ("values",))
    if ctx.generations and sorted(ctx.generations) != list(range(1, len(ctx.generations) + 1)):
        gens = ctx.kb.vocab["ane-generations"]
        yield gens.problem(NAME, "generations must be numbered 1, 2, 3, ... without gaps", ("generations",))
