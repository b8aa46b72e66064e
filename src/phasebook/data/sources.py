"""Open data: plan data sources, files and globs, SQL databases, DataFrames.

Everything becomes a :class:`Table`: a DuckDB view named ``t`` on a private
in-memory connection with a memory limit and a spill folder, so a file far
larger than memory is scanned out of core, column by column. (A single local
Parquet file of plain column types is described from its footer, and its
view created on its first query: see :mod:`.table`.) SQL databases are copied in chunks through
SQLAlchemy (the optional ``phasebook[sql]`` extra).

Parquet is read in place; CSV and JSON lines are parsed once, streaming,
into a temporary Parquet file in the spill folder (removed when the table is
closed), so every later column read is a Parquet read within the memory
limit, whatever the size of the text. A URI ``URL#table`` (or
``URL#SELECT ...``) names the table of a database.

:func:`check` answers step 1.3 — is the source reachable, and what is in it —
without ever raising for an unreachable source.
"""

from __future__ import annotations

import glob as globmod
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ..core.errors import (
    DataNotFoundError,
    PhasebookError,
    UnknownDataSourceError,
    UnreadableDataError,
)
from ..core.sections import DataSource
from .table import Duck, Table, quote, spill_dir

__all__ = ["SourceCheck", "Table", "open_table", "check", "resolve_spec"]

FORMATS = {
    ".parquet": "parquet", ".pq": "parquet", ".parq": "parquet",
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".json": "json", ".jsonl": "json", ".ndjson": "json",
}
REMOTE = ("s3://", "gs://", "gcs://", "http://", "https://", "az://", "abfss://", "hf://")


class SourceCheck(BaseModel):
    """What ``phasebook data check`` finds at a data source (journaled as ``data_check``)."""

    name: str
    uri: str = ""
    reachable: bool
    reason: str = ""
    rows: int | None = None
    columns: list[dict[str, str]] = Field(default_factory=list)
    size_bytes: int | None = None
    last_modified: str | None = None


def _is_sql_url(uri: str) -> bool:
    scheme = uri.split("://", 1)[0] if "://" in uri else ""
    return bool(scheme) and not uri.startswith(REMOTE) and scheme != "file"


def resolve_spec(spec: str, project: Any = None) -> tuple[str, str, Path]:
    """Turn a data-source name or a path into ``(label, uri, base_dir)``.

    Raises:
        UnknownDataSourceError: not a source of the plan, and no such file either.
    """
    base = Path(project.root) if project is not None else Path.cwd()
    if project is not None:
        sources = project.section("data_sources").items
        for s in sources:
            if s.name == spec:
                if not s.uri.strip():
                    raise DataNotFoundError(path=spec, reason=f"data source {spec!r} has no URI yet; set it in data_sources")
                return spec, s.uri.strip(), base
        looks_like_path = any(ch in spec for ch in "/\\*?") or Path(spec).suffix.lower() in FORMATS or "://" in spec
        if not looks_like_path and not (base / spec).exists():
            raise UnknownDataSourceError(name=spec, known=[s.name for s in sources])
    return spec, spec, base


def open_table(
    spec: Any, project: Any = None, *, base_dir: str | os.PathLike | None = None, duck: Duck | None = None
) -> Table:
    """Open ``spec`` as a :class:`Table`.

    Args:
        spec: a data-source name of the project's plan, a path or glob of
            Parquet / CSV / JSON-lines files, a SQLAlchemy ``URL#table``, a
            pandas DataFrame, a pyarrow Table, or a :class:`Table`.
        project: the :class:`~phasebook.Project` whose plan names sources
            (relative paths are then relative to its root).
        base_dir: the folder relative paths start from (default: the
            project root, else the current folder).
        duck: a DuckDB connection to open the table on (the tables of one
            command share one, and so one memory limit); default a new one.

    Raises:
        DataNotFoundError, UnreadableDataError, UnknownDataSourceError.
    """
    if isinstance(spec, Table):
        return spec
    if not isinstance(spec, (str, os.PathLike)):
        return Table.from_frame(spec, label="the in-memory table", duck=duck)
    label, uri, base = resolve_spec(str(spec), project)
    if base_dir is not None:
        base = Path(base_dir)
    return _open_uri(uri, base, label, duck)


def _open_uri(uri: str, base: Path, label: str, duck: Duck | None = None) -> Table:
    if _is_sql_url(uri):
        from .sql import open_sql

        return open_sql(uri, base, label)
    paths, fmt = _files(uri, base)
    table = Table(label=label, paths=paths, duck=duck)
    listing = "[" + ", ".join(quote(p, "'") for p in paths) + "]"
    reader = {
        "parquet": f"read_parquet({listing}, union_by_name = true)",
        "csv": f"read_csv({listing}, union_by_name = true)",
        "json": f"read_json({listing}, format = 'auto', union_by_name = true)",
    }[fmt]
    try:
        if fmt != "parquet":  # parse the text once, streaming, into a Parquet file of our own
            fd, tmp = tempfile.mkstemp(prefix="phasebook-", suffix=".parquet", dir=spill_dir())
            os.close(fd)
            table.temp_files.append(tmp)
            table.sql(f"COPY (SELECT * FROM {reader}) TO {quote(tmp, chr(39))} (FORMAT parquet, COMPRESSION uncompressed)")
            reader, paths = f"read_parquet({quote(tmp, chr(39))})", [tmp]
        view = f"CREATE VIEW {table.view} AS SELECT * FROM {reader}"
        single = (fmt != "parquet" or len(paths) == 1) and not paths[0].startswith(REMOTE)
        if single and table.from_footer(paths[0], view):  # DuckDB starts on the first query, if any
            return table
        table.sql(view)
        table.load_schema()
        if single:
            table.arrow = paths[0]
    except Exception as exc:  # duckdb raises its own error classes
        table.close()
        problem = str(exc).split("\n", 1)[0]
        if "No files found" in problem:
            raise DataNotFoundError(path=uri, reason="no file matches") from None
        raise UnreadableDataError(path=uri, format=fmt, problem=problem) from None
    return table


def _files(uri: str, base: Path) -> tuple[list[str], str]:
    if uri.startswith(REMOTE):
        return [uri], _format(uri)
    path = Path(uri).expanduser()
    if not path.is_absolute():
        path = base / path
    if path.is_dir():
        found = sorted(str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)
        if not found:
            raise DataNotFoundError(path=str(path), reason="the folder holds no .parquet, .csv or .jsonl files")
        fmts = {_format(f) for f in found}
        if len(fmts) > 1:
            raise UnreadableDataError(path=str(path), format="one format", problem=f"the folder mixes {', '.join(sorted(fmts))} files")
        return found, fmts.pop()
    fmt = _format(str(path))
    found = sorted(globmod.glob(str(path), recursive=True)) if globmod.has_magic(str(path)) else (
        [str(path)] if path.exists() else []
    )
    if not found:
        raise DataNotFoundError(path=str(path), reason="no file matches" if globmod.has_magic(str(path)) else "the file does not exist")
    return found, fmt


def _format(path: str) -> str:
    name = path.lower()
    for comp in (".gz", ".zst", ".bz2"):
        if name.endswith(comp):
            name = name[: -len(comp)]
    suffix = Path(name).suffix
    if suffix not in FORMATS:
        raise UnreadableDataError(
            path=path, format="a known format", problem=f"unknown file extension {suffix or '(none)'!r}"
        )
    return FORMATS[suffix]


def check(source: DataSource, base_dir: str | os.PathLike) -> SourceCheck:
    """Step 1.3: can the source be read, and what is in it? Never raises for an unreachable source."""
    result = SourceCheck(name=source.name, uri=source.uri, reachable=False)
    if not source.uri.strip():
        result.reason = "no URI given: its location is not in the plan yet; the data team adds it once access is granted"
        return result
    try:
        table = _open_uri(source.uri.strip(), Path(base_dir), source.name)
    except PhasebookError as exc:
        result.reason = exc.message
        return result
    try:
        result.rows = table.rows
        result.columns = [{"name": n, "type": t} for n, t in table.columns.items()]
        if table.paths and not table.paths[0].startswith(REMOTE):
            stats = [os.stat(p) for p in table.paths]
            result.size_bytes = sum(s.st_size for s in stats)
            mtime = max(s.st_mtime for s in stats)
            result.last_modified = datetime.fromtimestamp(mtime, tz=timezone.utc).isoformat(timespec="seconds")
        result.reachable = True
    except Exception as exc:  # reading rows can still fail (a truncated file)
        result.reason = f"opened, but reading failed: {str(exc).splitlines()[0]}"
    finally:
        table.close()
    return result
