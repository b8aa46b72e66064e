"""Profiles agree with pandas, say when they approximate, and are the same from every format."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import phasebook.data.profile as profile_module
from phasebook.data.profile import profile
from phasebook.data.synthetic import make_reference


@pytest.fixture(scope="module")
def table():
    df = make_reference(3000, seed=4)
    df["churned"] = (df["f00_normal"].fillna(0) + np.random.default_rng(0).normal(size=3000) > 1).astype(int)
    return df


def test_numeric_statistics_match_pandas(table):
    prof = profile(table, target="churned")
    assert prof.rows == 3000 and not prof.approximate
    for name in ("f01_lognormal", "i13_binomial"):
        col, s = prof.column(name), table[name].astype("float64")
        assert col.count == s.count() and col.missing == s.isna().sum()
        assert col.distinct == s.nunique() and not col.distinct_approximate
        assert col.min == s.min() and col.max == s.max()
        assert col.mean == pytest.approx(s.mean(), rel=1e-11) and col.std == pytest.approx(s.std(), rel=1e-9)
        assert col.quantiles["p25"] == pytest.approx(s.quantile(0.25), rel=1e-12)
        assert sum(col.histogram["counts"]) == col.count and len(col.histogram["edges"]) == 31
        ok = s.notna()
        expected = np.corrcoef(s[ok], table["churned"][ok])[0, 1]
        assert col.target_correlation == pytest.approx(expected, abs=1e-9)


def test_categorical_top_values_and_target_rate(table):
    col = profile(table, target="churned").column("c16_plan")
    counts = table["c16_plan"].value_counts()
    assert [v["value"] for v in col.top_values] == list(counts.index[:5])
    top = col.top_values[0]
    assert top["count"] == counts.iloc[0] and top["share"] == pytest.approx(counts.iloc[0] / 3000)
    rate = table.loc[table["c16_plan"] == top["value"], "churned"].mean()
    assert top["target_mean"] == pytest.approx(rate)
    assert col.distinct == 5 and col.mean is None


def test_above_the_exact_limit_categorical_distinct_counts_are_approximate_and_say_so(table, monkeypatch):
    monkeypatch.setattr(profile_module, "EXACT_LIMIT", 1000)
    prof = profile(table)
    city, num = prof.column("c19_city"), prof.column("f00_normal")
    assert prof.approximate and city.distinct_approximate
    assert city.distinct == pytest.approx(table["c19_city"].nunique(), rel=0.05)
    # numeric distinct counts are counted on the sorted values: exact at any size
    assert not num.distinct_approximate and num.distinct == table["f00_normal"].nunique()
    assert not num.quantiles_approximate
    assert num.quantiles["p50"] == pytest.approx(table["f00_normal"].median(), rel=1e-12)  # quantiles stay exact
    assert "approximate" in prof.to_html()
    assert not profile(table.iloc[:900]).approximate


def test_profile_is_identical_from_parquet_csv_and_dataframe(table, tmp_path):
    table.to_parquet(tmp_path / "t.parquet")
    table.to_csv(tmp_path / "t.csv", index=False)

    def dump(spec):
        data = profile(spec, target="churned").model_dump(mode="json")
        data.pop("source"), data.pop("seconds")
        return data

    expected = dump(table)
    assert dump(tmp_path / "t.parquet") == expected
    assert dump(str(tmp_path / "t.csv")) == expected


def test_figures_and_html(table):
    prof = profile(table[["f00_normal", "c17_channel"]])
    figs = prof.figures()
    assert set(figs) == {"f00_normal", "c17_channel"}
    assert sum(figs["f00_normal"].data[0].y) == prof.column("f00_normal").count
    assert list(figs["c17_channel"].data[0].x)[0] == prof.column("c17_channel").top_values[0]["value"]
    assert "<html>" in prof.to_html() and "c17_channel" in prof.to_html()


def test_dates_and_booleans():
    df = pd.DataFrame({"when": pd.date_range("2024-01-01", periods=48, freq="h"), "flag": [True, False, False] * 16,
                       "churned": [1, 0, 0] * 16})
    prof = profile(df, target="churned")
    when = prof.column("when")
    assert (when.kind, when.min, when.max) == ("datetime", "2024-01-01T00:00:00+00:00", "2024-01-02T23:00:00+00:00")
    assert "seconds since 1970" in when.note and when.histogram is not None
    assert prof.column("flag").top_values[0] == {"value": "false", "count": 32, "share": 32 / 48, "target_mean": 0.0}
