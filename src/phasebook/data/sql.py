"""SQL databases through SQLAlchemy (the optional ``phasebook[sql]`` extra).

A data source URI ``URL#table`` (or ``URL#SELECT ...``) names a table of a
database; it is copied into the table's DuckDB connection in chunks of
:data:`CHUNK` rows, so it never needs to fit in memory as one DataFrame.
Relative SQLite paths start at the project folder.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import BadInputError, DataNotFoundError, UnreadableDataError
from .table import Table, quote

__all__ = ["open_sql", "CHUNK"]

CHUNK = 200_000


def _engine(url: str, base: Path):
    try:
        import sqlalchemy
    except ImportError:
        raise BadInputError(
            message=f"Reading {url.split('://')[0]} databases needs SQLAlchemy: pip install 'phasebook[sql]'."
        ) from None
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        rel = url[len("sqlite:///"):]
        if rel and rel != ":memory:":
            path = (base / rel).resolve()
            if not path.exists():  # SQLite would silently create an empty database
                raise DataNotFoundError(path=str(path), reason="the SQLite database file does not exist")
            url = f"sqlite:///{path}"
    elif url.startswith("sqlite:////") and not Path(url[len("sqlite:///"):]).exists():
        raise DataNotFoundError(path=url[len("sqlite:///"):], reason="the SQLite database file does not exist")
    try:
        return sqlalchemy.create_engine(url), sqlalchemy
    except Exception as exc:
        raise UnreadableDataError(path=url, format="a SQLAlchemy URL", problem=str(exc).splitlines()[0]) from None


def open_sql(uri: str, base: Path, label: str) -> Table:
    """Copy ``URL#table`` (or ``URL#SELECT …``) into a :class:`Table`."""
    import pandas as pd

    url, _, target = uri.partition("#")
    engine, sa = _engine(url, base)
    table = Table(label=label)
    try:
        with engine.connect() as conn:
            target = target.strip()
            if not target:
                names = sa.inspect(conn).get_table_names()
                if len(names) != 1:
                    raise BadInputError(
                        message=f"{label}: name the table in the URI as URL#table "
                        f"(tables here: {', '.join(names) or 'none'})."
                    )
                target = names[0]
            query = target if target.lower().startswith(("select", "with")) else f"SELECT * FROM {quote(target)}"
            first = True
            for chunk in pd.read_sql_query(sa.text(query), conn, chunksize=CHUNK):
                table.con.register("chunk", chunk)
                table.con.execute("CREATE TABLE t AS SELECT * FROM chunk" if first else "INSERT INTO t SELECT * FROM chunk")
                table.con.unregister("chunk")
                first = False
            if first:  # no chunk at all: the query returned no rows
                table.con.execute(f"CREATE TABLE t AS SELECT * FROM (SELECT NULL AS empty) WHERE false")
    except BadInputError:
        table.close()
        raise
    except Exception as exc:
        table.close()
        raise UnreadableDataError(path=uri, format="a database table", problem=str(exc).splitlines()[0]) from None
    finally:
        engine.dispose()
    table.load_schema()
    return table
