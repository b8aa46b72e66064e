"""A seeded, realistic subscription-churn data set.

Three tables, written as Parquet into a project's ``data/``:

* ``customers.parquet`` — last quarter's customers with their plan, contract,
  tenure, usage, support tickets, payment failures, device, region and the
  ``churned`` label (about one in five churns);
* ``current_month.parquet`` — this month's customers, no label yet, with a
  covariate shift: a new device type (``foldable``) that the model never saw;
* ``rollout_outcomes.parquet`` — the partial rollout's A/B groups (model-
  targeted retention offers vs control) and who churned four weeks later.

Churn depends on the features non-linearly (short tenure on a monthly
contract is the riskiest), so the boosted baseline beats the linear one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["customers", "current_month", "rollout_outcomes", "write_demo_data", "DEVICES", "NEW_DEVICE"]

PLANS = (("basic", 0.5, 19.0), ("standard", 0.35, 39.0), ("premium", 0.15, 69.0))
REGIONS = (("north", 0.22), ("south", 0.26), ("east", 0.2), ("west", 0.24), ("central", 0.08))
DEVICES = (("android", 0.46), ("ios", 0.39), ("web", 0.15))
NEW_DEVICE = "foldable"


def _choice(rng: np.random.Generator, table, n: int) -> np.ndarray:
    names = [t[0] for t in table]
    p = np.array([t[1] for t in table], dtype=float)
    return rng.choice(names, size=n, p=p / p.sum())


def _features(rng: np.random.Generator, n: int, *, devices=DEVICES, start_id: int = 1) -> pd.DataFrame:
    plan = _choice(rng, PLANS, n)
    base = dict((name, price) for name, _, price in PLANS)
    contract = np.where(rng.random(n) < np.where(plan == "premium", 0.55, 0.3), "annual", "monthly")
    tenure = np.clip(np.round(rng.gamma(1.6, np.where(contract == "annual", 20.0, 9.0))), 1, 72).astype(int)
    usage = np.round(rng.lognormal(np.log(np.where(plan == "basic", 14.0, 22.0)), 0.55), 1)
    device = _choice(rng, devices, n)
    return pd.DataFrame({
        "customer_id": [f"C{start_id + i:06d}" for i in range(n)],
        "plan": plan,
        "contract": contract,
        "region": _choice(rng, REGIONS, n),
        "device": device,
        "tenure_months": tenure,
        "monthly_charges": np.round(np.vectorize(base.get)(plan) * rng.normal(1.0, 0.08, n), 2),
        "usage_hours": usage,
        "sessions_last_30d": rng.poisson(usage * 1.4).astype(int),
        "support_tickets_90d": rng.poisson(0.5 + 0.7 * (device == "web"), n).astype(int),
        "payment_failures": rng.poisson(0.15, n).astype(int),
    })


def _churn_probability(df: pd.DataFrame) -> np.ndarray:
    monthly = (df["contract"] == "monthly").to_numpy()
    tenure = df["tenure_months"].to_numpy()
    usage = df["usage_hours"].to_numpy()
    tickets = df["support_tickets_90d"].to_numpy()
    logit = (
        -1.6
        + 0.6 * monthly
        + 2.2 * (monthly & (tenure <= 6))            # new monthly customers leave most
        - 0.02 * tenure
        + 0.4 * tickets
        + 1.0 * np.minimum(df["payment_failures"].to_numpy(), 2)
        - 1.6 * (usage > 12)                          # engaged customers stay
        + 0.35 * (df["plan"] == "basic").to_numpy()
        + 0.3 * (df["region"] == "central").to_numpy()
        + 1.6 * ((usage < 8) & (tickets >= 1))        # low usage and a complaint
    )
    return 1.0 / (1.0 + np.exp(-logit))


def customers(n: int = 8000, *, seed: int = 7) -> pd.DataFrame:
    """Last quarter's customers with the ``churned`` label (0/1)."""
    rng = np.random.default_rng(seed)
    df = _features(rng, n)
    df["churned"] = (rng.random(n) < _churn_probability(df)).astype(int)
    return df


def current_month(n: int = 3000, *, seed: int = 8, new_device_share: float = 0.18) -> pd.DataFrame:
    """This month's customers (no label): a new device type appears."""
    rng = np.random.default_rng(seed)
    scale = 1.0 - new_device_share
    devices = tuple((name, p * scale) for name, p in DEVICES) + ((NEW_DEVICE, new_device_share),)
    return _features(rng, n, devices=devices, start_id=500_000)


def rollout_outcomes(n: int = 4000, *, seed: int = 9) -> pd.DataFrame:
    """The A/B rollout: half the at-risk customers got model-targeted offers."""
    rng = np.random.default_rng(seed)
    group = np.where(rng.random(n) < 0.5, "model", "control")
    base = np.where(group == "model", 0.15, 0.19)
    return pd.DataFrame({
        "customer_id": [f"C{700_000 + i:06d}" for i in range(n)],
        "group": group,
        "retention_offer": (group == "model") & (rng.random(n) < 0.3),
        "churned": (rng.random(n) < base).astype(int),
    })


def write_demo_data(data_dir: str | Path, *, seed: int = 7) -> dict[str, Path]:
    """Write the three tables as Parquet into ``data_dir``; return name → path."""
    out = Path(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "customers": customers(seed=seed),
        "current_month": current_month(seed=seed + 1),
        "rollout_outcomes": rollout_outcomes(seed=seed + 2),
    }
    paths = {}
    for name, df in tables.items():
        path = out / f"{name}.parquet"
        df.to_parquet(path, index=False)
        paths[name] = path
    return paths
