"""A light KPI scoreboard drawn as inline SVG (no JavaScript, no plotly bundle).

The overview is the page people open most, so its scoreboard is plain SVG
built server-side from the one scoreboard series
(:func:`phasebook.core.scoreboard.scoreboard_series`): each hard metric gets
a small chart of its value per model test against a dashed target line.
Every label is escaped.
"""

from __future__ import annotations

from ..core.events import Event
from ..core.scoreboard import scoreboard_series
from ..core.sections import Scope
from .html import Html, esc, raw

__all__ = ["scoreboard_svg", "metric_history", "nice_ticks"]

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_T, PAD_B = 420, 180, 48, 16, 28, 34
PALETTE = ("#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3")


def metric_history(scope: Scope, events: list[Event]) -> list[tuple[str, str, float | None, list[tuple[str, float | None]]]]:
    """(metric, comparator, target, [(model label, value)…]) per hard metric: :func:`~phasebook.core.scoreboard.scoreboard_series`."""
    return [(s.metric, s.comparator, s.target, [(p.label, p.value) for p in s.points])
            for s in scoreboard_series(scope, events)]


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 × 10ⁿ) covering ``lo``…``hi`` with a little room: 0.7, 0.75 … 0.9."""
    import math

    if hi == lo:
        pad = abs(hi) * 0.1 or 0.1
        lo, hi = lo - pad, hi + pad
    raw_step = (hi - lo) / max(1, count - 1)
    mag = 10 ** math.floor(math.log10(raw_step))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw_step)
    first, last = math.floor(lo / step) * step, math.ceil(hi / step) * step
    n = int(round((last - first) / step))
    return [round(first + i * step, 10) for i in range(n + 1)]


def _chart(name: str, comparator: str, target: float | None, points: list, color: str) -> str:
    values = [v for _, v in points if v is not None] + ([target] if target is not None else [])
    if not values:
        return ""
    ticks = nice_ticks(min(values), max(values))
    lo, hi = ticks[0], ticks[-1]
    n = len(points)

    def x(i: int) -> float:
        return PAD_L + (WIDTH - PAD_L - PAD_R) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return PAD_T + (HEIGHT - PAD_T - PAD_B) * (1 - (v - lo) / (hi - lo))

    parts = [f'<text x="{PAD_L}" y="16" font-size="13" font-weight="600">{esc(name)}</text>']
    for v in ticks:
        parts.append(f'<line x1="{PAD_L}" x2="{WIDTH - PAD_R}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eee"/>'
                     f'<text x="{PAD_L - 6}" y="{y(v) + 4:.1f}" font-size="10" text-anchor="end" '
                     f'class="pb-tick">{v:g}</text>')
    if target is not None:
        parts.append(f'<line x1="{PAD_L}" x2="{WIDTH - PAD_R}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                     f'stroke="{color}" stroke-dasharray="6 4"/><text x="{WIDTH - PAD_R}" y="{y(target) - 4:.1f}" '
                     f'font-size="10" text-anchor="end">target {esc(comparator)} {target:g}</text>')
    pts = [(x(i), y(v), label, v) for i, (label, v) in enumerate(points) if v is not None]
    if len(pts) > 1:
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" '
                     f'points="{" ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in pts)}"/>')
    for px, py, label, v in pts:
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{color}"><title>{esc(label)}: {v:.4g}</title></circle>')
    for i, (label, _) in enumerate(points):
        anchor = "middle" if n == 1 or 0 < i < n - 1 else ("start" if i == 0 else "end")
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 12}" font-size="10" text-anchor="{anchor}">{esc(label)}</text>')
    return (f'<svg role="img" aria-label="{esc(name)} per model test" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" style="margin:4px 8px 4px 0">{"".join(parts)}</svg>')


def scoreboard_svg(scope: Scope, events: list[Event]) -> Html | None:
    """Small multiples, one per hard metric (None when no model test was journaled)."""
    history = metric_history(scope, events)
    if not history or not history[0][3]:
        return None
    charts = [_chart(*h, PALETTE[i % len(PALETTE)]) for i, h in enumerate(history)]
    return raw(f'<div role="group" aria-label="KPI scoreboard" style="display:flex;flex-wrap:wrap">{"".join(charts)}</div>')
