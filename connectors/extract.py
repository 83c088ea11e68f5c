"""Extraction (数据抽取): source system → ``raw_<system>`` in the warehouse, one partition at a time.

For each table of a source declaration, each requested month is read with a streaming reader
and landed with ``replace_partitions`` (delete + insert in one transaction). Dictionaries
(unpartitioned tables) are fully refreshed as partition ``_all``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from connectors.source_config import Period, SourceSpec, TableSpec
from connectors.source_reader import DEFAULT_CHUNK_ROWS, build_query, open_reader
from connectors.warehouse import LogEntry


class ExtractionError(RuntimeError):
    """Extraction of one table partition failed; the message names system, table and partition."""


@dataclass(frozen=True)
class TableResult:
    system: str
    table: str
    partition: str
    reader: str
    rows_read: int
    rows_written: int
    seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


ChunkCallback = Callable[[str, str, int, int], None]  # (table, partition, chunk_no, rows_so_far)


def new_batch_id() -> str:
    return datetime.now().strftime("%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:8]


def _counted(batches: Iterator[pa.Table], log: LogEntry, on_chunk, table: str, partition: str, pause: float):
    """Pass batches through, keeping ``log.rows_read`` current (it is written at commit).

    ``pause`` seconds between chunks spare a busy production HIS (节流).
    """
    for i, b in enumerate(batches, start=1):
        log.rows_read += b.num_rows
        yield b
        if on_chunk:
            on_chunk(table, partition, i, log.rows_read)
        if pause:
            time.sleep(pause)


def extract_table(
    source: SourceSpec,
    table: TableSpec,
    period: Period | None,
    warehouse,
    reader,
    *,
    batch_id: str,
    on_chunk: ChunkCallback | None = None,
    pause_seconds: float = 0.0,
) -> TableResult:
    query = build_query(table, period, quote=reader.quote)
    names = [c.lower() for c in table.columns]
    log = LogEntry(
        batch_id=batch_id,
        system=source.system,
        table_name=table.raw_name,
        partition_key=query.partition,
        reader=reader.kind,
        started_at=datetime.now(),
    )
    t0 = time.perf_counter()
    try:
        # Check the contract first: SQLite, for one, reads a missing "column" as a string literal.
        present = {c.lower() for c in reader.columns(table.name)}
        missing = [c for c in table.columns if c.lower() not in present]
        if missing:
            raise ValueError(f"源表缺少契约列：{', '.join(missing)}（见 connectors/sources/{source.system}.yml）")
        if table.never_kept:  # an older contract landed them: they go, in every partition
            warehouse.drop_columns(source.raw_schema, table.raw_name, table.never_kept)
        written = warehouse.replace_partitions(
            source.raw_schema,
            table.raw_name,
            names,
            _counted(reader.read(query, names), log, on_chunk, table.name, query.partition, pause_seconds),
            partitions=[query.partition],
            batch_id=batch_id,
            source=f"{source.system}.{table.name}",
            log=log,
        )
    except Exception as exc:
        log.message = str(exc)[:2000]
        try:
            warehouse.log_failure(log)
        finally:
            raise ExtractionError(
                f"抽取失败：系统 {source.system}，表 {table.name}（{table.label}），分区 {query.partition}：{exc}"
            ) from exc
    return TableResult(
        source.system, table.name, query.partition, reader.kind, log.rows_read, written, time.perf_counter() - t0
    )


def extract_system(
    source: SourceSpec,
    periods: Sequence[Period] | None,
    warehouse,
    *,
    data_dir: Path | str | None = None,
    env: dict | None = None,
    tables: Sequence[str] | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    batch_id: str | None = None,
    include_dictionaries: bool = True,
    on_chunk: ChunkCallback | None = None,
    on_table: Callable[[TableResult], None] | None = None,
    pause_seconds: float = 0.0,
    reader: str = "auto",
) -> list[TableResult]:
    """Extract ``periods`` of every (or the named) table of one source system.

    ``reader``: ``auto`` (ODBC when the ODBC variable is set, COPY for PostgreSQL, else a
    SQLAlchemy server-side cursor), or force ``sqlalchemy`` / ``odbc`` / ``pgcopy``.
    """
    kind, target = source.connection(data_dir=data_dir, env=env)
    batch_id = batch_id or new_batch_id()
    wanted = {t.lower() for t in tables} if tables else None
    unknown = sorted(wanted - {t.name.lower() for t in source.tables}) if wanted else []
    if unknown:
        raise ValueError(
            f"源系统 {source.system} 没有表 {'、'.join(unknown)}；可选：{'、'.join(t.name for t in source.tables)}"
        )
    reader_obj = open_reader(kind, target, chunk_rows, prefer=reader)
    results: list[TableResult] = []
    try:
        for table in source.tables:
            if wanted is not None and table.name.lower() not in wanted:
                continue
            if not table.is_partitioned:
                if not include_dictionaries:
                    continue
                todo: list[Period | None] = [None]
            else:
                todo = list(periods or [])
            for period in todo:
                r = extract_table(
                    source, table, period, warehouse, reader_obj,
                    batch_id=batch_id, on_chunk=on_chunk, pause_seconds=pause_seconds,
                )
                results.append(r)
                if on_table:
                    on_table(r)
    finally:
        reader_obj.close()
    return results
