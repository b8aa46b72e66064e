"""SQL databases through SQLAlchemy (the optional ``phasebook[sql]`` extra).

A data source URI ``URL#table`` (or ``URL#SELECT ...``) names a table of a
database; it is copied into the table's DuckDB connection in chunks of
:data:`CHUNK` rows, so it never needs to fit in memory as one DataFrame.
Relative SQLite paths start at the project folder.

Reading is read-only by construction: the query must be one ``SELECT``
(or ``WITH … SELECT``) — anything else is refused naming the source, before
a connection is opened — and it runs in a transaction that is always rolled
back, made read-only where the database can say so (SQLite
``PRAGMA query_only``, PostgreSQL / MySQL ``READ ONLY`` transactions).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..core.errors import BadInputError, DataNotFoundError, UnreadableDataError
from .table import Table, quote
from ..core.named_errors import MissingDependencyError, QueryRefusedError
from ..core.errors import MissingInputError

__all__ = ["open_sql", "check_select", "CHUNK"]

CHUNK = 200_000
#: string literals, quoted identifiers and comments: blanked before the statement is checked
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[^\]]*\]|--[^\n]*|/\*.*?\*/", re.S)
_WRITES = re.compile(r"\b(insert|update|delete|merge|upsert|create|drop|alter|truncate|attach|detach|"
                     r"pragma|vacuum|reindex|grant|revoke|copy|call|exec|execute|lock|set|into)\b", re.I)


def check_select(query: str, label: str) -> str:
    """``query`` if it is one read-only ``SELECT`` (or ``WITH … SELECT``); :class:`BadInputError` naming ``label`` otherwise."""
    bare = _QUOTED.sub(" ", query).strip().rstrip(";").strip()
    first = bare.split(None, 1)[0].lower() if bare else ""
    refused = None
    if ";" in bare:
        refused = "it holds more than one statement"
    elif first not in ("select", "with"):
        refused = f"it starts with {first.upper() or 'nothing'}"
    else:
        found = _WRITES.search(bare)
        if found:
            refused = f"it contains {found.group().upper()}"
    if refused:
        raise QueryRefusedError(label=label, refused=refused)
    return query


def _engine(url: str, base: Path):
    try:
        import sqlalchemy
    except ImportError:
        raise MissingDependencyError(feature=f"Reading {url.split('://')[0]} databases", package="SQLAlchemy",
            install="pip install 'phasebook[sql]'") from None
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


def _read_only(engine, sa) -> None:
    """Make every connection of ``engine`` refuse writes where the database supports it."""
    name = engine.dialect.name
    if name not in ("sqlite", "mysql", "mariadb"):
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no branch - one statement per database kind
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA query_only = ON" if name == "sqlite" else "SET SESSION TRANSACTION READ ONLY")
        cur.close()


def open_sql(uri: str, base: Path, label: str) -> Table:
    """Copy ``URL#table`` (or ``URL#SELECT …``) into a :class:`Table`."""
    import pandas as pd

    url, _, target = uri.partition("#")
    if target.strip().lower().startswith(("select", "with")) or ";" in target or " " in target.strip():
        check_select(target, label)
    engine, sa = _engine(url, base)
    _read_only(engine, sa)
    table = Table(label=label)
    try:
        with engine.connect() as conn:
            trans = conn.begin()  # never committed: rolled back when the block ends
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            target = target.strip()
            if not target:
                names = sa.inspect(conn).get_table_names()
                if len(names) != 1:
                    raise MissingInputError(what=f"the table of {label}", where=f"in the URI as URL#table (tables here: {', '.join(names) or 'none'})")
                target = names[0]
            query = target if target.lower().startswith(("select", "with")) else f"SELECT * FROM {quote(target)}"
            first = True
            for chunk in pd.read_sql_query(sa.text(query), conn, chunksize=CHUNK):
                table.con.register("chunk", chunk)
                table.con.execute("CREATE TABLE t AS SELECT * FROM chunk" if first else "INSERT INTO t SELECT * FROM chunk")
                table.con.unregister("chunk")
                first = False
            if first:  # no chunk at all: the query returned no rows
                table.con.execute("CREATE TABLE t AS SELECT * FROM (SELECT NULL AS empty) WHERE false")
            trans.rollback()
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
