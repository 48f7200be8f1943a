"""The precision scan: constants beyond the fp16 range, NaN or infinity, and values that underflow."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .blob_scan import Counts, count_buffer, patterns
from .graph import Node
from .mil_values import dtype_of
from .report import Finding, finding_for
from .weights import BlobReader, BlobValues, Constant, RawFloats, WeightsUnreadable, mil_constants, nn_constants

if TYPE_CHECKING:
    from ..knowledge import KnowledgeBase

OVERFLOW_RULE = "precision/fp16-overflow"
UNDERFLOW_RULE = "precision/fp16-underflow-to-zero"


VECTOR_FROM = 256
TO_ZERO_SHARE = 0.01  # an underflow warning needs at least this share of a tensor's non-zero values to become 0


def count(values: Any, fp16_max: float, smallest_normal: float, zero_below: float) -> Counts:
    """How many values overflow, are not finite, or underflow in fp16. Large arrays use numpy when present."""
    if len(values) >= VECTOR_FROM:
        counted = _count_numpy(values, fp16_max, smallest_normal, zero_below)
        if counted is not None:
            return counted
    counts = Counts()
    for value in values:
        if value != value or value in (math.inf, -math.inf):
            counts.nonfinite += 1
            continue
        magnitude = abs(value)
        if magnitude:
            counts.nonzero += 1
        if magnitude > fp16_max:
            counts.overflow += 1
            counts.largest = max(counts.largest, magnitude)
        elif 0 < magnitude < smallest_normal:
            counts.subnormal += 1
            if magnitude < zero_below:
                counts.to_zero += 1
    return counts


def threshold(kb: KnowledgeBase, ref: str, name: str, default: float) -> float:
    try:
        record = kb.raw(ref)  # one kind's data, not the whole export
    except KeyError:
        return default
    for item in record.get("thresholds", []):
        if item["name"] == name:
            return float(item["value"])
    return default


class PrecisionScan:
    def __init__(self, kb: KnowledgeBase, lang: str) -> None:
        self.kb, self.lang = kb, lang
        self.fp16_max = threshold(kb, OVERFLOW_RULE, "fp16_max", 65504.0)
        self.smallest_normal = threshold(kb, UNDERFLOW_RULE, "fp16_smallest_normal", 2.0 ** -14)
        self.zero_below = threshold(kb, UNDERFLOW_RULE, "fp16_smallest_subnormal", 2.0 ** -24) / 2
        self.flush_share = threshold(kb, UNDERFLOW_RULE, "to_zero_share", TO_ZERO_SHARE)

    def run(self, nodes: list[Node], const_nodes: list[Node], weights_dir: Any,
            unscanned: str | None = None) -> list[Finding]:
        findings: list[Finding] = [self._unreadable(unscanned)] if unscanned else []
        constants = list(nn_constants(nodes))
        reader = BlobReader(weights_dir)
        subnormal_only: list[tuple[Constant, Counts]] = []
        try:
            constants += list(mil_constants(const_nodes, reader))
            for constant, counts in self._counted(constants):
                findings += self._findings(constant, counts)
                if counts.subnormal and not counts.flushes(self.flush_share):
                    subnormal_only.append((constant, counts))
        except WeightsUnreadable as exc:
            findings.append(self._unreadable(str(exc)))
        finally:
            reader.close()
        if subnormal_only:
            findings.append(self._subnormal_note(subnormal_only))
        return findings

    def _counted(self, constants: list[Constant]) -> Iterator[tuple[Constant, Counts]]:
        """Each constant with its counts, in order, leaving out those with nothing to report. The small constants of
        a big graph are counted together, a batch of up to BATCH bytes at once, and one by one only when their batch
        holds a value to report: a model's thousands of small weights cost a few counts, not thousands."""
        batch: list[tuple[Constant, str, bytes]] = []
        held = 0
        for constant in constants:
            small = _small(constant)
            if batch and (small is None or small[0] != batch[0][1] or held + len(small[1]) > BATCH):
                yield from self._batch_counted(batch)
                batch, held = [], 0
            if small is None:
                yield constant, self._count(constant)
            else:
                batch.append((constant, *small))
                held += len(small[1])
        yield from self._batch_counted(batch)

    def _batch_counted(self, batch: list[tuple[Constant, str, bytes]]) -> Iterator[tuple[Constant, Counts]]:
        if not batch:
            return
        code = batch[0][1]
        found = patterns(code, self.fp16_max, self.smallest_normal, self.zero_below)
        total = count_buffer(b"".join(data for _, _, data in batch), found)
        if not (total.overflow or total.nonfinite or total.subnormal):
            return
        for constant, _, data in batch:
            yield constant, count_buffer(data, found)

    def _count(self, constant: Constant) -> Counts:
        """Counts over every part of the constant: a big blob is read and counted a window at a time, on the values'
        bit patterns (see blob_scan)."""
        total = Counts()
        for code, part in constant.parts():
            if code is None:
                counts = count(part, self.fp16_max, self.smallest_normal, self.zero_below)
            else:
                counts = count_buffer(part, patterns(code, self.fp16_max, self.smallest_normal, self.zero_below))
            del part
            total = total.add(counts)
        return total

    def _finding(self, ref: str, severity: str, message: str, constant: Constant | None, values: dict[str, Any]) -> Finding:
        if constant is not None and constant.weight:
            values = {**values, "weight": constant.weight}
        return finding_for(self.kb.record(ref), severity, message, self.lang, values=values,
                           layer=constant.name if constant else None, op=constant.op if constant else None,
                           path=constant.path if constant else "")

    def _findings(self, constant: Constant, counts: Counts) -> list[Finding]:
        zh = self.lang == "zh"
        out = []
        if counts.overflow or counts.nonfinite:
            parts = []
            if counts.overflow:
                parts.append(f"{counts.overflow} 个值的绝对值超过 {self.fp16_max:g}（最大 {counts.largest:g}），在 fp16 中会变成无穷大"
                             if zh else f"{counts.overflow} value(s) beyond ±{self.fp16_max:g} (largest {counts.largest:g}) "
                                        f"become infinity in fp16")
            if counts.nonfinite:
                parts.append(f"{counts.nonfinite} 个值是 NaN 或无穷大" if zh else f"{counts.nonfinite} value(s) are NaN or infinite")
            severity, message = "error", ("；" if zh else "; ").join(parts)
            if counts.overflow and not counts.nonfinite and kept_fp32(constant):
                severity = "info"
                message = (f"{counts.overflow} 个值的绝对值超过 {self.fp16_max:g}（最大 {counts.largest:g}），在 fp16 中会溢出；"
                           f"但使用它们的算子以 fp32 计算，保留了这些值，这也正是该算子保持 fp32、不在神经引擎上运行的原因"
                           if zh else f"{counts.overflow} value(s) beyond ±{self.fp16_max:g} (largest {counts.largest:g}) "
                                      f"would overflow fp16, but the op that uses them computes in fp32 and keeps them: "
                                      f"that is why it stays fp32, off the Neural Engine")
            out.append(self._finding(OVERFLOW_RULE, severity, message, constant,
                                     {"overflow": counts.overflow, "nonfinite": counts.nonfinite}))
        if counts.flushes(self.flush_share):
            message = (f"{counts.subnormal} 个非零值小于 {self.smallest_normal:.3g}，在 fp16 中会损失精度，其中 {counts.to_zero} 个会变成 0"
                       if zh else f"{counts.subnormal} non-zero value(s) below {self.smallest_normal:.3g} lose precision in "
                                  f"fp16; {counts.to_zero} of them become 0")
            out.append(self._finding(UNDERFLOW_RULE, "warning", message, constant,
                                     {"subnormal": counts.subnormal, "to_zero": counts.to_zero}))
        return out

    def _subnormal_note(self, found: list[tuple[Constant, Counts]]) -> Finding:
        """One note per model for tensors whose small values only reach the fp16 subnormal range."""
        values = sum(c.subnormal for _, c in found)
        zeros = sum(c.to_zero for _, c in found)
        message = (f"{len(found)} 个常量张量中共有 {values} 个非零值落入 fp16 的次正规数范围（小于 {self.smallest_normal:.3g}），"
                   f"精度略有损失；其中 {zeros} 个会变成 0，在各自张量中都不到 {self.flush_share:.0%}"
                   if self.lang == "zh" else
                   f"{values} non-zero value(s) in {len(found)} constant tensor(s) fall in the fp16 subnormal range "
                   f"(below {self.smallest_normal:.3g}) and keep less precision; {zeros} become 0, under "
                   f"{self.flush_share:.0%} of any tensor's non-zero values")
        return self._finding(UNDERFLOW_RULE, "info", message, None,
                             {"tensors": len(found), "subnormal": values, "to_zero": zeros})

    def _unreadable(self, why: str) -> Finding:
        message = (f"无法读取权重（{why}），已跳过精度扫描；其他检查照常进行" if self.lang == "zh"
                   else f"the weights could not be read ({why}); the precision scan was skipped, the other checks ran")
        return self._finding(OVERFLOW_RULE, "warning", message, None, {})


BATCH = 1 << 20  # bytes of small constants counted at once
SMALL = 1 << 16  # a constant of at most this many bytes is counted in a batch


def _small(constant: Constant) -> tuple[str, bytes] | None:
    """(code, bytes) of a constant stored as raw floats in one part of at most SMALL bytes; None for any other."""
    values = constant.values
    if not isinstance(values, (BlobValues, RawFloats)) or _byte_size(values) > SMALL:
        return None
    taken = [(code, bytes(part)) for code, part in constant.parts()]  # each part copied while it is valid
    if len(taken) != 1:
        return None
    code, data = taken[0]
    return (code, data) if code is not None else None


def _byte_size(values: BlobValues | RawFloats) -> int:
    if isinstance(values, BlobValues):
        return values.size
    return len(values.source) * 4 if values.code == "f" else len(values.source)


def kept_fp32(constant: Constant) -> bool:
    """An fp32 ML Program constant whose every user computes in fp32: it never becomes fp16, the op stays off the ANE."""
    node = constant.node
    if node is None or not node.raw.outputs or dtype_of(node.raw.outputs[0].type) != "fp32":
        return False
    users = [user for output in node.outputs for user, _ in node.scope.uses(output)]
    return bool(users) and all(user.op != "cast" and user.raw.outputs and dtype_of(user.raw.outputs[0].type) == "fp32"
                               for user in users)


def _count_numpy(values: Any, fp16_max: float, smallest_normal: float, zero_below: float) -> Counts | None:
    try:
        import numpy as np
    except ImportError:
        return None
    array = np.abs(np.asarray(values, dtype=np.float64))
    finite = np.isfinite(array)
    over = finite & (array > fp16_max)
    small = finite & (array > 0) & (array < smallest_normal)
    return Counts(overflow=int(over.sum()), nonfinite=int((~finite).sum()), subnormal=int(small.sum()),
                  to_zero=int((small & (array < zero_below)).sum()), nonzero=int((finite & (array > 0)).sum()),
                  largest=float(array[over].max()) if over.any() else 0.0)
