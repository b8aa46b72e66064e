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

import numpy as np

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
    import duckdb

    spill = os.environ.get("PHASEBOOK_SPILL_DIR") or os.path.join(tempfile.gettempdir(), "phasebook-spill")
    os.makedirs(spill, exist_ok=True)
    return duckdb.connect(
        ":memory:",
        config={
            "memory_limit": os.environ.get("PHASEBOOK_MEMORY_LIMIT", "1GB"),
            "temp_directory": spill,
            "preserve_insertion_order": False,
        },
    )


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
            import pyarrow as pa

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

    def numeric(self, name: str) -> tuple[np.ndarray, int]:
        """The non-missing values of a numeric or datetime column, and how many are missing (NULL or NaN)."""
        t = self.columns[name].upper()
        expr = quote(name)
        if column_kind(t) == "datetime":
            expr = f"CAST(epoch({expr}) AS DOUBLE)"
        elif t.startswith(("DECIMAL", "HUGEINT", "UHUGEINT", "UBIGINT")):
            expr = f"CAST({expr} AS DOUBLE)"
        arr = self.con.execute(f"SELECT {expr} AS v FROM t").fetchnumpy()["v"]
        mask = np.ma.getmask(arr)
        data = np.ma.getdata(arr)
        if mask is not np.ma.nomask and mask.any():
            values, missing = data[~mask], int(mask.sum())
        else:
            values, missing = np.asarray(data), 0
        if values.dtype.kind == "f":
            nan = np.isnan(values)
            if nan.any():
                values, missing = values[~nan], missing + int(nan.sum())
        return values, missing

    def counts(self, name: str) -> tuple[dict[str, int], int]:
        """Value → count for a categorical column (as text), and the missing count."""
        rows = self.con.execute(
            f"SELECT CAST({quote(name)} AS VARCHAR) AS k, count(*) AS n FROM t GROUP BY 1"
        ).fetchall()
        missing = sum(n for k, n in rows if k is None)
        return {k: int(n) for k, n in rows if k is not None}, int(missing)

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
