"""Post-deployment KPI comparison between groups (4.3).

After a partial rollout, the groups of the A/B design (model vs control)
are compared on the primary KPI: the rate (binary outcome) or mean
(numeric outcome) per group, the difference against the control group with
a 95% confidence interval, and a two-sided p-value (two-proportion z-test,
or Welch's t-test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.named_errors import InvalidValueError, LabelColumnError
from ..core.errors import UnknownColumnError

__all__ = ["compare_groups"]


def compare_groups(df: pd.DataFrame, group_column: str, outcome_column: str, *, control: str | None = None) -> pd.DataFrame:
    """Compare ``outcome_column`` across the groups in ``group_column``.

    Args:
        df: one row per user / customer with its group and outcome.
        group_column: the column naming the group (``model``, ``control``).
        outcome_column: a binary (rate) or numeric (mean) outcome.
        control: the reference group (default: a group named ``control``, else the first).

    Returns:
        One row per group: ``group, n, estimate, difference, ci_low, ci_high, p_value``
        (difference and interval against the control; empty for the control row).
    """
    from scipy import stats

    for col in (group_column, outcome_column):
        if col not in df.columns:
            raise UnknownColumnError(column=col, label="the group data", known=list(df.columns))
    data = df[[group_column, outcome_column]].dropna()
    y = data[outcome_column]
    binary = set(pd.unique(y)) <= {0, 1, True, False}
    y = y.astype(float)
    groups = [str(g) for g in pd.unique(data[group_column])]
    if len(groups) < 2:
        raise LabelColumnError(where=f"Column {group_column!r}", found=f"has {len(groups)} group(s)", required="a comparison needs at least two",
            fix="Compare a column with two or more groups")
    control = control or ("control" if "control" in groups else groups[0])
    if control not in groups:
        raise InvalidValueError(what="Control group", value=control, allowed=list(groups))
    labels = data[group_column].astype(str)
    ref = y[labels == control].to_numpy()
    rows = []
    for g in [control] + [g for g in groups if g != control]:
        values = y[labels == g].to_numpy()
        row = {"group": g, "n": int(len(values)), "estimate": float(values.mean()) if len(values) else np.nan,
               "difference": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
        if g != control and len(values) and len(ref):
            diff = values.mean() - ref.mean()
            if binary:
                p1, p0, n1, n0 = values.mean(), ref.mean(), len(values), len(ref)
                se = np.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
                pooled = (values.sum() + ref.sum()) / (n1 + n0)
                se0 = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
                p_value = 2 * stats.norm.sf(abs(diff) / se0) if se0 > 0 else np.nan
            else:
                se = np.sqrt(values.var(ddof=1) / len(values) + ref.var(ddof=1) / len(ref))
                p_value = float(stats.ttest_ind(values, ref, equal_var=False).pvalue)
            row.update(difference=float(diff), ci_low=float(diff - 1.96 * se), ci_high=float(diff + 1.96 * se),
                       p_value=float(p_value))
        rows.append(row)
    return pd.DataFrame(rows)
