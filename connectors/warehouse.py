"""Landing layer (落地层): write extracted partitions into the warehouse atomically.

Every landing table lives in a ``raw_<system>`` schema and keeps the source's columns as text
(lower-case names) plus four lineage columns:

* ``_partition``    the month ``YYYY-MM`` (``_all`` for dictionaries),
* ``_batch_id``     the extraction batch,
* ``_extracted_at`` when it was landed,
* ``_source``       where it came from (system.table via reader kind).

``replace_partitions`` deletes the partitions and inserts the new rows in ONE transaction,
together with the extraction-log row. A rerun or a crash (even ``kill -9``) therefore leaves
either the old partition or the new one: never duplicates, never half a partition.

Two engines: DuckDB (embedded default) and PostgreSQL (second dbt target).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa

META_COLUMNS = ("_partition", "_batch_id", "_extracted_at", "_source")
LOG_SCHEMA = "raw_meta"
LOG_TABLE = "extraction_log"
LOG_COLUMNS = (
    "batch_id",
    "system",
    "table_name",
    "partition_key",
    "reader",
    "rows_read",
    "rows_written",
    "started_at",
    "finished_at",
    "status",
    "message",
)
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"非法标识符：{name!r}（只允许小写字母、数字和下划线）")
    return name


@dataclass
class LogEntry:
    """One row of ``raw_meta.extraction_log``: rows read and written per table per batch."""

    batch_id: str
    system: str
    table_name: str
    partition_key: str
    reader: str
    rows_read: int = 0
    rows_written: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    status: str = "running"
    message: str = ""

    def values(self) -> tuple:
        return tuple(getattr(self, c) for c in LOG_COLUMNS)


@dataclass(frozen=True)
class ReplaceCounts:
    """What a key-scoped load did: rows of new keys, rows of keys that were there, other rows removed."""

    added: int
    replaced: int
    removed: int


class DuckDBWarehouse:
    """The embedded warehouse. Open one per process; DuckDB allows one writer at a time."""

    engine = "duckdb"

    def __init__(self, path: Path | str, read_only: bool = False, memory_limit: str | None = None):
        """``memory_limit`` caps DuckDB's buffer pool (default ``$JIXIAO_DUCKDB_MEMORY_LIMIT`` or
        512MB), so the landing process's memory does not grow with the size of the warehouse."""
        import os

        import duckdb

        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        limit = memory_limit or os.environ.get("JIXIAO_DUCKDB_MEMORY_LIMIT", "1GB")
        self.con = duckdb.connect(str(self.path), read_only=read_only, config={"memory_limit": limit})

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> DuckDBWarehouse:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- DDL ---------------------------------------------------------------------------------
    def _ensure_table(self, schema: str, table: str, columns: Sequence[str]) -> None:
        self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        cols = ", ".join(f"{c} VARCHAR" for c in columns)
        self.con.execute(
            f"CREATE TABLE IF NOT EXISTS {schema}.{table} ({cols}, _partition VARCHAR, "
            "_batch_id VARCHAR, _extracted_at TIMESTAMP, _source VARCHAR)"
        )
        existing = {
            r[0]
            for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
                [schema, table],
            ).fetchall()
        }
        for c in columns:  # a column added to the contract later
            if c not in existing:
                self.con.execute(f"ALTER TABLE {schema}.{table} ADD COLUMN {c} VARCHAR")

    def _ensure_log(self) -> None:
        self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {LOG_SCHEMA}")
        self.con.execute(
            f"CREATE TABLE IF NOT EXISTS {LOG_SCHEMA}.{LOG_TABLE} (batch_id VARCHAR, system VARCHAR, "
            "table_name VARCHAR, partition_key VARCHAR, reader VARCHAR, rows_read BIGINT, rows_written BIGINT, "
            "started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR, message VARCHAR)"
        )

    # -- writes ------------------------------------------------------------------------------
    def ensure_table(self, schema: str, table: str, columns: Sequence[str]) -> None:
        """Create an empty landing table (text columns + lineage) if it does not exist yet, so
        downstream models can read a dataset before its first file arrives."""
        schema, table = _ident(schema), _ident(table)
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._ensure_table(schema, table, [_ident(c.lower()) for c in columns])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def drop_columns(self, schema: str, table: str, columns: Sequence[str]) -> None:
        """Drop ``columns`` from ``schema.table`` where present (data minimisation: a column the
        contract no longer keeps leaves every partition at once)."""
        if not self.table_exists(schema, table):
            return
        for c in columns:
            self.con.execute(f"ALTER TABLE {_ident(schema)}.{_ident(table)} DROP COLUMN IF EXISTS {_ident(c.lower())}")

    def replace_partitions(
        self,
        schema: str,
        table: str,
        columns: Sequence[str],
        batches: Iterable[pa.Table],
        *,
        partitions: Sequence[str],
        batch_id: str,
        source: str,
        log: LogEntry | None = None,
    ) -> int:
        """Atomically replace ``partitions`` of ``schema.table`` with ``batches``.

        Each batch carries the data ``columns`` (text). With one partition the ``_partition``
        value is filled in; with several, each batch must carry a ``_partition`` column.
        Returns the number of rows written. On any error nothing changes.
        """
        schema, table = _ident(schema), _ident(table)
        columns = [_ident(c.lower()) for c in columns]
        if not partitions:
            raise ValueError("partitions 不能为空")
        single = partitions[0] if len(partitions) == 1 else None
        extracted_at = datetime.now().replace(microsecond=0)
        col_list = ", ".join(columns)
        written = 0
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            self._ensure_table(schema, table, columns)
            self._ensure_log()
            placeholders = ", ".join("?" for _ in partitions)
            con.execute(f"DELETE FROM {schema}.{table} WHERE _partition IN ({placeholders})", list(partitions))
            for batch in batches:
                if batch.num_rows == 0:
                    continue
                batch = batch.rename_columns([n.lower() for n in batch.column_names])
                part_expr = "?" if single is not None else "_partition"
                params = ([single] if single is not None else []) + [batch_id, extracted_at, source]
                con.register("_jx_batch", batch)
                try:
                    if single is None:
                        bad = con.execute(
                            f"SELECT count(*) FROM _jx_batch WHERE _partition NOT IN ({placeholders}) "
                            "OR _partition IS NULL",
                            list(partitions),
                        ).fetchone()[0]
                        if bad:
                            raise ValueError(f"{bad} 行的 _partition 不在待替换的分区中")
                    con.execute(
                        f"INSERT INTO {schema}.{table} ({col_list}, _partition, _batch_id, _extracted_at, _source) "
                        f"SELECT {col_list}, {part_expr}, ?, ?, ? FROM _jx_batch",
                        params,
                    )
                finally:
                    con.unregister("_jx_batch")
                written += batch.num_rows
            if log is not None:
                log.rows_written = written
                log.finished_at = datetime.now()
                log.status = "success"
                con.execute(
                    f"INSERT INTO {LOG_SCHEMA}.{LOG_TABLE} VALUES ({', '.join('?' for _ in LOG_COLUMNS)})",
                    list(log.values()),
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return written

    def replace_keys(
        self,
        schema: str,
        table: str,
        columns: Sequence[str],
        batch: pa.Table,
        *,
        keys: Sequence[str],
        batch_id: str,
        source: str,
        whole_partitions: bool = False,
    ) -> ReplaceCounts:
        """Atomically land ``batch`` (text ``columns`` plus ``_partition``) replacing only the rows
        whose ``keys`` the batch carries; with ``whole_partitions`` every row of the batch's
        partitions goes (the caller asked for a full replacement). Returns what was added,
        replaced and removed. On any error nothing changes."""
        schema, table = _ident(schema), _ident(table)
        columns = [_ident(c.lower()) for c in columns]
        keys = [_ident(k.lower()) for k in keys]
        col_list = ", ".join(columns)
        match = " AND ".join(f"t.{k} IS NOT DISTINCT FROM b.{k}" for k in keys)
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            self._ensure_table(schema, table, columns)
            con.register("_jx_batch", batch.rename_columns([n.lower() for n in batch.column_names]))
            try:
                hit = f"EXISTS (SELECT 1 FROM _jx_batch b WHERE {match})"
                replaced = con.execute(
                    f"SELECT count(*) FROM _jx_batch b WHERE EXISTS (SELECT 1 FROM {schema}.{table} t WHERE {match})"
                ).fetchone()[0]
                if whole_partitions:
                    scope = "_partition IN (SELECT DISTINCT _partition FROM _jx_batch)"
                    removed = con.execute(
                        f"SELECT count(*) FROM {schema}.{table} t WHERE {scope} AND NOT {hit}"
                    ).fetchone()[0]
                    con.execute(f"DELETE FROM {schema}.{table} WHERE {scope}")
                else:
                    removed = 0
                    con.execute(f"DELETE FROM {schema}.{table} t WHERE {hit}")
                con.execute(
                    f"INSERT INTO {schema}.{table} ({col_list}, _partition, _batch_id, _extracted_at, _source) "
                    f"SELECT {col_list}, _partition, ?, ?, ? FROM _jx_batch",
                    [batch_id, datetime.now().replace(microsecond=0), source],
                )
            finally:
                con.unregister("_jx_batch")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return ReplaceCounts(added=batch.num_rows - replaced, replaced=replaced, removed=removed)

    def log_failure(self, log: LogEntry) -> None:
        """Record a failed batch in its own transaction (the data transaction was rolled back)."""
        self._ensure_log()
        log.status = "failed"
        log.finished_at = datetime.now()
        self.con.execute(
            f"INSERT INTO {LOG_SCHEMA}.{LOG_TABLE} VALUES ({', '.join('?' for _ in LOG_COLUMNS)})",
            list(log.values()),
        )

    # -- reads -------------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        return self.con.execute(sql, list(params or [])).fetchall()

    def max_value(self, schema: str, table: str, column: str) -> str | None:
        if not self.table_exists(schema, table):
            return None
        return self.con.execute(f"SELECT max({_ident(column)}) FROM {schema}.{table}").fetchone()[0]

    def table_exists(self, schema: str, table: str) -> bool:
        return relation_exists(self.con, schema, table)


@contextmanager
def read_only_connection(path: Path | str, error: type[Exception] = RuntimeError) -> Iterator:
    """A read-only DuckDB connection on the warehouse file for reports and commands that only read.

    Raises ``error`` with a Chinese message when the file is missing or cannot be opened read-only
    (typically because a pipeline run is writing it)."""
    import duckdb

    if not Path(path).exists():
        raise error(f"数据仓库 {path} 不存在：请先运行流水线（jixiao run）")
    try:
        wh = DuckDBWarehouse(path, read_only=True)
    except duckdb.Error as exc:
        raise error(f"无法只读打开数据仓库 {path}（可能正被写入，请稍后重试）：{exc}") from exc
    try:
        yield wh.con
    finally:
        wh.close()


def schema_ddl(schema: str, tables: dict[str, list[tuple[str, str]]]) -> list[str]:
    """``CREATE SCHEMA/TABLE IF NOT EXISTS`` statements for ``{table: [(column, type), …]}`` (portable SQL)."""
    stmts = [f"CREATE SCHEMA IF NOT EXISTS {schema}"]
    for table, cols in tables.items():
        body = ", ".join(f"{c} {t}" for c, t in cols)
        stmts.append(f"CREATE TABLE IF NOT EXISTS {schema}.{table} ({body})")
    return stmts


def ensure_tables(target: str | Path, statements: list[str]) -> None:
    """Run DDL ``statements`` in one transaction on a DuckDB file path or a PostgreSQL URL."""
    with open_warehouse(target) as wh:
        if wh.engine == "duckdb":
            wh.con.execute("BEGIN TRANSACTION")
            try:
                for s in statements:
                    wh.con.execute(s)
                wh.con.execute("COMMIT")
            except BaseException:
                wh.con.execute("ROLLBACK")
                raise
        else:
            with wh.conn.cursor() as cur:
                for s in statements:
                    cur.execute(s)
            wh.conn.commit()


def relation_exists(con, schema: str, table: str) -> bool:
    """Whether ``schema.table`` exists, on an open DuckDB connection (tables and views)."""
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


class PostgresWarehouse:
    """PostgreSQL as the warehouse (the second dbt target). Same semantics as DuckDB."""

    engine = "postgres"

    def __init__(self, conninfo: str):
        import psycopg

        self.conn = psycopg.connect(conninfo, autocommit=False)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> PostgresWarehouse:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _ensure_table(self, cur, schema: str, table: str, columns: Sequence[str]) -> None:
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        cols = ", ".join(f"{c} TEXT" for c in columns)
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {schema}.{table} ({cols}, _partition TEXT, _batch_id TEXT, "
            "_extracted_at TIMESTAMP, _source TEXT)"
        )
        for c in columns:
            cur.execute(f"ALTER TABLE {schema}.{table} ADD COLUMN IF NOT EXISTS {c} TEXT")
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {LOG_SCHEMA}")
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {LOG_SCHEMA}.{LOG_TABLE} (batch_id TEXT, system TEXT, table_name TEXT, "
            "partition_key TEXT, reader TEXT, rows_read BIGINT, rows_written BIGINT, started_at TIMESTAMP, "
            "finished_at TIMESTAMP, status TEXT, message TEXT)"
        )

    def ensure_table(self, schema: str, table: str, columns: Sequence[str]) -> None:
        """Create an empty landing table if it does not exist yet (as DuckDBWarehouse.ensure_table)."""
        try:
            with self.conn.cursor() as cur:
                self._ensure_table(cur, _ident(schema), _ident(table), [_ident(c.lower()) for c in columns])
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            raise

    def drop_columns(self, schema: str, table: str, columns: Sequence[str]) -> None:
        """As DuckDBWarehouse.drop_columns."""
        try:
            with self.conn.cursor() as cur:
                for c in columns:
                    cur.execute(
                        f"ALTER TABLE IF EXISTS {_ident(schema)}.{_ident(table)} DROP COLUMN IF EXISTS {_ident(c.lower())}"
                    )
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            raise

    def replace_partitions(
        self,
        schema: str,
        table: str,
        columns: Sequence[str],
        batches: Iterable[pa.Table],
        *,
        partitions: Sequence[str],
        batch_id: str,
        source: str,
        log: LogEntry | None = None,
    ) -> int:
        schema, table = _ident(schema), _ident(table)
        columns = [_ident(c.lower()) for c in columns]
        single = partitions[0] if len(partitions) == 1 else None
        extracted_at = datetime.now().replace(microsecond=0)
        written = 0
        try:
            with self.conn.cursor() as cur:
                self._ensure_table(cur, schema, table, columns)
                cur.execute(f"DELETE FROM {schema}.{table} WHERE _partition = ANY(%s)", [list(partitions)])
                copy_cols = ", ".join([*columns, *META_COLUMNS])
                with cur.copy(f"COPY {schema}.{table} ({copy_cols}) FROM STDIN") as copy:
                    for batch in batches:
                        batch = batch.rename_columns([n.lower() for n in batch.column_names])
                        data = [batch.column(c).to_pylist() for c in columns]
                        parts = (
                            [single] * batch.num_rows if single is not None else batch.column("_partition").to_pylist()
                        )
                        for i, row in enumerate(zip(*data, strict=True)):
                            if parts[i] not in partitions:
                                raise ValueError(f"_partition {parts[i]!r} 不在待替换的分区中")
                            copy.write_row((*row, parts[i], batch_id, extracted_at, source))
                        written += batch.num_rows
                if log is not None:
                    log.rows_written = written
                    log.finished_at = datetime.now()
                    log.status = "success"
                    cur.execute(
                        f"INSERT INTO {LOG_SCHEMA}.{LOG_TABLE} VALUES ({', '.join('%s' for _ in LOG_COLUMNS)})",
                        list(log.values()),
                    )
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            raise
        return written

    def log_failure(self, log: LogEntry) -> None:
        log.status = "failed"
        log.finished_at = datetime.now()
        with self.conn.cursor() as cur:
            cur.execute(f"CREATE SCHEMA IF NOT EXISTS {LOG_SCHEMA}")
            cur.execute(
                f"INSERT INTO {LOG_SCHEMA}.{LOG_TABLE} VALUES ({', '.join('%s' for _ in LOG_COLUMNS)})",
                list(log.values()),
            )
        self.conn.commit()

    def query(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        with self.conn.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), list(params or []))
            rows = cur.fetchall()
        self.conn.rollback()
        return rows

    def table_exists(self, schema: str, table: str) -> bool:
        return bool(
            self.query(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                [schema, table],
            )[0][0]
        )

    def max_value(self, schema: str, table: str, column: str) -> str | None:
        if not self.table_exists(schema, table):
            return None
        return self.query(f"SELECT max({_ident(column)}) FROM {schema}.{table}")[0][0]


def open_warehouse(target: str | Path):
    """``postgresql://…`` opens PostgreSQL; anything else is a DuckDB file path."""
    text = str(target)
    if text.startswith(("postgresql://", "postgres://", "host=", "dbname=")):
        return PostgresWarehouse(text)
    return DuckDBWarehouse(text)
