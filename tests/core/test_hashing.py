"""Canonical JSON, content hashes and the JSON conversion applied before journaling."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np

from phasebook.core.hashing import canonical_json, content_hash, jsonable
from phasebook.core.events import Actor, Event, GENESIS


def test_hash_ignores_key_order_and_formatting():
    assert content_hash({"a": 1, "b": [1, 2]}) == content_hash({"b": [1, 2], "a": 1})
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'
    assert content_hash({"a": 1}) != content_hash({"a": 2})


def test_jsonable_converts_what_tools_produce():
    value = {
        1: np.int64(3), "f": np.float32(0.5), "arr": np.arange(3), "nan": math.nan, "inf": np.inf,
        "when": dt.date(2026, 1, 2), "path": Path("data/x.parquet"), "tup": (1, 2), "actor": Actor(name="a"),
    }
    out = jsonable(value)
    assert out == {
        "1": 3, "f": 0.5, "arr": [0, 1, 2], "nan": None, "inf": None, "when": "2026-01-02",
        "path": "data/x.parquet", "tup": [1, 2], "actor": {"name": "a", "role": None, "verified": False},
    }
    canonical_json(out)  # strict JSON: raises on anything left over


def test_sealed_event_hash_covers_everything_but_the_hash():
    ev = Event(seq=1, at="2026-01-01T00:00:00.000000Z", actor=Actor(name="a"), kind="x", data={"k": 1}, prev=GENESIS).sealed()
    assert ev.hash.startswith("sha256:")
    tampered = ev.model_copy(update={"data": {"k": 2}})
    assert tampered.sealed().hash != ev.hash
