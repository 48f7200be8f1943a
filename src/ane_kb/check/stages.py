"""The stages of a model that are not a NeuralNetwork or an ML Program: Apple's built-in models and classical ones.

A built-in model (a Vision feature print, sound-analysis preprocessing, a Natural Language tagger or classifier)
names a model the operating system ships; the file holds its type and version, not its layers, and the OS framework
runs it. A classical stage (a GLM, a tree ensemble, a feature vectorizer ...) is not a neural network at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .graph import model_kind, sub_models
from .printable import printable

BUILTIN = ("visionFeaturePrint", "audioFeaturePrint", "soundAnalysisPreprocessing", "wordTagger", "textClassifier",
           "wordEmbedding", "gazetteer")


@dataclass(frozen=True)
class Stage:
    path: str   # where it sits: "" for the model itself, models[i] in a pipeline
    name: str   # the pipeline's name for it, else its path or type
    type: str   # the Model oneof: visionFeaturePrint, glmClassifier, ...
    spec: Any


def other_stages(spec: Any, path: str = "") -> Iterator[Stage]:
    """Every model, the model itself included, that is neither a neural network nor a pipeline."""
    kind = model_kind(spec)
    if kind == "other":
        kind_name = spec.WhichOneof("Type") or "unknown"
        yield Stage(path, path or kind_name, kind_name, spec)
    elif kind == "pipeline":
        names = list(_pipeline(spec).names)
        for i, model in enumerate(sub_models(spec)):
            for stage in other_stages(model, f"{path}models[{i}]"):
                if stage.path == f"{path}models[{i}]":  # the pipeline's name for it, by default model0, model1 ...
                    stage = Stage(stage.path, names[i] if i < len(names) and names[i] else f"model{i}", stage.type,
                                  stage.spec)
                yield stage


def _pipeline(spec: Any) -> Any:
    kind = spec.WhichOneof("Type")
    return spec.pipeline if kind == "pipeline" else getattr(spec, kind).pipeline


def builtin_stages(spec: Any) -> list[Stage]:
    return [s for s in other_stages(spec) if s.type in BUILTIN]


def classical_stages(spec: Any) -> list[Stage]:
    return [s for s in other_stages(spec) if s.type not in BUILTIN]


def stage_message(stage: Stage, lang: str) -> str:
    """What the report says about a stage that is not a neural network. A linked model and a custom model are
    not classical models: one points at another model file, the other is the app's own code."""
    zh = lang == "zh"
    if stage.type == "linkedModel":
        name = printable(_linked_file(stage.spec))
        return (f"这个阶段链接到另一个模型文件 `{name}`；该文件不在此处，请单独检查它" if zh
                else f"this stage links to another model file, `{name}`, which is not part of this one: check that "
                     f"file on its own")
    if stage.type == "customModel":
        name = printable(stage.spec.customModel.className or "?")
        return (f"这个阶段是 App 自己的代码（`{name}`），由 App 决定在 CPU 还是 GPU 上运行；Core ML 不会把它交给神经引擎" if zh
                else f"this stage is the app's own code (`{name}`): it runs where that code runs it, on the CPU or "
                     f"GPU; Core ML does not give it to the Neural Engine")
    return (f"`{stage.type}` 阶段不是神经网络，神经引擎的问题不适用于它" if zh
            else f"this `{stage.type}` stage is not a neural network, so the Neural Engine question does not apply to it")


def _linked_file(spec: Any) -> str:
    linked = spec.linkedModel
    if linked.WhichOneof("LinkType") == "linkedModelFile":
        return str(linked.linkedModelFile.linkedModelFileName.defaultValue or "?")
    return "?"
