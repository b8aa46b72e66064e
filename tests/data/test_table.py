"""Column reads from Arrow memory: the same values and missing counts whatever the chunking."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from phasebook.data import table as table_mod
from phasebook.data.table import _fill_ints


def test_integer_reads_drop_exactly_the_nulls_across_blocks_chunks_and_slices(monkeypatch):
    # Given integer chunks with nulls, one of them a slice (an offset into its buffers), over several copy blocks
    monkeypatch.setattr(table_mod, "_BLOCK", 7)
    rng = np.random.default_rng(1)
    values = rng.integers(-50, 50, 200)
    nulls = rng.random(200) < 0.3
    whole = pa.array(values, mask=nulls, type=pa.int64())
    chunks = [whole.slice(0, 45), whole.slice(45, 100), pa.array([], type=pa.int64()), whole.slice(145)]
    # When they are read into a reused buffer
    buffer = np.full(200, -1.0)
    got, missing = _fill_ints(chunks, 200, buffer)
    # Then exactly the non-null values come back, in order, and the nulls are counted
    assert got.tolist() == values[~nulls].tolist() and missing == int(nulls.sum())
    assert np.shares_memory(got, buffer)
