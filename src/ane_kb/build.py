"""Turn the export's plain dicts into typed records."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import records as r


def text(value: Any) -> r.Text | None:
    return r.Text(value["en"], value["zh"]) if value else None


def texts(values: Any) -> tuple[r.Text, ...]:
    return tuple(r.Text(v["en"], v["zh"]) for v in values or ())


def sources(values: Any) -> tuple[r.Source, ...]:
    return tuple(r.Source(s["url"], s["title"], s["kind"], s["accessed"], text(s.get("note"))) for s in values or ())


def observations(values: Any) -> tuple[r.Observation, ...]:
    return tuple(r.Observation(tuple(o.get("chips", ())), dict(o.get("os", {})), dict(o.get("tools", {})),
                               o.get("date"), o.get("source"), text(o.get("note")), o.get("outcome", "restricted"),
                               _span(o.get("ane_generation"))) for o in values or ())


def _span(value: Any) -> tuple[int | None, int | None]:
    value = value or {}
    return value.get("min"), value.get("max")


def applicability(value: Any) -> r.Applicability:
    value = value or {}
    os_ranges = {p: (span.get("min"), span.get("max")) for p, span in value.get("os", {}).items()}
    return r.Applicability(tuple(value.get("chips", ())), _span(value.get("ane_generation")), os_ranges,
                           tuple(value.get("formats", ())), value.get("framework"))


def _common(ref: str, data: Mapping[str, Any], resolve: Callable[[str], r.Record], site_url: str) -> dict[str, Any]:
    return {
        "ref": ref, "id": data["id"], "kind": data["kind"], "title": text(data["title"]),
        "summary": text(data["summary"]), "confidence": data["confidence"], "sources": sources(data["sources"]),
        "body": text(data.get("body")), "tags": tuple(data.get("tags", ())),
        "related_refs": tuple(data.get("related", ())), "updated": data.get("updated"),
        "disputes": tuple(r.Dispute(text(d["claim"]), sources(d["sources"]), observations(d.get("observed_on")))  # type: ignore[arg-type]
                          for d in data.get("disputes", ())),
        "open_questions": texts(data.get("open_questions")), "raw": data, "_resolve": resolve, "_site_url": site_url,
    }


def _rule_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    effect = data.get("effect")
    return {
        "scope": data.get("scope", "op"),
        "family": data.get("family"),
        "identifiers": {fmt: tuple(ops) for fmt, ops in data.get("identifiers", {}).items()},
        "condition": data.get("condition"),
        "effect": r.Effect(effect["kind"], tuple(effect.get("to", ())), bool(effect.get("whole_model"))) if effect else None,
        "applies_to": applicability(data.get("applies_to")),
        "observed_on": observations(data.get("observed_on")),
        "workaround": text(data.get("workaround")),
        "examples": tuple(r.Example(e["format"], dict(e["params"]), e["expect"], e.get("op"),
                                    {k: tuple(v) for k, v in e.get("input_shapes", {}).items()}, text(e.get("note")))
                          for e in data.get("examples", ())),
    }


def _chip(data: Mapping[str, Any]) -> dict[str, Any]:
    ane = data.get("ane")
    return {
        "family": data["family"], "year": data.get("year"), "has_ane": data["has_ane"],
        "ane": r.Ane(ane["cores"], ane["generation"], ane["coreml_usable"], ane.get("instances"),
                     ane.get("compile_target"), dict(ane.get("coreml_usable_from", {}))) if ane else None,
        "peak_ops": tuple(r.PeakOps(p["value"], p["unit"], p["basis"], sources(p["sources"]), text(p.get("note")),
                                    p.get("evidence"))
                          for p in data.get("peak_ops", ())),
        "same_engine_as": tuple((s["chip"], s["confidence"]) for s in data.get("same_engine_as", ())),
    }


def _device(data: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": data["name"], "aliases": tuple(data.get("aliases", ())), "year": data["year"],
            "device_type": data["device_type"], "chip_refs": tuple(data["chips"]), "has_ane": data["has_ane"],
            "runs_third_party_coreml": data["runs_third_party_coreml"],
            "os": {p: (span.get("min"), span.get("max")) for p, span in data.get("os", {}).items()},
            "machine_ids": tuple(data.get("machine_ids", ())), "model_numbers": tuple(data.get("model_numbers", ())),
            "name_zh": data.get("name_zh"),
            "field_sources": {name: tuple(urls) for name, urls in data.get("field_sources", {}).items()}}


def _precision(data: Mapping[str, Any]) -> dict[str, Any]:
    return {**_rule_fields(data), "compute_unit": data["compute_unit"],
            "storage_precision": data.get("storage_precision"), "compute_precision": data.get("compute_precision"),
            "thresholds": tuple((t["name"], t["value"], t.get("unit"), text(t["description"]))
                                for t in data.get("thresholds", ())),
            "symptoms": texts(data.get("symptoms")), "severity": data.get("severity")}


KINDS: dict[str, tuple[type[r.Record], Callable[[Mapping[str, Any]], dict[str, Any]]]] = {
    "chip": (r.Chip, _chip),
    "device": (r.Device, _device),
    "layer-rule": (r.Rule, _rule_fields),
    "precision": (r.Precision, _precision),
    "anecdote": (r.Anecdote, lambda d: {"observed_on": observations(d.get("observed_on")), "reported": d.get("reported")}),
    "howto": (r.HowTo, lambda d: {"topic": d["topic"], "steps": texts(d.get("steps")),
                                  "applies_to": applicability(d.get("applies_to"))}),
}


def record(ref: str, data: Mapping[str, Any], resolve: Callable[[str], r.Record], site_url: str) -> r.Record:
    cls, extra = KINDS[data["kind"]]
    return cls(**_common(ref, data, resolve, site_url), **extra(data))
