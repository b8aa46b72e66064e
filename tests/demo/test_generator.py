"""The seeded churn data: deterministic, realistic shares, a covariate shift in the current month."""

from __future__ import annotations

from phasebook.demo import data


def test_the_generator_is_seeded():
    assert data.customers(500, seed=3).equals(data.customers(500, seed=3))
    assert not data.customers(500, seed=3).equals(data.customers(500, seed=4))


def test_customers_look_like_a_subscription_business():
    df = data.customers()
    assert list(df.columns) == [
        "customer_id", "plan", "contract", "region", "device", "tenure_months", "monthly_charges", "usage_hours",
        "sessions_last_30d", "support_tickets_90d", "payment_failures", "churned",
    ]
    assert 0.15 < df["churned"].mean() < 0.3
    assert df["customer_id"].is_unique and df["tenure_months"].between(1, 72).all()
    monthly_new = df[(df["contract"] == "monthly") & (df["tenure_months"] <= 6)]["churned"].mean()
    annual = df[df["contract"] == "annual"]["churned"].mean()
    assert monthly_new > 2 * annual


def test_the_current_month_brings_a_new_device_and_no_label():
    current = data.current_month()
    assert "churned" not in current.columns
    assert data.NEW_DEVICE not in set(data.customers()["device"])
    assert 0.12 < (current["device"] == data.NEW_DEVICE).mean() < 0.25
