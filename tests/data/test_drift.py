"""Drift: the shifted columns and only those; no flags on one distribution; same results from every format."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import jensenshannon

from phasebook.core.sections import DriftThresholds
from phasebook.data.drift import drift
from phasebook.data.synthetic import SHIFTED_COLUMNS, make_pair


def test_exactly_the_shifted_columns_are_flagged(shifted_pair):
    ref, cur = shifted_pair
    report = drift(ref, cur)
    assert sorted(report.drifted_columns) == sorted(SHIFTED_COLUMNS)
    assert report.drifted  # 5 of 20 columns reach the dataset share of 0.25
    assert {c.name: c.kind for c in report.columns}["c19_city"] == "categorical"


def test_many_rare_new_categories_are_flagged_though_js_alone_misses_them(shifted_pair):
    ref, cur = shifted_pair
    # What Evidently's default does for categoricals: JS distance (natural log) over all categories, at 0.1.
    r, c = Counter(ref["c19_city"].dropna()), Counter(cur["c19_city"].dropna())
    cats = sorted(set(r) | set(c))
    js_all = jensenshannon([r.get(k, 0) for k in cats], [c.get(k, 0) for k in cats])
    assert js_all < 0.1  # a Jensen–Shannon test alone would call this column stable
    col = drift(ref[["c19_city"]], cur[["c19_city"]]).column("c19_city")
    assert col.drifted and "unseen" in col.reasons
    assert col.unseen_share > 0.015 > col.unseen_expected


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_two_samples_of_one_distribution_are_never_flagged(seed):
    ref, cur = make_pair(5000, seed=seed, shifted=False)
    report = drift(ref, cur)
    assert report.drifted_columns == []
    assert not report.drifted


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_large_samples_of_one_distribution_are_not_flagged_where_p_values_alone_would(seed):
    """At 200k rows tiny differences give small p-values; the effect-size gates keep the verdict."""
    rng = np.random.default_rng(seed)
    n = 200_000
    ref = pd.DataFrame({"x": rng.normal(0, 1, n), "k": rng.choice(list("abcdefgh"), n)})
    cur = pd.DataFrame({"x": rng.normal(0.02, 1, n), "k": rng.choice(list("abcdefgh"), n, p=[0.13] + [0.87 / 7] * 7)})
    report = drift(ref, cur)
    assert report.column("x").ks_pvalue < 1e-3 and report.column("k").chi2_pvalue < 1e-3  # "significant"...
    assert report.drifted_columns == []  # ...but far too small to matter


def test_results_are_identical_from_parquet_csv_and_dataframe(small_pair, pair_files):
    def strip(report):
        data = report.model_dump(mode="json")
        for key in ("reference", "current", "seconds"):
            data.pop(key)
        return data

    from_frames = strip(drift(*small_pair))
    assert from_frames["drifted_columns"]  # a comparison with something to find
    assert strip(drift(*pair_files["parquet"])) == from_frames
    assert strip(drift(*pair_files["csv"])) == from_frames
    assert strip(drift(pair_files["parquet"][0], small_pair[1])) == from_frames


def test_thresholds_and_column_selection_are_honoured(shifted_pair):
    ref, cur = shifted_pair
    strict = DriftThresholds(psi=10, ks_statistic=0.5, js_distance=0.9, unseen_share=0.5)
    report = drift(ref, cur, thresholds=strict, columns=["f00_normal", "c16_plan"])
    assert [c.name for c in report.columns] == ["f00_normal", "c16_plan"]
    assert report.drifted_columns == []


def test_a_jump_in_missing_values_is_drift_not_a_silent_pass():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"x": rng.normal(size=5000)})
    x = rng.normal(size=5000)
    x[:2000] = np.nan  # 40% missing, the rest unchanged
    col = drift(ref, pd.DataFrame({"x": x})).column("x")
    assert col.drifted and "psi" in col.reasons
    assert col.missing_current == pytest.approx(0.4)
    assert col.ks_statistic < 0.05  # the values that remain did not move


def test_report_figures_and_html(small_pair):
    report = drift(*small_pair, columns=["f00_normal", "c16_plan"])
    figs = report.figures()
    assert set(figs) == {"f00_normal", "c16_plan"}
    assert [t.name for t in figs["f00_normal"].data] == ["reference", "current"]
    assert "DRIFT" in figs["f00_normal"].layout.title.text
    assert sum(figs["f00_normal"].data[0].y) == pytest.approx(1.0)
    html = report.to_html()
    assert html.count("<svg") == 2 and "<script" not in html  # the same bins, drawn inline
    assert 'aria-label="f00_normal: reference vs current"' in html and "f00_normal: the middle value moved" in html
    assert "plot" not in report.event_data()["columns"][0]


def test_the_overlay_names_the_most_frequent_new_categories_in_order():
    from phasebook.data.drift import TOP_CATEGORIES, _categorical

    # Given a current month with many new categories of varied counts (ties broken by name)
    rng = np.random.default_rng(4)
    new = {f"new_{i:03d}": int(c) for i, c in enumerate(rng.integers(1, 9, 300))}
    report = _categorical("city", {"a": 500, "b": 300}, 0, {"a": 400, "b": 350, **new}, 0, DriftThresholds())
    # Then the overlay shows the TOP_CATEGORIES most frequent new ones, as sorting all of them would
    expected = sorted(new, key=lambda k: (-new[k], k))[:TOP_CATEGORIES]
    shown = [k[:-len(" (new)")] for k in report.plot["categories"] if k.endswith(" (new)")]
    assert shown == expected
