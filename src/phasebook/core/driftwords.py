"""A drift check in words: one headline for the dataset and one plain sentence per drifted column.

The monitoring page, reports and notifications say the same thing because
they all call these functions on the journaled ``drift_check`` data (plain
dicts) and, when available, a column's plot bins (``{"categories"|"edges",
"reference", "current"}`` shares). Nothing here recomputes a statistic.
"""

from __future__ import annotations

from typing import Any, Sequence

__all__ = ["drift_headline", "column_sentence", "ordered_columns", "NEW_SUFFIX"]

#: How :mod:`phasebook.data.drift` labels a category the reference never had.
NEW_SUFFIX = " (new)"


def _pct(share: float | None) -> str:
    if share is None:
        return "?"
    pct = share * 100
    return f"{pct:.0f}%" if pct >= 10 or pct == 0 else f"{pct:.1g}%" if pct < 1 else f"{pct:.1f}%".replace(".0%", "%")


def _listing(names: Sequence[str], more: int = 0) -> str:
    names = list(names)
    if more > 0:
        return ", ".join(names) + f" and {more} more"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _median(edges: Sequence[float], shares: Sequence[float]) -> float | None:
    total = sum(shares)
    if total <= 0:
        return None
    run = 0.0
    for i, s in enumerate(shares):
        if run + s >= total / 2 and s > 0:
            return edges[i] + (edges[i + 1] - edges[i]) * ((total / 2 - run) / s)
        run += s
    return edges[-1]


def _new_values(plot: dict[str, Any] | None) -> list[str]:
    cats = (plot or {}).get("categories") or []
    return [c[: -len(NEW_SUFFIX)] for c in cats if c.endswith(NEW_SUFFIX)]


def _largest_change(plot: dict[str, Any]) -> tuple[str, float, float] | None:
    cats, ref, cur = plot.get("categories") or [], plot.get("reference") or [], plot.get("current") or []
    best = None
    for c, r, k in zip(cats, ref, cur):
        if c.endswith(NEW_SUFFIX):
            continue
        if best is None or abs(k - r) > abs(best[2] - best[1]):
            best = (c, r, k)
    return best


def column_sentence(column: dict[str, Any], plot: dict[str, Any] | None = None) -> str:
    """What changed in one column, for a product reader ("device: 17% of current rows are a new value, tablet")."""
    name = str(column.get("name", ""))
    reasons = list(column.get("reasons") or [])
    plot = plot if plot is not None else column.get("plot")
    said: list[str] = []
    if "schema" in reasons:
        said.append(str(column.get("note") or "the column is not in both tables"))
    if "missing" in reasons:
        said.append(str(column.get("note") or "every value is missing in one of the tables"))
    if "unseen" in reasons:
        new = _new_values(plot)
        which = (", " + _listing(new[:3], len(new) - 3)) if new else ""
        said.append(f"{_pct(column.get('unseen_share'))} of current rows are a new value{which}")
    if {"psi", "js", "ks", "chi2"} & set(reasons) or (column.get("drifted") and not said):
        if column.get("note") and not said and not (plot or column.get("psi") or column.get("ks_statistic")):
            return f"{name}: {column['note']}"
        said.append(_shift(column, plot))
    if not said:
        return f"{name}: no change beyond the thresholds"
    return f"{name}: " + "; ".join(said)


def _shift(column: dict[str, Any], plot: dict[str, Any] | None) -> str:
    if plot and plot.get("edges"):
        before, after = _median(plot["edges"], plot["reference"]), _median(plot["edges"], plot["current"])
        if before is not None and after is not None:
            return f"the middle value moved from about {before:.3g} to about {after:.3g}"
    if plot and plot.get("categories"):
        change = _largest_change(plot)
        if change is not None and abs(change[2] - change[1]) > 0:
            cat, r, c = change
            return f"{cat} went from {_pct(r)} to {_pct(c)} of rows"
    if column.get("ks_statistic") is not None:
        return f"the distribution shifted (up to {_pct(column['ks_statistic'])} of rows moved)"
    if column.get("psi") is not None:
        return f"the mix of values changed (stability index {column['psi']:.2f})"
    return "the values changed"


def ordered_columns(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(drifted columns, most shifted first; the other columns in their order)."""
    cols = list(data.get("columns") or [])
    drifted = [c for c in cols if c.get("drifted")]
    drifted.sort(key=lambda c: -max(c.get("psi") or 0.0, c.get("ks_statistic") or 0.0, c.get("js_distance") or 0.0,
                                    c.get("unseen_share") or 0.0))
    return drifted, [c for c in cols if not c.get("drifted")]


def drift_headline(data: dict[str, Any]) -> tuple[str, str, str]:
    """(state for a badge, badge label, sentence) consistent with the drifted columns.

    ``state`` is ``failed`` when the dataset drifted or the schemas differ,
    ``pending`` when some columns drifted but fewer than the dataset threshold,
    ``passed`` when no column drifted.
    """
    cols = list(data.get("columns") or [])
    drifted = [str(c.get("name", "")) for c in ordered_columns(data)[0]]
    total, shared = data.get("total_columns"), data.get("shared_columns")
    if total and (shared or 0) * 2 < total:
        return ("failed", "schema mismatch",
                f"The tables share {shared or 0} of {total} columns: they are not the same table at two times.")
    n, m = len(drifted), len(cols)
    names = _listing(drifted[:5], n - 5)
    if data.get("drifted"):
        return "failed", "dataset drifted", f"{n} of {m} columns drifted: {names}."
    if n:
        limit = (data.get("thresholds") or {}).get("dataset_share")
        below = f" (the dataset counts as drifted from {_pct(limit)} of its columns)" if limit is not None else ""
        return "pending", f"{n} column{'s' if n > 1 else ''} drifted", f"{n} of {m} columns drifted: {names}{below}."
    return "passed", "no drift", f"None of the {m} columns drifted."
