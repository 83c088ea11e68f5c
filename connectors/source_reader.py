"""Streaming readers (抽取读取器): run one partition's SELECT on a source and yield Arrow batches.

Two paths, same output (every column as text, named in lower case, so the landing layer is the
same whatever the driver):

* ``SqlAlchemyReader``: any SQLAlchemy URL (SQLite demo files, PostgreSQL, MariaDB …) with a
  server-side cursor (``stream_results``) and ``fetchmany``: memory is bounded by the chunk size.
* ``OdbcReader``: pyodbc through unixODBC (psqlODBC, MariaDB Connector/ODBC, SQL Server …),
  also with ``fetchmany``.
* ``PgCopyReader``: PostgreSQL ``COPY … TO STDOUT`` (the fastest path measured; default for
  PostgreSQL URLs).

Values become text in Arrow (C++), not in Python: timestamps as ``YYYY-MM-DD HH:MM:SS``,
decimals keep their scale. Staging casts them to warehouse types.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from connectors.source_config import FULL_REFRESH_PARTITION, Period, TableSpec

DEFAULT_CHUNK_ROWS = 50_000


@dataclass(frozen=True)
class PartitionQuery:
    """A SELECT for one partition, with ``?``-style placeholders and their values."""

    sql: str
    params: tuple
    partition: str


def build_query(table: TableSpec, period: Period | None, quote: str = '"') -> PartitionQuery:
    """SELECT the contract columns of one partition (or the whole table for dictionaries)."""

    def q(ident: str) -> str:
        return f"{quote}{ident}{quote}"

    cols = ", ".join(q(c) for c in table.columns)
    sql = f"SELECT {cols} FROM {q(table.name)}"
    if not table.is_partitioned or period is None:
        return PartitionQuery(sql, (), FULL_REFRESH_PARTITION)
    if table.partition_column:
        # Date objects as bounds work for DATE, DATETIME and ISO text columns alike:
        # '2025-10-01 08:00:00' >= '2025-10-01' and '2025-10-31 23:59:59' < '2025-11-01'.
        c = q(table.partition_column)
        return PartitionQuery(f"{sql} WHERE {c} >= ? AND {c} < ?", (period.start, period.end), period.key)
    if table.period_year_column:
        y, m = q(table.period_year_column), q(table.period_month_column)
        return PartitionQuery(f"{sql} WHERE {y} = ? AND {m} = ?", (period.year, period.month), period.key)
    c = q(table.period_text_column)
    return PartitionQuery(f"{sql} WHERE {c} = ?", (period.strftime(table.period_text_format),), period.key)


def rows_to_arrow(rows: list, names: list[str]) -> pa.Table:
    """Column-wise conversion of fetched rows to an all-text Arrow table."""
    if not rows:
        return pa.table({n: pa.array([], pa.string()) for n in names})
    columns = list(zip(*rows, strict=True))
    arrays = []
    for values in columns:
        try:
            arr = pa.array(values, from_pandas=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types (SQLite is dynamically typed)
            arr = pa.array([None if v is None else str(v) for v in values], pa.string())
        arrays.append(_as_text(arr))
    return pa.table(arrays, names=names)


def _as_text(arr: pa.Array) -> pa.Array:
    t = arr.type
    if pa.types.is_string(t):
        return arr
    if pa.types.is_null(t):
        return arr.cast(pa.string())
    if pa.types.is_timestamp(t):
        return pc.strftime(arr, format="%Y-%m-%d %H:%M:%S")
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return pa.array([None if v is None else v.decode("utf-8", "replace") for v in arr.to_pylist()], pa.string())
    if pa.types.is_boolean(t):
        return pc.if_else(arr, "1", "0")
    return pc.cast(arr, pa.string())


class SqlAlchemyReader:
    kind = "sqlalchemy"

    def __init__(self, url: str, chunk_rows: int = DEFAULT_CHUNK_ROWS):
        import sqlalchemy as sa

        self.url = url
        self.chunk_rows = chunk_rows
        self.engine = sa.create_engine(url)
        self.quote = self.engine.dialect.identifier_preparer.initial_quote

    def read(self, query: PartitionQuery, names: list[str]) -> Iterator[pa.Table]:
        # Positional '?' → DB-API paramstyle of the driver.
        sql, params = _to_paramstyle(query.sql, query.params, self.engine.dialect.paramstyle)
        with self.engine.connect() as conn:
            dbapi_conn = conn.connection.dbapi_connection
            cur = _server_side_cursor(dbapi_conn, self.engine.dialect.name)
            try:
                cur.execute(sql, params)
                while True:
                    rows = cur.fetchmany(self.chunk_rows)
                    if not rows:
                        break
                    yield rows_to_arrow(rows, names)
            finally:
                with contextlib.suppress(Exception):
                    cur.close()
                conn.rollback()

    def columns(self, table: str) -> list[str]:
        """Column names the source table really has (``SELECT * … WHERE 1=0``)."""
        with self.engine.connect() as conn:
            cur = conn.connection.dbapi_connection.cursor()
            try:
                cur.execute(f"SELECT * FROM {self.quote}{table}{self.quote} WHERE 1=0")
                return [d[0] for d in cur.description]
            finally:
                cur.close()
                conn.rollback()

    def close(self) -> None:
        self.engine.dispose()


def _server_side_cursor(dbapi_conn, dialect: str):
    if dialect == "postgresql":
        return dbapi_conn.cursor(name="jixiao_extract")  # psycopg named cursor streams from the server
    if dialect in ("mysql", "mariadb"):
        import pymysql.cursors

        return dbapi_conn.cursor(pymysql.cursors.SSCursor)
    return dbapi_conn.cursor()


def _to_paramstyle(sql: str, params: tuple, style: str) -> tuple[str, tuple | dict]:
    if style == "qmark":
        return sql, tuple(_plain(p) for p in params)
    if style in ("format", "pyformat"):
        return sql.replace("%", "%%").replace("?", "%s"), tuple(_plain(p) for p in params)
    if style == "numeric":
        parts = sql.split("?")
        return "".join(p + (f":{i + 1}" if i < len(parts) - 1 else "") for i, p in enumerate(parts)), params
    if style == "named":
        parts = sql.split("?")
        named = "".join(p + (f":p{i}" if i < len(parts) - 1 else "") for i, p in enumerate(parts))
        return named, {f"p{i}": v for i, v in enumerate(params)}
    raise ValueError(f"不支持的参数风格：{style}")


def _plain(v):
    return v.isoformat() if isinstance(v, date) else v


class OdbcReader:
    kind = "odbc"

    def __init__(self, connection_string: str, chunk_rows: int = DEFAULT_CHUNK_ROWS):
        import pyodbc

        self.chunk_rows = chunk_rows
        self.conn = pyodbc.connect(connection_string, autocommit=False)
        self.quote = (self.conn.getinfo(pyodbc.SQL_IDENTIFIER_QUOTE_CHAR) or '"').strip() or '"'

    def read(self, query: PartitionQuery, names: list[str]) -> Iterator[pa.Table]:
        cur = self.conn.cursor()
        try:
            cur.execute(query.sql, *query.params)
            while True:
                rows = cur.fetchmany(self.chunk_rows)
                if not rows:
                    break
                yield rows_to_arrow([tuple(r) for r in rows], names)
        finally:
            cur.close()
            self.conn.rollback()

    def columns(self, table: str) -> list[str]:
        cur = self.conn.cursor()
        try:
            cur.execute(f"SELECT * FROM {self.quote}{table}{self.quote} WHERE 1=0")
            return [d[0] for d in cur.description]
        finally:
            cur.close()
            self.conn.rollback()

    def close(self) -> None:
        self.conn.close()


class PgCopyReader:
    """PostgreSQL fast path: server-side ``COPY (SELECT …) TO STDOUT (FORMAT CSV)`` spooled to a
    temporary file, then read back as text columns in Arrow batches. Measured ~4× faster than a
    server-side cursor (see docs/decisions.md); memory stays bounded because the CSV is on disk."""

    kind = "pgcopy"

    def __init__(self, url: str, chunk_rows: int = DEFAULT_CHUNK_ROWS):
        import psycopg
        import sqlalchemy as sa

        u = sa.engine.make_url(url)
        self.chunk_rows = chunk_rows
        self.quote = '"'
        self.conn = psycopg.connect(
            host=u.host or "", port=u.port or 5432, user=u.username or "", password=u.password or "",
            dbname=u.database or "", autocommit=True,
        )

    def read(self, query: PartitionQuery, names: list[str]) -> Iterator[pa.Table]:
        import tempfile

        import pyarrow.csv as pacsv
        from psycopg import sql as pgsql

        # COPY takes no bind parameters: render them as literals with psycopg's own quoting.
        parts = query.sql.split("?")
        rendered = pgsql.SQL("").join(
            [pgsql.SQL(parts[0])]
            + [pgsql.SQL("{}{}").format(pgsql.Literal(_plain(v)), pgsql.SQL(p)) for v, p in zip(query.params, parts[1:], strict=True)]
        )
        copy_sql = pgsql.SQL("COPY ({}) TO STDOUT (FORMAT CSV)").format(rendered)
        with tempfile.TemporaryFile() as spool:
            with self.conn.cursor() as cur, cur.copy(copy_sql) as copy:
                for block in copy:
                    spool.write(block)
            if spool.tell() == 0:
                return
            spool.seek(0)
            reader = pacsv.open_csv(
                spool,
                read_options=pacsv.ReadOptions(column_names=names, block_size=8 << 20),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=False,
                ),
            )
            for batch in reader:
                yield pa.Table.from_batches([batch])

    def columns(self, table: str) -> list[str]:
        with self.conn.cursor() as cur:
            cur.execute(f'SELECT * FROM "{table}" WHERE 1=0')
            return [d.name for d in cur.description]

    def close(self) -> None:
        self.conn.close()


READERS = ("auto", "sqlalchemy", "odbc", "pgcopy")


def open_reader(kind: str, target: str, chunk_rows: int = DEFAULT_CHUNK_ROWS, prefer: str = "auto"):
    """``kind`` is what the connection is (odbc / sqlalchemy); ``prefer`` may pick a faster path."""
    if prefer not in READERS:
        raise ValueError(f"未知读取器 {prefer}，可选：{', '.join(READERS)}")
    if kind == "odbc":
        if prefer not in ("auto", "odbc"):
            raise ValueError(f"ODBC 连接不能使用读取器 {prefer}")
        return OdbcReader(target, chunk_rows)
    is_pg = target.startswith(("postgresql", "postgres"))
    if prefer == "pgcopy" or (prefer == "auto" and is_pg):
        if not is_pg:
            raise ValueError("pgcopy 读取器只适用于 PostgreSQL 源")
        return PgCopyReader(target, chunk_rows)
    if prefer == "odbc":
        raise ValueError("odbc 读取器需要 ODBC 连接串（JIXIAO_SRC_<SYSTEM>_ODBC）")
    return SqlAlchemyReader(target, chunk_rows)
