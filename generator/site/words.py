"""Interface words of the generated pages, in English and Chinese."""

from __future__ import annotations

from ane_kb.labels import DEVICE_TYPES, EFFECTS

__all__ = ["DEVICE_TYPES", "EFFECTS", "KIND_INTRO", "KIND_NAMES", "KIND_ONE", "PLATFORMS", "TARGETS", "W"]

KIND_NAMES = {
    "en": {"chip": "Chips", "device": "Devices", "layer-rule": "Layer rules", "precision": "Precision",
           "anecdote": "Anecdotes", "howto": "How-tos"},
    "zh": {"chip": "芯片", "device": "设备", "layer-rule": "层与算子规则", "precision": "精度",
           "anecdote": "轶事与个例", "howto": "操作指南"},
}
KIND_ONE = {
    "en": {"chip": "chip", "device": "device", "layer-rule": "layer rule", "precision": "precision behaviour",
           "anecdote": "anecdote", "howto": "how-to"},
    "zh": {"chip": "芯片", "device": "设备", "layer-rule": "层规则", "precision": "精度行为", "anecdote": "个例",
           "howto": "操作指南"},
}
KIND_INTRO = {
    "en": {
        "chip": "Every Apple chip the knowledge base knows, with its Neural Engine: cores, rated operations per "
                "second and whether Core ML can use it.",
        "device": "Products and the chips they were sold with. Type a name to narrow the table.",
        "layer-rule": "Rules about which Core ML layers and ops run on the Neural Engine, when, and what happens "
                      "otherwise. Conditions are shown in words.",
        "precision": "How each compute unit stores and computes numbers, and where fp16 changes a model's results.",
        "anecdote": "Single observations people reported. Useful leads, not established rules.",
        "howto": "Tasks: making a model run on the ANE, keeping it off, and finding out where it runs.",
    },
    "zh": {
        "chip": "知识库收录的所有 Apple 芯片及其神经引擎：核心数、标称算力，以及 Core ML 能否使用。",
        "device": "各款产品、所搭载的芯片及其神经引擎（Apple 中文名称为“神经网络引擎”）。在输入框中键入名称即可筛选表格。",
        "layer-rule": "关于哪些 Core ML 层和算子能在神经引擎上运行、在什么条件下运行、否则会怎样的规则，条件以文字表述。",
        "precision": "各计算单元如何存储和计算数值，以及半精度（fp16）会在哪些地方改变模型的结果。",
        "anecdote": "个人报告的单次观察，可作线索，但不是确立的规则。",
        "howto": "常见任务：让模型在神经引擎上运行、避免使用神经引擎、查明模型实际在哪里运行。",
    },
}
W = {
    "en": {
        "confidence": "Confidence", "sources": "Sources", "related": "Related records", "updated": "Last checked",
        "edit": "Edit this record", "condition": "Condition", "effect": "Effect", "applies": "Applies to",
        "observed": "Observed on", "lift": "seen running on the ANE (lifted)",
        "generations_span": "ANE generations {span}", "policy": "On newer engines", "examples": "Worked examples", "workaround": "Workaround",
        "disputes": "What the sources disagree on", "corrections": "Corrections to a source",
        "open_questions": "Open questions", "identifiers": "Op identifiers", "scope": "Scope",
        "always": "always", "everywhere": "Everywhere: the rule names no chip, generation or OS limit.",
        "accessed": "accessed", "expect": "Expected", "params": "Parameters", "format": "Format", "op": "Op",
        "match": "matches", "no-match": "does not match", "unknown": "unknown", "filter": "Filter the table…",
        "id": "Id", "title": "Title", "family": "Family", "year": "Year", "cores": "ANE cores", "tops": "Peak TOPS",
        "usable": "Core ML can use the ANE", "yes": "yes", "no": "no", "chips": "Chips", "type": "Type",
        "effect_col": "Effect", "applicability": "Applicability", "devices": "Devices with this chip",
        "peak": "Rated operations per second", "basis": "basis", "same_engine": "Same Neural Engine as",
        "inferred": "inferred, not stated by a source",
        "generation": "ANE generation", "has_ane": "Has a Neural Engine", "third_party": "Runs third-party Core ML apps",
        "thresholds": "Thresholds", "symptoms": "Symptoms", "storage": "Storage precision",
        "compute": "Compute precision", "unit": "Compute unit", "steps": "Steps", "topic": "Topic",
        "reported": "Reported", "tags": "Tags", "records": "records", "kind": "Kind", "all": "All records",
        "total": "Total", "search_hint": "Search in English or Chinese with the search box above.",
        "no_ane_note": "Core ML cannot use a Neural Engine on this device.",
        "formats": "formats", "framework": "framework", "generations": "ANE generations", "os": "OS",
        "op_scope": "one layer or op", "model_scope": "the whole model", "chips_word": "chips",
        "up_to": "up to", "from": "from", "note": "Note", "tools": "tools", "date": "date", "source": "source",
        "whole_model": "the whole model moves", "to": "to", "op_family": "Op family", "summary": "Summary",
    },
    "zh": {
        "confidence": "可信度", "sources": "来源", "related": "相关记录", "updated": "最后核对",
        "edit": "编辑此记录", "condition": "条件", "effect": "影响", "applies": "适用范围",
        "observed": "观察环境", "lift": "观察到在神经引擎上运行（限制已解除）",
        "generations_span": "神经引擎代际 {span}", "policy": "在更新的神经引擎上", "examples": "示例", "workaround": "解决办法",
        "disputes": "各来源的分歧", "corrections": "对来源的更正",
        "open_questions": "开放问题", "identifiers": "算子标识符", "scope": "作用范围",
        "always": "总是", "everywhere": "适用于所有环境：规则没有限定芯片、代际或系统版本。",
        "accessed": "访问于", "expect": "预期", "params": "参数", "format": "格式", "op": "算子",
        "match": "匹配", "no-match": "不匹配", "unknown": "未知", "filter": "筛选表格……",
        "id": "编号", "title": "名称", "family": "系列", "year": "年份", "cores": "神经引擎核心数", "tops": "峰值 TOPS",
        "usable": "Core ML 可用神经引擎", "yes": "是", "no": "否", "chips": "芯片", "type": "类型",
        "effect_col": "影响", "applicability": "适用范围", "devices": "搭载此芯片的设备",
        "peak": "标称每秒运算次数", "basis": "口径", "same_engine": "与之相同的神经引擎",
        "inferred": "系推断，并非来源明言",
        "generation": "神经引擎代际", "has_ane": "配备神经引擎", "third_party": "可运行第三方 Core ML 应用",
        "thresholds": "阈值", "symptoms": "症状", "storage": "存储精度",
        "compute": "计算精度", "unit": "计算单元", "steps": "步骤", "topic": "主题",
        "reported": "报告时间", "tags": "标签", "records": "条记录", "kind": "类别", "all": "全部记录",
        "total": "合计", "search_hint": "可以用上方的搜索框以中文或英文搜索。",
        "no_ane_note": "在这台设备上，Core ML 无法使用神经引擎。",
        "formats": "格式", "framework": "框架", "generations": "神经引擎代际", "os": "系统",
        "op_scope": "单个层或算子", "model_scope": "整个模型", "chips_word": "芯片",
        "up_to": "至", "from": "自", "note": "备注", "tools": "工具", "date": "日期", "source": "来源",
        "whole_model": "整个模型都会转移", "to": "转到", "op_family": "算子类别", "summary": "概要",
    },
}
TARGETS = {"en": {"cpu": "the CPU", "gpu": "the GPU", "unknown": "an unknown unit"},
           "zh": {"cpu": "CPU", "gpu": "GPU", "unknown": "未知的计算单元"}}
PLATFORMS = {"ios": "iOS", "ipados": "iPadOS", "macos": "macOS", "watchos": "watchOS", "tvos": "tvOS",
             "visionos": "visionOS"}
