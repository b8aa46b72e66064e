"""The three scoreboards (overview SVG, monitoring plotly, notebook plotly) draw one series (issue 14 must-hold)."""

from __future__ import annotations

import re

import pytest

from phasebook.core.scoreboard import scoreboard_series
from phasebook.dashboards.figures import scoreboard
from phasebook.dashboards.svgchart import scoreboard_svg
from phasebook.modeling.scoreboard import scoreboard_figure

SCOPE = {"kpis": [{"name": "churners caught", "metrics": [
    {"name": "roc_auc", "target": 0.8, "comparator": ">="},
    {"name": "mape", "target": 0.2, "comparator": "<="},
    {"name": "usefulness", "hardness": "soft"}]}]}


@pytest.fixture
def journal(project):
    """Pooled tests of two models (one missing a metric) and per-segment tests in between."""
    project.save_section("scope", SCOPE)
    project.test_model({"roc_auc": 0.71, "mape": 0.31}, model="logit")
    project.test_model({"roc_auc": 0.64}, model="gbm", segment="north")
    project.test_model({"roc_auc": 0.82}, model="gbm")
    project.test_model({"roc_auc": 0.9, "mape": 0.1}, model="gbm", segment="south")
    project.test_model({"roc_auc": 0.86, "mape": 0.18}, model="gbm-v2")
    return project


def svg_points(html: str) -> dict[str, list[tuple[str, float]]]:
    out = {}
    for name, body in re.findall(r'<svg role="img" aria-label="(.*?) per model test"(.*?)</svg>', html, flags=re.S):
        out[name] = [(label, float(v)) for label, v in re.findall(r"<title>(.*?): ([0-9.]+)</title>", body)]
    return out


def plotly_points(fig, skip_targets: bool = True) -> dict[str, list[tuple[str, float]]]:
    """Per metric: (label, value) of every drawn marker, in x order."""
    out: dict[str, list[tuple[str, float]]] = {}
    titles = {f"x{i + 1}" if i else "x": a.text for i, a in enumerate(fig.layout.annotations or []) if a.text in
              ("roc_auc", "mape")}
    for trace in fig.data:
        if skip_targets and "target" in (trace.name or ""):
            continue
        metric = titles.get(trace.xaxis or "x", trace.name)
        out.setdefault(metric, []).extend((x, y) for x, y in zip(trace.x, trace.y) if y is not None)
    order = {"logit": 0, "gbm": 1, "gbm-v2": 2}  # the journal's order of the pooled tests
    return {metric: sorted(pts, key=lambda p: order[p[0]]) for metric, pts in out.items()}


def test_the_three_scoreboards_draw_the_same_points(journal):
    scope, events = journal.section("scope"), journal.events()
    series = {s.metric: [(p.label, p.value) for p in s.points if p.value is not None]
              for s in scoreboard_series(scope, events)}
    assert series == {"roc_auc": [("logit", 0.71), ("gbm", 0.82), ("gbm-v2", 0.86)],
                      "mape": [("logit", 0.31), ("gbm-v2", 0.18)]}
    assert svg_points(scoreboard_svg(scope, events)) == series
    assert plotly_points(scoreboard(scope, events)) == series
    assert plotly_points(scoreboard_figure(events, scope)) == series


def test_every_renderer_draws_todays_targets(journal):
    scope, events = journal.section("scope"), journal.events()
    html = scoreboard_svg(scope, events)
    assert "target &gt;= 0.8" in html and "target &lt;= 0.2" in html
    targets = {t.name: t.y[0] for t in scoreboard(scope, events).data if "target" in t.name}
    assert targets == {"roc_auc target (&gt;= 0.8)": 0.8, "mape target (&lt;= 0.2)": 0.2}
    lines = sorted(s["y0"] for s in scoreboard_figure(events, scope).layout.shapes)
    assert lines == [0.2, 0.8]
