"""Plotly figures and stand-alone HTML reports for profiles and drift checks.

The figures are built from the numbers already in the reports (no second
pass over the data): overlay histograms of reference and current shares for
drift, a histogram or a top-values bar chart per profiled column. The HTML
reports embed plotly.js once, so they open offline.
"""

from __future__ import annotations

from typing import Any

from ..core.escape import html_text

__all__ = ["drift_figure", "profile_figure", "drift_html", "profile_html"]

REF_COLOR, CUR_COLOR = "#4C78A8", "#F58518"


def _go():
    import plotly.graph_objects as go

    return go


def drift_figure(col: Any):
    """Reference vs current shares for one :class:`~phasebook.data.drift.ColumnDrift`."""
    go = _go()
    p = col.plot or {}
    fig = go.Figure()
    if "edges" in p:
        e = p["edges"]
        x = [(a + b) / 2 for a, b in zip(e[:-1], e[1:])]
        width = [b - a for a, b in zip(e[:-1], e[1:])]
        for label, key, color in (("reference", "reference", REF_COLOR), ("current", "current", CUR_COLOR)):
            fig.add_bar(x=x, y=p[key], width=width, name=label, marker_color=color, opacity=0.6)
        fig.update_layout(barmode="overlay")
    else:
        for label, key, color in (("reference", "reference", REF_COLOR), ("current", "current", CUR_COLOR)):
            fig.add_bar(x=p.get("categories", []), y=p.get(key, []), name=label, marker_color=color)
        fig.update_layout(barmode="group")
    stats = ", ".join(
        f"{k} {v:.3g}" for k, v in (("PSI", col.psi), ("KS", col.ks_statistic), ("JS", col.js_distance),
                                     ("unseen", col.unseen_share)) if v is not None
    )
    flag = "DRIFT" if col.drifted else "stable"
    fig.update_layout(
        title=f"{col.name}: {flag} ({stats})", yaxis_title="share of rows", height=320,
        margin=dict(l=40, r=10, t=50, b=40), legend=dict(orientation="h"),
    )
    return fig


def profile_figure(col: Any):
    """A histogram (numeric) or top-values bar chart (categorical), or None."""
    go = _go()
    if col.histogram:
        e = col.histogram["edges"]
        fig = go.Figure(go.Bar(
            x=[(a + b) / 2 for a, b in zip(e[:-1], e[1:])], y=col.histogram["counts"],
            width=[b - a for a, b in zip(e[:-1], e[1:])], marker_color=REF_COLOR,
        ))
    elif col.top_values:
        fig = go.Figure(go.Bar(x=[v["value"] for v in col.top_values], y=[v["count"] for v in col.top_values],
                               marker_color=REF_COLOR))
    else:
        return None
    fig.update_layout(title=f"{col.name} ({col.type})", yaxis_title="rows", height=300,
                      margin=dict(l=40, r=10, t=50, b=40))
    return fig


def _page(title: str, table_html: str, figures: list) -> str:
    parts = []
    for i, fig in enumerate(figures):
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0)))
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html_text(title)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child{text-align:left}"
        ".drift{background:#fde2e2}</style></head><body>"
        f"<h1>{html_text(title)}</h1>{table_html}{''.join(parts)}</body></html>"
    )


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return html_text(str(v))


def drift_html(report: Any) -> str:
    """A stand-alone HTML page for a :class:`~phasebook.data.drift.DriftReport`."""
    heads = ["column", "kind", "psi", "ks_statistic", "ks_pvalue", "js_distance", "unseen_share", "drifted", "note"]
    rows = "".join(
        f"<tr class='{'drift' if c.drifted else ''}'>" + "".join(f"<td>{_fmt(getattr(c, h if h != 'column' else 'name'))}</td>" for h in heads) + "</tr>"
        for c in report.columns
    )
    table = (
        f"<p>{html_text(report.summary)}. Reference: {html_text(report.reference)} ({report.rows_reference} rows); "
        f"current: {html_text(report.current)} ({report.rows_current} rows).</p>"
        f"<table><tr>{''.join(f'<th>{h}</th>' for h in heads)}</tr>{rows}</table>"
    )
    return _page(f"Drift: {report.current} vs {report.reference}", table, list(report.figures().values()))


def profile_html(prof: Any) -> str:
    """A stand-alone HTML page for a :class:`~phasebook.data.profile.Profile`."""
    heads = ["name", "type", "count", "missing", "distinct", "min", "max", "mean", "std", "target_correlation", "note"]
    rows = "".join(
        "<tr>" + "".join(f"<td>{_fmt(getattr(c, h))}{'~' if h == 'distinct' and c.distinct_approximate else ''}</td>"
                         for h in heads) + "</tr>"
        for c in prof.columns
    )
    note = " Distinct counts marked ~ and quantiles are approximate." if prof.approximate else ""
    table = (f"<p>{prof.rows} rows, {len(prof.columns)} columns.{note}</p>"
             f"<table><tr>{''.join(f'<th>{h}</th>' for h in heads)}</tr>{rows}</table>")
    return _page(f"Profile: {prof.source}", table, list(prof.figures().values()))
