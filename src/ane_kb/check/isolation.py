"""Per-model isolation: an unexpected failure while checking one model becomes that model's `error`.

The line says it is the checker's fault, what failed, and asks for a report. Set ANE_KB_DEBUG=1 to get
the traceback instead (the failure is raised again).
"""

from __future__ import annotations

import os

from .printable import printable

DEBUG = "ANE_KB_DEBUG"
DETAIL_LENGTH = 160


def debugging() -> bool:
    return os.environ.get(DEBUG, "") not in ("", "0")


def internal_error(exc: BaseException, lang: str, issues: str = "") -> str:
    """One line for the report: an internal error, what failed, and where to report it."""
    detail = " ".join(printable(str(exc)).split())
    if len(detail) > DETAIL_LENGTH:
        detail = detail[:DETAIL_LENGTH] + "…"
    what = type(exc).__name__ + (f": {detail}" if detail else "")
    if lang == "zh":
        where = f"（{issues}）" if issues else ""
        return f"检查这个模型时出现内部错误（{what}）：请报告这个问题{where}，如果可以，请附上模型"
    where = f" at {issues}" if issues else ""
    return f"internal error while checking this model ({what}): please report it{where}, with the model if you can"
