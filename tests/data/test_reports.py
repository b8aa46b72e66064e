"""Reports people keep: valid JSON beside --html, target rates and quantiles, named new categories, 0644, small files."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from playwright.sync_api import expect
import pandas as pd
from click.testing import CliRunner

from phasebook.cli import cli
from phasebook.data.drift import drift


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def twenty_columns(n: int = 5000, seed: int = 0, shift: float = 0.0, new_category: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols = {f"num{i}": rng.normal(shift * (i == 0), 1, n) for i in range(10)}
    for i in range(9):
        cols[f"cat{i}"] = rng.choice(["a", "b", "c", "d"], n)
    plan = rng.choice(["monthly", "yearly"], n)
    if new_category:
        plan[: n // 5] = "weekly"
    cols["plan"] = plan
    cols["churned"] = (rng.random(n) < np.where(plan == "monthly", 0.4, 0.1)).astype(int)
    return pd.DataFrame(cols)


def assert_self_contained(out, text):
    """One file: no script, no stylesheet or image fetched, nothing written beside it."""
    assert "<script" not in text.lower() and "src=" not in text and "href=" not in text and "@import" not in text
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


def test_profile_report_has_target_rates_and_quantiles_and_stays_small(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    twenty_columns().to_parquet(tmp_path / "t.parquet")
    out = tmp_path / "reports" / "profile.html"
    result = run("data", "profile", "t.parquet", "--target", "churned", "--json", "--html", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # stdout is JSON only
    text = out.read_text(encoding="utf-8")
    plan = next(c for c in data["columns"] if c["name"] == "plan")
    monthly = next(v for v in plan["top_values"] if v["value"] == "monthly")
    assert "aria-label='target rate by plan'" in text and f"<td>{monthly['target_mean']:.1%}</td>" in text
    num0 = next(c for c in data["columns"] if c["name"] == "num0")
    assert "<th>p50</th>" in text and f"<td>{num0['quantiles']['p50']:.4g}</td>" in text
    assert out.stat().st_size <= 1_000_000 and out.stat().st_mode & 0o777 == 0o644
    assert_self_contained(out, text)
    assert text.count("<svg") == len(data["columns"])  # one chart per column, drawn inline


def test_drift_report_names_new_categories_and_shows_the_whole_range(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ref, cur = twenty_columns(seed=1), twenty_columns(seed=2, shift=3.0, new_category=True)
    ref.to_parquet(tmp_path / "ref.parquet")
    cur.to_parquet(tmp_path / "cur.parquet")
    report = drift(str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"))
    plan = report.column("plan")
    assert "weekly (new)" in plan.plot["categories"] and "(unseen)" not in plan.plot["categories"]
    assert "(other)" not in report.column("cat0").plot["categories"]  # no empty bars
    edges = report.column("num0").plot["edges"]
    assert edges[0] <= min(ref.num0.min(), cur.num0.min()) and edges[-1] >= max(ref.num0.max(), cur.num0.max())
    shares = report.column("num0").plot["current"]
    assert shares[-1] < 0.2  # the tail is not folded into a spiking last bin
    out = tmp_path / "reports" / "drift.html"
    result = run("data", "drift", "ref.parquet", "cur.parquet", "--json", "--html", str(out))
    assert result.exit_code == 0 and json.loads(result.stdout)["rows_current"] == 5000
    text = out.read_text(encoding="utf-8")
    assert "weekly (new)" in text and out.stat().st_size <= 1_000_000 and out.stat().st_mode & 0o777 == 0o644
    assert_self_contained(out, text)
    # the drifted columns come first, each with a plain sentence naming what changed
    assert "plan: 20% of current rows are a new value, weekly" in text
    assert text.index("aria-label='num0: reference vs current'".replace("'", '"')) < text.index(
        'aria-label="num1: reference vs current"')


@pytest.mark.browser
def test_a_report_opens_offline_in_chromium_with_every_chart(tmp_path, monkeypatch, page):
    # Given a drift report of 20 columns copied alone into an empty folder
    monkeypatch.chdir(tmp_path)
    twenty_columns(seed=1).to_parquet(tmp_path / "ref.parquet")
    twenty_columns(seed=2, shift=3.0, new_category=True).to_parquet(tmp_path / "cur.parquet")
    out = tmp_path / "kept" / "drift.html"
    assert run("data", "drift", "ref.parquet", "cur.parquet", "--html", str(out)).exit_code == 0
    # When Chromium opens it with every network request refused
    requests: list[str] = []
    page.route("**/*", lambda route: (requests.append(route.request.url),
                                      route.continue_() if route.request.url.startswith("file:") else route.abort()))
    page.goto(out.as_uri())
    # Then nothing but the file itself was asked for, and every column's chart is drawn
    assert requests == [out.as_uri()]
    charts = page.get_by_role("img", name=re.compile(": reference vs current$"))
    expect(charts.first).to_be_visible()
    assert charts.count() == 21  # twenty features and the label
    assert page.get_by_text("plan: 20% of current rows are a new value, weekly").is_visible()
