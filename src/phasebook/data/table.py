"""A table behind a private DuckDB connection, read one column at a time.

:class:`Table` is what :func:`phasebook.data.sources.open_table` returns. Its
connection has a memory limit and a spill folder (``PHASEBOOK_MEMORY_LIMIT``,
default ``1GB``; ``PHASEBOOK_SPILL_DIR``), so large files are scanned out of
core; profile and drift ask it for one column at a time, as NumPy values or
as value counts, with NULL and NaN both counted as missing.
"""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..core.errors import BadInputError

__all__ = ["Table", "quote", "column_kind", "connect"]

_NUMERIC = re.compile(r"^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|DOUBLE|REAL|DECIMAL.*|UHUGEINT)$")
_DATETIME = re.compile(r"^(DATE|TIMESTAMP.*|TIME)$")
_CATEGORICAL = re.compile(r"^(VARCHAR|BOOLEAN|ENUM.*|UUID)$")


def quote(name: str, q: str = '"') -> str:
    """Quote an SQL identifier (``q='"'``) or string literal (``q="'"``)."""
    return q + str(name).replace(q, q + q) + q


def column_kind(duck_type: str) -> str:
    """``numeric``, ``datetime``, ``categorical`` or ``other`` for a DuckDB type name."""
    t = duck_type.upper()
    if _NUMERIC.match(t):
        return "numeric"
    if _DATETIME.match(t):
        return "datetime"
    if _CATEGORICAL.match(t):
        return "categorical"
    return "other"


def connect():
    """A fresh in-memory DuckDB connection with a memory limit and a spill folder."""
    spill = os.environ.get("PHASEBOOK_SPILL_DIR") or os.path.join(tempfile.gettempdir(), "phasebook-spill")
    os.makedirs(spill, exist_ok=True)
    con = duckdb.connect(
        ":memory:",
        config={
            "memory_limit": os.environ.get("PHASEBOOK_MEMORY_LIMIT", "1GB"),
            "temp_directory": spill,
            "preserve_insertion_order": False,
        },
    )
    con.execute("SET enable_progress_bar = false")
    return con


_ARROW_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "FLOAT", "DOUBLE"}


def _drop_nan(values: np.ndarray, missing: int) -> tuple[np.ndarray, int]:
    if values.dtype.kind == "f":
        nan = np.isnan(values)
        if nan.any():
            return values[~nan], missing + int(nan.sum())
    return values, missing


class Table:
    """A view ``t`` on a private DuckDB connection.

    Attributes:
        label: how messages name the table (a data-source name or a path).
        paths: the files behind it (empty for frames and databases).
        columns: column name → DuckDB type, in table order.
    """

    def __init__(self, label: str, paths: list[str] | None = None) -> None:
        self.label = label
        self.paths = list(paths or [])
        self.con = connect()
        self.columns: dict[str, str] = {}
        self.arrow: Any = None  # a pyarrow Table or one Parquet path: fast numeric reads
        self._rows: int | None = None

    @classmethod
    def from_frame(cls, frame: Any, label: str) -> "Table":
        """Wrap a pandas DataFrame or pyarrow Table (scanned in place, not copied)."""
        if not (hasattr(frame, "columns") or hasattr(frame, "schema")):
            raise BadInputError(
                message=f"Cannot read a {type(frame).__name__} as a table: give a path, a data-source name, "
                "a pandas DataFrame or a pyarrow Table."
            )
        if hasattr(frame, "columns") and hasattr(frame, "dtypes"):  # pandas: scan Arrow, faster per query
            try:
                frame = pa.Table.from_pandas(frame, preserve_index=False)
            except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                raise BadInputError(
                    message=f"{label}: a column mixes types and cannot be read ({exc}); give each column one type."
                ) from None
        table = cls(label)
        table.con.register("frame", frame)
        table.con.execute("CREATE VIEW t AS SELECT * FROM frame")
        table.load_schema()
        table._frame = frame  # keep it alive while the view exists
        if isinstance(frame, pa.Table):
            table.arrow = frame
        return table

    def load_schema(self) -> None:
        self.columns = {r[0]: r[1] for r in self.con.execute("DESCRIBE t").fetchall()}

    @property
    def rows(self) -> int:
        if self._rows is None:
            self._rows = int(self.con.execute("SELECT count(*) FROM t").fetchone()[0])
        return self._rows

    def kind(self, name: str) -> str:
        return column_kind(self.columns[name])

    def _numeric_expr(self, name: str) -> str:
        t, expr = self.columns[name].upper(), quote(name)
        if column_kind(t) == "datetime":
            return f"CAST(epoch({expr}) AS DOUBLE)"
        if t.startswith(("DECIMAL", "HUGEINT", "UHUGEINT", "UBIGINT")):
            return f"CAST({expr} AS DOUBLE)"
        return expr

    def numeric(self, name: str) -> tuple[np.ndarray, int]:
        """The non-missing values of a numeric or datetime column, and how many are missing (NULL or NaN)."""
        return self.numeric_many([name])[name]

    def numeric_many(self, names: list[str]) -> dict[str, tuple[np.ndarray, int]]:
        """:meth:`numeric` for several columns in one scan.

        Plain integer and float columns of a single Parquet file or an
        in-memory table are read with pyarrow (no conversion through
        DuckDB's result set); everything else through DuckDB.
        """
        fast = [n for n in names if self.arrow is not None and self.columns[n].upper() in _ARROW_TYPES]
        out = self._arrow_numeric(fast) if fast else {}
        slow = [n for n in names if n not in out]
        if slow:
            out.update(self._duck_numeric(slow))
        return {n: out[n] for n in names}

    def full_numeric(self, names: list[str]) -> dict[str, np.ndarray]:
        """Numeric columns as full-length float64 arrays, NaN where missing (rows stay aligned)."""
        fast = [n for n in names if self.arrow is not None and self.columns[n].upper() in _ARROW_TYPES]
        out: dict[str, np.ndarray] = {}
        if fast:
            tbl = pq.read_table(self.arrow, columns=fast) if isinstance(self.arrow, str) else self.arrow.select(fast)
            for name in fast:
                col = tbl.column(name)
                out[name] = np.asarray(col.to_numpy(), dtype=np.float64) if col.null_count == 0 else (
                    col.cast("double").to_numpy(zero_copy_only=False)  # nulls become NaN
                )
        slow = [n for n in names if n not in out]
        if slow:
            select = ", ".join(f"CAST({self._numeric_expr(n)} AS DOUBLE) AS c{i}" for i, n in enumerate(slow))
            got = self.con.execute(f"SELECT {select} FROM t").fetchnumpy()
            for i, name in enumerate(slow):
                arr = got.pop(f"c{i}")
                out[name] = np.ma.filled(arr.astype(np.float64), np.nan) if np.ma.isMaskedArray(arr) else (
                    np.asarray(arr, dtype=np.float64)
                )
        return {n: out[n] for n in names}

    def _arrow_numeric(self, names: list[str]) -> dict[str, tuple[np.ndarray, int]]:
        tbl = pq.read_table(self.arrow, columns=names) if isinstance(self.arrow, str) else self.arrow.select(names)
        out = {}
        for name in names:
            col = tbl.column(name)
            missing = col.null_count
            values = (pc.drop_null(col) if missing else col).to_numpy()
            out[name] = _drop_nan(values, missing)
        return out

    def _duck_numeric(self, names: list[str]) -> dict[str, tuple[np.ndarray, int]]:
        select = ", ".join(f"{self._numeric_expr(n)} AS c{i}" for i, n in enumerate(names))
        got = self.con.execute(f"SELECT {select} FROM t").fetchnumpy()
        out = {}
        for i, name in enumerate(names):
            arr = got.pop(f"c{i}")
            mask, data = np.ma.getmask(arr), np.ma.getdata(arr)
            if mask is not np.ma.nomask and mask.any():
                values, missing = data[~mask], int(mask.sum())
            else:
                values, missing = np.asarray(data), 0
            del arr, data
            out[name] = _drop_nan(values, missing)
        return out

    def counts(self, name: str) -> tuple[dict[str, int], int]:
        """Value → count for a categorical column (as text), and the missing count."""
        return self.counts_many([name])[name]

    def counts_many(self, names: list[str]) -> dict[str, tuple[dict[str, int], int]]:
        """:meth:`counts` for several columns in one scan (grouping sets)."""
        cols = [f"CAST({quote(n)} AS VARCHAR) AS c{i}" for i, n in enumerate(names)]
        sets = ", ".join(f"(c{i})" for i in range(len(names)))
        which = f"grouping_id({', '.join(f'c{i}' for i in range(len(names)))})" if len(names) > 1 else "0"
        rows = self.con.execute(
            f"SELECT {which} AS g, {', '.join(f'c{i}' for i in range(len(names)))}, count(*) AS n "
            f"FROM (SELECT {', '.join(cols)} FROM t) GROUP BY GROUPING SETS ({sets})"
        ).fetchall()
        full = (1 << len(names)) - 1
        out: dict[str, tuple[dict[str, int], int]] = {n: ({}, 0) for n in names}
        for g, *vals, n in rows:
            # grouping_id sets a bit for each column NOT grouped; the first column is the highest bit
            i = next(k for k in range(len(names)) if not (g >> (len(names) - 1 - k)) & 1) if g != full else 0
            key, (found, missing) = vals[i], out[names[i]]
            if key is None:
                out[names[i]] = (found, missing + int(n))
            else:
                found[key] = int(n)
        return out

    def close(self) -> None:
        try:
            self.con.close()
        except Exception:  # closing twice is harmless
            pass

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Table({self.label!r}, {len(self.columns)} columns)"
