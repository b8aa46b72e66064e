"""Numbers and targets in words, one helper for every surface.

``target_text(">=", 0.8)`` → ``"at least 0.8"``; :func:`number` rounds a
measured value to what matters (three significant digits, never more than
four decimals); :func:`duration` prints seconds as a person reads them.
Plain text: surfaces escape it.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["COMPARATOR_WORDS", "target_text", "number", "duration"]

COMPARATOR_WORDS = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than"}


def number(value: Any) -> str:
    """A measured value rounded to what matters: 0.8465841 → "0.847", 12345.6 → "12346", None → "—"."""
    if value is None or isinstance(value, bool):
        return "—" if value is None else str(value)
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(x):
        return str(x)
    if x == 0 or abs(x) >= 1000:
        return f"{x:.0f}"
    digits = max(0, min(4, 2 - math.floor(math.log10(abs(x)))))
    return f"{round(x, digits):.{digits}f}".rstrip("0").rstrip(".") if digits else f"{x:.0f}"


def target_text(comparator: str | None, target: float | None, *, hardness: str = "hard") -> str:
    """A target in words: "at least 0.8"; "no target set" (hard) or "judged by people" (soft) without one."""
    if target is None:
        return "no target set" if hardness == "hard" else "judged by people"
    return f"{COMPARATOR_WORDS.get(comparator or '>=', comparator)} {target:g}"


def duration(seconds: Any) -> str:
    """Seconds as a person reads them: 20.148 → "20 s", 95 → "1 min 35 s", 0.4 → "0.4 s", None → ""."""
    try:
        s = float(seconds)
    except (TypeError, ValueError):
        return ""
    if s < 10:
        return f"{s:.1f} s".replace(".0 s", " s")
    s = round(s)
    if s < 60:
        return f"{s} s"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m} min {s} s" if s else f"{m} min"
    h, m = divmod(m, 60)
    return f"{h} h {m} min" if m else f"{h} h"
