"""Model readers: one module per file format, each giving a LoadedModel that the runner walks the same way.

`read_model(path)` picks the reader from what the path is. Bad input raises ModelInputError, whose
`text(lang)` is one line for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..graph import Node

MESSAGES = {
    "en": {
        "missing": "file not found",
        "compiled": "this is a compiled .mlmodelc folder; point me at the .mlmodel or .mlpackage it came from",
        "compiled_not_folder": "a compiled model (.mlmodelc) is a folder, and this is a file",
        "compiled_missing_part": "not a complete compiled model: {part} is missing",
        "compiled_bad_mil": "{where} cannot be read: {why}",
        "compiled_outside": "{where} names a weight file outside the compiled model: {item}",
        "compiled_too_big": "{where} is too large to read",
        "compiled_bad_net": "{where} cannot be read: {why}",
        "other_framework": "this is {what}, not a Core ML model; convert it with coremltools first",
        "empty": "the {part} is empty",
        "not_coreml": "the {part} is not a Core ML model (its bytes do not parse as a Core ML spec)",
        "no_model": "the {part} holds no model: it is empty, truncated or not a Core ML spec",
        "no_manifest": "not a valid .mlpackage: Manifest.json is missing",
        "bad_manifest": "not a valid .mlpackage: Manifest.json cannot be read",
        "missing_item": "not a valid .mlpackage: the manifest lists Data/{item}, which is missing",
        "missing_model": "not a valid .mlpackage: its model file Data/{item} is missing",
        "no_weights": "not a valid .mlpackage: the weights folder is missing",
        "not_a_package": "this folder is not an .mlpackage (it has no Manifest.json); point me at a .mlmodel file or a .mlpackage folder",
        "aimodel_not_folder": "a Core AI model (.aimodel) is a folder, and this is a file",
        "aimodel_missing_part": "not a complete Core AI model: {part} is missing",
        "aimodel_outside": "not a valid Core AI model: {part} points outside the model folder",
        "aimodel_not_bytecode": "not a valid Core AI model: main.mlirb is not MLIR bytecode",
        "aimodel_bad_hash": "not a valid Core AI model: main.hash does not match main.mlirb (changed or truncated after saving)",
        "aimodel_bad_metadata": "not a valid Core AI model: metadata.json cannot be read",
        "aimodel_crashed": "main.mlirb cannot be read: the Core AI parser crashed ({why})",
        "aimodel_timeout": "main.mlirb cannot be read: the Core AI parser did not finish within {seconds} s",
        "aimodel_refused": "main.mlirb cannot be read: {why}",
        "aimodel_no_library": "reading Core AI models (.aimodel) needs the Core AI extra: pip install 'ane-kb[coreai]'",
        "aimodelc": "this is an ahead-of-time compiled Core AI model (.aimodelc); point me at the .aimodel it was compiled from",
        "pte": "this is an ExecuTorch program (.pte), not a Core AI model; save the model as an .aimodel with coreai-torch and check that",
        "aimodel_browser": "Core AI models (.aimodel) need the command-line checker: the native Core AI library does not run in the browser; run pip install 'ane-kb[coreai]' and ane-kb check model.aimodel",
        "special": "the {part} is not a regular file or folder (a FIFO, device or socket); it was not opened",
        "unreadable": "the {part} cannot be read ({reason})",
        "too_large": "the {part} is larger than {limit} bytes, more than a Core ML spec can hold",
        "outside": "not a valid model package: {item} points outside the package; it was not read",
        "bad_name": "not a valid model package: {item} is not a usable file name",
        "no_block": "not a valid ML Program: its function {function} has no block of ops",
    },
    "zh": {
        "missing": "找不到文件",
        "compiled": "这是编译后的 .mlmodelc 文件夹；请改用它所来自的 .mlmodel 或 .mlpackage",
        "compiled_not_folder": "编译后的模型（.mlmodelc）是一个文件夹，而这是一个文件",
        "compiled_missing_part": "编译后的模型不完整：缺少 {part}",
        "compiled_bad_mil": "无法读取 {where}：{why}",
        "compiled_outside": "{where} 引用了编译后模型文件夹之外的权重文件：{item}",
        "compiled_too_big": "{where} 太大，无法读取",
        "compiled_bad_net": "无法读取 {where}：{why}",
        "other_framework": "这是{what}，不是 Core ML 模型；请先用 coremltools 转换",
        "empty": "{part}是空的",
        "not_coreml": "{part}不是 Core ML 模型（其字节无法解析为 Core ML 规范）",
        "no_model": "{part}中没有模型：它是空的、被截断了，或者不是 Core ML 规范",
        "no_manifest": "不是有效的 .mlpackage：缺少 Manifest.json",
        "bad_manifest": "不是有效的 .mlpackage：无法读取 Manifest.json",
        "missing_item": "不是有效的 .mlpackage：清单中列出的 Data/{item} 不存在",
        "missing_model": "不是有效的 .mlpackage：缺少其模型文件 Data/{item}",
        "no_weights": "不是有效的 .mlpackage：缺少 weights 文件夹",
        "not_a_package": "这个文件夹不是 .mlpackage（其中没有 Manifest.json）；请指定 .mlmodel 文件或 .mlpackage 文件夹",
        "aimodel_not_folder": "Core AI 模型（.aimodel）是一个文件夹，而这是一个文件",
        "aimodel_missing_part": "Core AI 模型不完整：缺少 {part}",
        "aimodel_outside": "不是有效的 Core AI 模型：{part} 指向模型文件夹之外",
        "aimodel_not_bytecode": "不是有效的 Core AI 模型：main.mlirb 不是 MLIR 字节码",
        "aimodel_bad_hash": "不是有效的 Core AI 模型：main.hash 与 main.mlirb 不符（保存后被改动或截断）",
        "aimodel_bad_metadata": "不是有效的 Core AI 模型：无法读取 metadata.json",
        "aimodel_crashed": "无法读取 main.mlirb：Core AI 解析器崩溃了（{why}）",
        "aimodel_timeout": "无法读取 main.mlirb：Core AI 解析器在 {seconds} 秒内没有完成",
        "aimodel_refused": "无法读取 main.mlirb：{why}",
        "aimodel_no_library": "读取 Core AI 模型（.aimodel）需要安装 Core AI 扩展：pip install 'ane-kb[coreai]'",
        "aimodelc": "这是预先编译好的 Core AI 模型（.aimodelc）；请改用编译它所用的 .aimodel",
        "pte": "这是 ExecuTorch 程序（.pte），不是 Core AI 模型；请用 coreai-torch 把模型保存为 .aimodel 再检查",
        "aimodel_browser": "Core AI 模型（.aimodel）需要用命令行检查器：Core AI 的原生库无法在浏览器中运行；请执行 pip install 'ane-kb[coreai]'，再运行 ane-kb check model.aimodel",
        "special": "{part}不是普通文件或文件夹（而是 FIFO、设备或套接字），没有打开它",
        "unreadable": "无法读取{part}（{reason}）",
        "too_large": "{part}大于 {limit} 字节，超出了 Core ML 规范能容纳的大小",
        "outside": "不是有效的模型包：{item} 指向包外，没有读取",
        "bad_name": "不是有效的模型包：{item} 不是可用的文件名",
        "no_block": "不是有效的 ML Program：其函数 {function} 没有任何算子块",
    },
}
WORDS = {
    "en": {"file": "file", "package": "package's model file", ".pt": "a PyTorch file", ".pth": "a PyTorch file",
           ".onnx": "an ONNX model", ".tflite": "a TensorFlow Lite model", ".pb": "a TensorFlow graph",
           ".h5": "a Keras model", ".keras": "a Keras model", ".safetensors": "a weights file", ".gguf": "a GGUF model"},
    "zh": {"file": "文件", "package": "包中的模型文件", ".pt": " PyTorch 文件", ".pth": " PyTorch 文件",
           ".onnx": " ONNX 模型", ".tflite": " TensorFlow Lite 模型", ".pb": " TensorFlow 计算图",
           ".h5": " Keras 模型", ".keras": " Keras 模型", ".safetensors": "权重文件", ".gguf": " GGUF 模型"},
}
NOT_COREML = (".pt", ".pth", ".onnx", ".tflite", ".pb", ".h5", ".keras", ".safetensors", ".gguf")


class ModelInputError(Exception):
    """The model cannot be read. `text(lang)` is one line meant for the user."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code, self.params = code, params

    def text(self, lang: str = "en") -> str:
        words = WORDS.get(lang, WORDS["en"])
        params = {k: words.get(v, v) for k, v in self.params.items()}
        return MESSAGES.get(lang, MESSAGES["en"])[self.code].format(**params)

    def __str__(self) -> str:
        return self.text("en")


@dataclass
class LoadedModel:
    """A model as the runner walks it. `notes` are the source op types a reader could not map to a Core ML
    identifier (listed with the uncovered ops, never dropped); `properties` are model properties the reader
    knows better than the spec can say (e.g. a compiled NeuralNetwork's weight bytes); `unscanned_weights` says
    why the reader could not hand the weights to the precision scan."""

    path: Path
    spec: Any
    weights_dir: Path | None
    notes: list[str] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    unscanned_weights: str | None = None

    def kind(self) -> str:
        """The report's `format`: neuralnetwork, mlprogram, coreai, pipeline or other."""
        from ..graph import model_kind

        return model_kind(self.spec)

    def formats(self) -> list[str]:
        """The model formats whose rules apply; empty when the ANE question does not apply (a tree ensemble).
        A built-in model names a network the OS ships, so a model holding one is never "not applicable"; with no
        layers of its own it is matched as a NeuralNetwork model, the spec family built-in models belong to."""
        from ..graph import formats
        from ..stages import builtin_stages

        return formats(self.spec) or (["neuralnetwork"] if builtin_stages(self.spec) else [])

    def nodes(self) -> list[Node]:
        """Every op, constants included, in execution order; then a node for each built-in model, so that the
        segments and the verdict count it (its record speaks for it: the file holds no layers of it)."""
        from ..graph import Node, Scope, walk
        from ..stages import builtin_stages

        stages = [Node("stage", stage.type, stage.name, stage.path, stage.spec, Scope("stage", stage.spec))
                  for stage in builtin_stages(self.spec)]
        return [*walk(self.spec), *stages]

    def classical_stages(self) -> list[Any]:
        """Classical stages (a GLM, a tree ensemble ...) beside a neural one."""
        from ..stages import classical_stages

        return list(classical_stages(self.spec))

    def note(self, lang: str) -> str | None:
        """A model-level note for the report's `message`, or None."""
        return None

    def requires_os(self) -> tuple[str, dict[str, str]] | None:
        """(record ref, {platform: minimum version}) when the format itself needs a minimum OS."""
        return None


COMPILED_PARTS = ("model.mil", "model.espresso.net", "coremldata.bin")


def is_compiled(path: Path) -> bool:
    """An .mlmodelc folder, or a folder that holds what one holds."""
    if path.suffix.lower() == ".mlmodelc":
        return True
    return path.is_dir() and not (path / "Manifest.json").exists() and any((path / p).is_file() for p in COMPILED_PARTS)


def read_model(path: Path) -> LoadedModel:
    """The model at `path`, read by the reader for its format."""
    from . import aimodel, coreml

    if aimodel.claims(path):
        return aimodel.read(path)
    if path.exists() and is_compiled(path):
        from . import mlmodelc  # with its MIL text parser: only for compiled models

        return mlmodelc.read(path)
    return coreml.read(path)
