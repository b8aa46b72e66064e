"""Plotly figures and stand-alone HTML reports for profiles and drift checks.

The figures are built from the numbers already in the reports (no second
pass over the data): overlay histograms of reference and current shares for
drift, a histogram or a top-values bar chart per profiled column. The HTML
reports draw the same bins as inline SVG (:mod:`.charts`): one file, no
script and no sibling file, small (well under 1 MB for 20 columns), and it
opens offline. The plotly figures are for notebooks.
"""

from __future__ import annotations

from typing import Any

from ..core.escape import html_text
from .charts import bars_svg, overlay_svg

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


_REPORT_CSS = (
    ":root{--pb-bg:#fff;--pb-fg:#1f2328;--pb-border:#d0d7de;--pb-drift:#ffebe9;--pb-ref:#4c78a8;--pb-cur:#e4700e;"
    "--pb-grid:#e6e9ec;color-scheme:light dark}"
    "@media (prefers-color-scheme: dark){:root{--pb-bg:#0d1117;--pb-fg:#e6edf3;--pb-border:#3d444d;--pb-drift:#3c1618;"
    "--pb-ref:#6fa0d8;--pb-cur:#f0883e;--pb-grid:#262c36}}"
    "body{font-family:system-ui,sans-serif;margin:2em;background:var(--pb-bg);color:var(--pb-fg)}"
    ".scroll{overflow-x:auto}table{border-collapse:collapse}"
    "td,th{border:1px solid var(--pb-border);padding:2px 8px;text-align:right}td:first-child{text-align:left}"
    ".drift{background:var(--pb-drift)}svg text{fill:currentColor}.charts{display:flex;flex-wrap:wrap}"
)


def _page(title: str, table_html: str, charts: list[str]) -> str:
    """The report page: one self-contained file (inline CSS and SVG, no script, nothing fetched)."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html_text(title)}</title><style>{_REPORT_CSS}</style></head><body>"
        f"<h1>{html_text(title)}</h1>{table_html}<div class='charts'>{''.join(c for c in charts if c)}</div>"
        "</body></html>"
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
        f"<div class='scroll'><table><tr>{''.join(f'<th>{h}</th>' for h in heads)}</tr>{rows}</table></div>"
    )
    from ..core.driftwords import column_sentence, drift_headline, ordered_columns

    data = report.model_dump(mode="json")
    _, label, sentence = drift_headline(data)
    drifted, _rest = ordered_columns(data)
    said = "".join(f"<li>{html_text(column_sentence(c))}</li>" for c in drifted)
    head = f"<p><b>{html_text(label)}</b>: {html_text(sentence)}</p>" + (f"<ul>{said}</ul>" if said else "")
    order = [c["name"] for c in drifted] + [c.name for c in report.columns if not c.drifted]
    charts = [overlay_svg(name, report.column(name).plot,
                          title=f"{name} ({'drifted' if report.column(name).drifted else 'stable'})") for name in order]
    return _page(f"Drift: {report.current} vs {report.reference}", head + table, charts)


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


def profile_html(prof: Any) -> str:
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
             f"<div class='scroll'><table><tr>{''.join(f'<th>{h}</th>' for h in heads)}</tr>{rows}</table></div>"
             + _target_rates(prof))
    return _page(f"Profile: {prof.source}", table, [_profile_chart(c) for c in prof.columns])


def _profile_chart(col: Any) -> str:
    """The same bins as :func:`profile_figure`, as SVG."""
    if col.histogram:
        e = col.histogram["edges"]
        return bars_svg(col.name, [f"{a:.3g}" for a in e[:-1]], col.histogram["counts"], title=f"{col.name} ({col.type})")
    if col.top_values:
        return bars_svg(col.name, [v["value"] for v in col.top_values], [v["count"] for v in col.top_values],
                        title=f"{col.name} ({col.type})")
    return ""
