"""A drift check in words: the headline agrees with the drifted columns; each drifted column gets a plain sentence."""

from __future__ import annotations

from phasebook.core.driftwords import column_sentence, drift_headline, ordered_columns

DEVICE = {"name": "device", "kind": "categorical", "drifted": True, "reasons": ["unseen", "psi"], "unseen_share": 0.168,
          "psi": 1.28}
DEVICE_PLOT = {"categories": ["android", "ios", "tablet (new)"], "reference": [0.6, 0.4, 0.0],
               "current": [0.52, 0.31, 0.17]}
TENURE = {"name": "tenure", "kind": "numeric", "drifted": False, "reasons": [], "psi": 0.01, "ks_statistic": 0.02}


def check(drifted: bool, *columns: dict) -> dict:
    return {"columns": list(columns), "drifted": drifted, "thresholds": {"dataset_share": 0.25},
            "shared_columns": len(columns), "total_columns": len(columns)}


def test_a_new_category_is_named_with_its_share():
    assert column_sentence(DEVICE, DEVICE_PLOT).startswith("device: 17% of current rows are a new value, tablet; ")
    assert "ios went from 40% to 31% of rows" in column_sentence(DEVICE, DEVICE_PLOT)
    # without the bins the share is still said, the name is left out rather than guessed
    assert column_sentence(DEVICE).startswith("device: 17% of current rows are a new value;")


def test_a_numeric_shift_is_said_as_the_middle_value_moving():
    col = {**TENURE, "drifted": True, "reasons": ["ks"], "ks_statistic": 0.3}
    plot = {"edges": [0, 10, 20, 30], "reference": [0.5, 0.3, 0.2], "current": [0.1, 0.3, 0.6]}
    assert column_sentence(col, plot) == "tenure: the middle value moved from about 10 to about 21.7"
    assert column_sentence(col) == "tenure: the distribution shifted (up to 30% of rows moved)"


def test_the_headline_never_says_no_drift_beside_a_drifted_column():
    assert drift_headline(check(False, TENURE)) == ("passed", "no drift", "None of the 1 columns drifted.")
    state, label, sentence = drift_headline(check(False, TENURE, DEVICE))
    assert (state, label) == ("pending", "1 column drifted") and "device" in sentence and "no" not in label
    assert drift_headline(check(True, TENURE, DEVICE))[:2] == ("failed", "dataset drifted")
    mismatch = {**check(True, DEVICE), "shared_columns": 1, "total_columns": 39}
    assert drift_headline(mismatch) == ("failed", "schema mismatch", "The tables share 1 of 39 columns: they are not "
                                        "the same table at two times.")


def test_drifted_columns_come_first_most_shifted_first():
    small = {**DEVICE, "name": "plan", "psi": 0.3, "unseen_share": 0.0}
    drifted, rest = ordered_columns(check(True, TENURE, small, DEVICE))
    assert [c["name"] for c in drifted] == ["device", "plan"] and [c["name"] for c in rest] == ["tenure"]


def test_a_column_missing_from_one_table_is_said_with_its_note():
    col = {"name": "churned", "kind": "numeric", "drifted": True, "reasons": ["schema"],
           "note": "only in the reference table: the current table has no column 'churned'"}
    assert column_sentence(col) == "churned: only in the reference table: the current table has no column 'churned'"
