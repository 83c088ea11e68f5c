"""Bulk writers for the simulated source databases (SQLite, PostgreSQL, MariaDB/MySQL).

Each writer drops and recreates the system's tables from :mod:`simulator.schema`, then appends
column chunks (``dict[column, array-like]``) fast: SQLite with ``executemany`` in one transaction
per table, PostgreSQL with ``COPY``, MariaDB with chunked ``executemany``. Datetimes arrive as
``'YYYY-MM-DD HH:MM:SS'`` text and dates as ``'YYYY-MM-DD'``; the servers parse them into real
DATETIME/TIMESTAMP/DATE columns, SQLite keeps the text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateTable

from .schema import metadata

Chunk = Mapping[str, Sequence | np.ndarray]


def _as_list(values) -> list:
    if isinstance(values, np.ndarray):
        if values.dtype.kind == "f" and np.isnan(values).any():
            out = values.astype(object)
            out[np.isnan(values)] = None
            return out.tolist()
        return values.tolist()
    return list(values)


def chunk_rows(chunk: Chunk, columns: Sequence[str]) -> list[tuple]:
    return list(zip(*[_as_list(chunk[c]) for c in columns], strict=True))


def chunk_len(chunk: Chunk) -> int:
    for v in chunk.values():
        return len(v)
    return 0


class Writer:
    """Base class: ``create()`` then ``write(table, chunk)`` repeatedly, then ``close()``."""

    def __init__(self, system: str):
        self.system = system
        self.md = metadata(system)
        self.rows: dict[str, int] = {t: 0 for t in self.md.tables}

    def columns(self, table: str) -> list[str]:
        return [c.name for c in self.md.tables[table].columns]

    piece = 200_000  # rows converted to Python tuples at a time (bounds memory)

    def write(self, table: str, chunk: Chunk) -> int:
        n = chunk_len(chunk)
        cols = self.columns(table)
        for i in range(0, n, self.piece):
            part = {c: chunk[c][i:i + self.piece] for c in cols}
            self._write(table, cols, chunk_rows(part, cols))
        self.rows[table] += n
        return n

    def create(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _write(self, table: str, columns: list[str], rows: list[tuple]) -> None:  # pragma: no cover
        raise NotImplementedError

    def close(self) -> None:
        pass


class SQLiteWriter(Writer):
    def __init__(self, system: str, path: Path):
        super().__init__(system)
        self.path = Path(path)

    def create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                p.unlink()
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=OFF")
        self.conn.execute("PRAGMA synchronous=OFF")
        dialect = sqlite_dialect.dialect()
        for table in self.md.sorted_tables:
            self.conn.execute(str(CreateTable(table).compile(dialect=dialect)))

    def _write(self, table, columns, rows):
        cols = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        self.conn.execute("BEGIN")
        self.conn.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


class SQLAlchemyWriter(Writer):
    """PostgreSQL (COPY via psycopg 3) or MariaDB/MySQL (executemany) through a SQLAlchemy URL."""

    def __init__(self, system: str, url: str, chunk_size: int = 5000):
        super().__init__(system)
        self.url = url
        self.chunk_size = chunk_size

    def create(self) -> None:
        self.engine = create_engine(self.url)
        self.dialect = self.engine.dialect.name
        self.md.drop_all(self.engine)
        self.md.create_all(self.engine)
        self.raw = self.engine.raw_connection()

    def _write(self, table, columns, rows):
        cur = self.raw.cursor()
        if self.dialect == "postgresql":
            cols = ", ".join(f'"{c}"' for c in columns)
            with cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            q = "`" if self.dialect in ("mysql", "mariadb") else '"'
            cols = ", ".join(f"{q}{c}{q}" for c in columns)
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {q}{table}{q} ({cols}) VALUES ({marks})"
            for i in range(0, len(rows), self.chunk_size):
                cur.executemany(sql, rows[i:i + self.chunk_size])
        self.raw.commit()
        cur.close()

    def close(self) -> None:
        self.raw.close()
        self.engine.dispose()


def make_writer(system: str, target) -> Writer:
    if isinstance(target, (str, Path)) and not str(target).count("://"):
        return SQLiteWriter(system, Path(target) / "sources" / f"{system}.sqlite")
    url = str(target)
    if url.startswith("sqlite:///"):
        return SQLiteWriter(system, Path(url[len("sqlite:///"):]))
    return SQLAlchemyWriter(system, url)
