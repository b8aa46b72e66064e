"""Plotly figures and stand-alone HTML reports for profiles and drift checks.

The figures are built from the numbers already in the reports (no second
pass over the data): overlay histograms of reference and current shares for
drift, a histogram or a top-values bar chart per profiled column. The HTML
reports load plotly.js from one bundled script written beside them
(``plotly.min.js``), so they stay small and open offline.
"""

from __future__ import annotations

from typing import Any

from ..core.escape import html_text

__all__ = ["drift_figure", "profile_figure", "drift_html", "profile_html", "write_plotly_bundle", "PLOTLY_BUNDLE"]

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


#: The one plotly bundle a report loads, written beside it (see :func:`write_plotly_bundle`).
PLOTLY_BUNDLE = "plotly.min.js"


def write_plotly_bundle(folder: Any) -> Any:
    """Copy plotly's bundled script beside the reports in ``folder`` (once; kept if it is already there)."""
    import shutil
    from pathlib import Path

    import plotly

    target = Path(folder) / PLOTLY_BUNDLE
    if not target.exists():
        source = Path(plotly.__file__).parent / "package_data" / PLOTLY_BUNDLE
        tmp = target.with_name(f".{PLOTLY_BUNDLE}.tmp")
        shutil.copyfile(source, tmp)
        tmp.chmod(0o644)
        tmp.replace(target)
    return target


def _page(title: str, table_html: str, figures: list, *, plotlyjs: Any = "directory") -> str:
    """The report page; ``plotlyjs="directory"`` loads the one bundle beside the file (``True`` inlines it)."""
    parts = []
    for i, fig in enumerate(figures):
        parts.append(fig.to_html(full_html=False, include_plotlyjs=plotlyjs if i == 0 else False))
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


def drift_html(report: Any, *, plotlyjs: Any = "directory") -> str:
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
    return _page(f"Drift: {report.current} vs {report.reference}", table, list(report.figures().values()),
                 plotlyjs=plotlyjs)


QUANTILE_KEYS = ("p05", "p25", "p50", "p75", "p95")  # as :mod:`phasebook.data.profile` names them


def _target_rates(prof: Any) -> str:
    """Per categorical column, the target's rate for each top value (what the JSON's target_mean holds)."""
    if not prof.target:
        return ""
    blocks = []
    for c in prof.columns:
        values = [v for v in c.top_values if v.get("target_mean") is not None]
        if not values or c.name == prof.target:
            continue
        rows = "".join(f"<tr><td>{_fmt(v['value'])}</td><td>{v['count']}</td><td>{v['share']:.1%}</td>"
                       f"<td>{v['target_mean']:.1%}</td></tr>" for v in values)
        blocks.append(f"<h3>{html_text(c.name)}</h3><table aria-label='target rate by {html_text(c.name)}'>"
                      f"<tr><th>value</th><th>rows</th><th>share</th><th>rate of {html_text(prof.target)}</th></tr>"
                      f"{rows}</table>")
    return f"<h2>Target rate ({html_text(prof.target)}) by value</h2>" + "".join(blocks) if blocks else ""


def profile_html(prof: Any, *, plotlyjs: Any = "directory") -> str:
    """A stand-alone HTML page for a :class:`~phasebook.data.profile.Profile`: statistics, quantiles, target rates."""
    heads = ["name", "type", "count", "missing", "distinct", "min", *QUANTILE_KEYS, "max", "mean", "std",
             "target_correlation", "note"]

    def cell(c: Any, h: str) -> str:
        if h in QUANTILE_KEYS:
            return _fmt((c.quantiles or {}).get(h))
        return _fmt(getattr(c, h)) + ("~" if h == "distinct" and c.distinct_approximate else "")

    rows = "".join("<tr>" + "".join(f"<td>{cell(c, h)}</td>" for h in heads) + "</tr>" for c in prof.columns)
    note = " Distinct counts marked ~ and quantiles are approximate." if prof.approximate else ""
    table = (f"<p>{prof.rows} rows, {len(prof.columns)} columns.{note}</p>"
             f"<table><tr>{''.join(f'<th>{h}</th>' for h in heads)}</tr>{rows}</table>" + _target_rates(prof))
    return _page(f"Profile: {prof.source}", table, list(prof.figures().values()), plotlyjs=plotlyjs)
