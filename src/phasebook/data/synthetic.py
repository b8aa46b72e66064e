"""Seeded synthetic tables with known shifts, for tests, benchmarks and demos.

:func:`make_reference` draws a table of 20 columns — 12 floats with varied
distributions, 4 integers, 4 categoricals with 5 to 500 levels — each with
about 2% missing values. :func:`make_current` draws the same distributions
with a fresh seed and, when ``shifted`` is true, changes exactly the columns
in :data:`SHIFTED_COLUMNS`:

* ``f00_normal``: mean moved by half a standard deviation;
* ``f01_lognormal``: scale multiplied by 1.5;
* ``i12_poisson``: rate 3 → 4;
* ``c16_plan``: the two most frequent levels swap shares;
* ``c19_city``: 1.8% of rows take one of thousands of never-seen levels,
  each rare (the case a Jensen–Shannon test alone misses).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SHIFTED_COLUMNS", "make_reference", "make_current", "make_pair"]

SHIFTED_COLUMNS = ("f00_normal", "f01_lognormal", "i12_poisson", "c16_plan", "c19_city")
MISSING_SHARE = 0.02


def _zipf_probs(k: int, s: float = 1.1) -> np.ndarray:
    p = 1.0 / np.arange(1, k + 1) ** s
    return p / p.sum()


def _levels(prefix: str, k: int) -> np.ndarray:
    return np.array([f"{prefix}_{i:04d}" for i in range(k)], dtype=object)


def _draw(n: int, rng: np.random.Generator, shifted: bool) -> dict[str, np.ndarray]:
    s = 1.0 if shifted else 0.0
    cols: dict[str, np.ndarray] = {
        "f00_normal": rng.normal(0.5 * s, 1.0, n),
        "f01_lognormal": rng.lognormal(0.0, 1.0, n) * (1.5 if shifted else 1.0),
        "f02_exponential": rng.exponential(2.0, n),
        "f03_uniform": rng.uniform(-1.0, 1.0, n),
        "f04_beta": rng.beta(2.0, 5.0, n),
        "f05_gamma": rng.gamma(2.0, 3.0, n),
        "f06_student_t": rng.standard_t(3.0, n),
        "f07_bimodal": np.where(rng.random(n) < 0.3, rng.normal(-2, 0.5, n), rng.normal(2, 1.0, n)),
        "f08_pareto": rng.pareto(3.0, n),
        "f09_chisquare": rng.chisquare(4.0, n),
        "f10_outliers": np.where(rng.random(n) < 0.01, rng.normal(0, 50, n), rng.normal(0, 1, n)),
        "f11_weibull": rng.weibull(1.5, n),
        "i12_poisson": rng.poisson(4.0 if shifted else 3.0, n),
        "i13_binomial": rng.binomial(20, 0.3, n),
        "i14_geometric": rng.geometric(0.2, n),
        "i15_customer_id": rng.integers(0, 10_000_000, n),
    }
    plan = rng.choice(5, n, p=_zipf_probs(5, 1.0))
    if shifted:  # the two most frequent levels swap shares
        plan = np.where(plan == 0, 1, np.where(plan == 1, 0, plan))
    cols["c16_plan"] = _levels("plan", 5)[plan]
    cols["c17_channel"] = _levels("channel", 20)[rng.choice(20, n, p=_zipf_probs(20))]
    cols["c18_product"] = _levels("product", 100)[rng.choice(100, n, p=_zipf_probs(100))]
    city = _levels("city", 500)[rng.choice(500, n, p=_zipf_probs(500))]
    if shifted:  # many rare, never-seen cities
        new = rng.random(n) < 0.018
        city[new] = _levels("newcity", 20_000)[rng.integers(0, 20_000, int(new.sum()))]
    cols["c19_city"] = city
    return cols


def _frame(cols: dict[str, np.ndarray], rng: np.random.Generator) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    out = {}
    for name, values in cols.items():
        missing = rng.random(n) < MISSING_SHARE
        if name.startswith("f"):
            v = values.astype("float64")
            v[missing] = np.nan
            out[name] = v
        elif name.startswith("i"):
            out[name] = pd.array(np.where(missing, 0, values), dtype="Int64")
            out[name][missing] = pd.NA
        else:
            v = values.astype(object)
            v[missing] = None
            out[name] = pd.array(v, dtype="string")
    return pd.DataFrame(out)


def make_reference(n: int, seed: int = 0) -> pd.DataFrame:
    """The reference table: ``n`` rows, 20 columns, ~2% missing, seeded."""
    rng = np.random.default_rng(seed)
    return _frame(_draw(n, rng, shifted=False), rng)


def make_current(n: int, seed: int = 1, shifted: bool = True) -> pd.DataFrame:
    """A current table: the reference distributions, with :data:`SHIFTED_COLUMNS` changed if ``shifted``."""
    rng = np.random.default_rng(seed)
    return _frame(_draw(n, rng, shifted=shifted), rng)


def make_pair(n: int, seed: int = 0, shifted: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A (reference, current) pair drawn with independent seeds derived from ``seed``."""
    return make_reference(n, seed=2 * seed), make_current(n, seed=2 * seed + 1, shifted=shifted)
