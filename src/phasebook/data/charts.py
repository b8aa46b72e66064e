"""Small inline SVG charts of drift overlays and profile distributions (no JavaScript, no bundle).

The same bins the plotly figures draw (a column's ``plot`` of a drift check,
a profiled column's histogram or top values), drawn as plain SVG so that a
report opens offline as one small file and the monitoring page needs no
plotly bundle. Charts scale to their container (``viewBox``), take their
colours from CSS variables (``--pb-ref``, ``--pb-cur``, ``--pb-grid``) with
light defaults, and their text from ``currentColor``. Every label is
escaped.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..core.escape import html_text

__all__ = ["overlay_svg", "bars_svg", "MAX_BARS"]

W, H, L, R, T, B = 440, 200, 44, 10, 26, 36
MAX_BARS = 16
REF, CUR, GRID = "var(--pb-ref,#4c78a8)", "var(--pb-cur,#e4700e)", "var(--pb-grid,#e6e9ec)"


def _tick(v: float) -> str:
    return f"{v:.0%}" if 0 <= v <= 1 else f"{v:.3g}"


def _frame(title: str, aria: str, body: list[str], ymax: float, *, share: bool, legend: bool) -> str:
    grid = []
    for k in range(5):
        v = ymax * k / 4
        y = T + (H - T - B) * (1 - k / 4)
        label = f"{v:.0%}" if share else f"{v:,.0f}"
        grid.append(f'<line x1="{L}" x2="{W - R}" y1="{y:.1f}" y2="{y:.1f}" style="stroke:{GRID}"/>'
                    f'<text x="{L - 4}" y="{y + 3:.1f}" font-size="9" text-anchor="end">{label}</text>')
    keys = ""
    if legend:
        keys = (f'<rect x="{W - 150}" y="6" width="10" height="10" style="fill:{REF};opacity:.75"/>'
                f'<text x="{W - 136}" y="15" font-size="10">reference</text>'
                f'<rect x="{W - 76}" y="6" width="10" height="10" style="fill:{CUR};opacity:.75"/>'
                f'<text x="{W - 62}" y="15" font-size="10">current</text>')
    return (f'<svg role="img" aria-label="{html_text(aria)}" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
            f'style="max-width:100%;height:auto;margin:4px 8px 4px 0">'
            f'<text x="{L}" y="15" font-size="12" font-weight="600">{html_text(title)}</text>{keys}'
            f'{"".join(grid)}{"".join(body)}</svg>')


def _y(v: float, ymax: float) -> float:
    return T + (H - T - B) * (1 - v / ymax)


def _x_labels(labels: Sequence[str], width: float) -> list[str]:
    out, step = [], max(1, round(len(labels) / 6))
    for i, label in enumerate(labels):
        if i % step == 0 or i == len(labels) - 1:
            text = label if len(label) <= 16 else label[:15] + "…"
            out.append(f'<text x="{L + width * (i + 0.5):.1f}" y="{H - B + 12}" font-size="9" '
                       f'text-anchor="middle">{html_text(text)}</text>')
    return out


def overlay_svg(name: str, plot: dict[str, Any] | None, *, title: str = "") -> str:
    """Reference vs current shares of a drift check's ``plot`` (numeric bins or categories); '' without bins."""
    if not plot or not plot.get("reference"):
        return ""
    ref, cur = [float(v) for v in plot["reference"]], [float(v) for v in plot.get("current") or []]
    if "edges" in plot:
        edges = plot["edges"]
        labels = [f"{edges[i]:.3g}" for i in range(len(ref))]
        more = 0
    else:
        labels = [str(c) for c in plot.get("categories") or []][:MAX_BARS]
        more = len(ref) - len(labels)
        ref, cur = ref[: len(labels)], cur[: len(labels)]
    n = len(ref)
    if n == 0:
        return ""
    ymax = max(ref + cur + [1e-9]) * 1.1
    width = (W - L - R) / n
    body = []
    categorical = "edges" not in plot
    for i in range(n):
        x0 = L + width * i
        for side, (vals, color) in enumerate(((ref, REF), (cur, CUR))):
            if i >= len(vals):
                continue
            bw = width * (0.4 if categorical else 1.0)
            bx = x0 + (width * 0.1 + side * bw if categorical else 0)
            y = _y(vals[i], ymax)
            body.append(f'<rect x="{bx:.1f}" y="{y:.1f}" width="{max(bw - 0.5, 0.5):.1f}" '
                        f'height="{H - B - y:.1f}" style="fill:{color};opacity:{".85" if categorical else ".55"}">'
                        f'<title>{html_text(labels[i])}: {"reference" if side == 0 else "current"} '
                        f'{vals[i]:.1%}</title></rect>')
    body += _x_labels(labels, width)
    if more > 0:
        body.append(f'<text x="{W - R}" y="{H - 6}" font-size="9" text-anchor="end">+{more} more not drawn</text>')
    return _frame(title or name, f"{name}: reference vs current", body, ymax, share=True, legend=True)


def bars_svg(name: str, labels: Sequence[str], counts: Sequence[float], *, title: str = "") -> str:
    """One series of bars (a profiled column's histogram or top values); '' without counts."""
    labels, counts = [str(v) for v in labels][:MAX_BARS * 3], [float(c) for c in counts][:MAX_BARS * 3]
    if not counts:
        return ""
    ymax = max(counts + [1e-9]) * 1.1
    width = (W - L - R) / len(counts)
    body = [f'<rect x="{L + width * i + width * 0.05:.1f}" y="{_y(c, ymax):.1f}" width="{width * 0.9:.1f}" '
            f'height="{H - B - _y(c, ymax):.1f}" style="fill:{REF}"><title>{html_text(labels[i])}: {c:,.0f}</title></rect>'
            for i, c in enumerate(counts)]
    body += _x_labels(labels, width)
    return _frame(title or name, f"{name}: rows per value", body, ymax, share=False, legend=False)
