"""The portfolio page's parts, outside and inside a viewer kernel (read-only, escaped)."""

from __future__ import annotations

import json

import pytest

from phasebook.core.errors import ViewerWriteRefusedError
from phasebook.dashboards import context
from phasebook.dashboards.portfolio import portfolio_parts
from phasebook.project import Project
from phasebook.store import guard

from tests.portfolio_projects import EXPECTED_ORDER, build_portfolio


@pytest.fixture(autouse=True)
def clean_context():
    context._CONTEXT.clear()
    guard._LOCKED.clear()
    yield
    context._CONTEXT.clear()
    guard._LOCKED.clear()


def test_rows_in_order_with_escaped_names_and_links_to_each_overview(tmp_path):
    root = build_portfolio(tmp_path / "team")
    Project.new(root / "odd name", "<img src=x onerror=alert(1)>")
    html = "".join(portfolio_parts(root))
    positions = [html.index(f">{name}</a>") for name in EXPECTED_ORDER]
    assert positions == sorted(positions)
    assert '<a href="../../team/late-research/workbooks/dashboards/overview.ipynb"' in html
    assert '../../odd%20name/workbooks/dashboards/overview.ipynb' in html
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_in_a_viewer_kernel_projects_are_opened_read_only(tmp_path, monkeypatch):
    root = build_portfolio(tmp_path / "team")
    context.set_context(json.dumps({"viewer": {}, "root_dir": str(root)}))
    opened = []
    real = context.ViewerProject

    def spy(project, who):
        view = real(project, who)
        opened.append(view)
        return view

    monkeypatch.setattr("phasebook.dashboards.portfolio.ViewerProject", spy)
    html = "".join(portfolio_parts(root))
    assert len(opened) == 3 and all(n in html for n in EXPECTED_ORDER)
    with pytest.raises(ViewerWriteRefusedError):
        opened[0].save_section("scope", {})
