"""The serving copy (服务副本): a read-only DuckDB file for Superset, published after each dbt build.

DuckDB lets one process write a file, and a reader that holds it open blocks the writer. So the
dashboards never read the warehouse: after every successful ``dbt build`` the pipeline copies the
tables they need into ``serving.duckdb.tmp-<uuid>`` next to the serving copy and renames it onto
``serving.duckdb`` (``os.replace``, atomic on one filesystem). Superset opens the file read-only per
query, so it sees either the old copy or the new one, never a half-written one; a Superset that
holds the old file open keeps reading the old inode until it closes it, and the rename never waits
for it. A failed publish removes its temporary file and leaves the previous copy as it was.

What is copied: every table and view of the ``marts`` and ``dq`` schemas (as tables), plus the
few other tables the dashboards need (``EXTRA_TABLES``) and any table a dataset of
``superset_assets/assets/datasets/`` names, when the warehouse has it.

Run by hand: ``python -m connectors.serving`` (paths from ``orchestration.settings``).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

SERVING_SCHEMAS = ("marts", "dq")
# Tables outside marts/dq that the dashboards read: the department × month metric wide table.
EXTRA_TABLES = (("intermediate", "int_dept_metrics__monthly"),)
ASSETS_DATASETS_DIR = Path(__file__).resolve().parent.parent / "superset_assets" / "assets" / "datasets"
_STALE_TMP_SECONDS = 6 * 3600


@dataclass(frozen=True)
class PublishResult:
    path: Path
    tables: int
    rows: int
    seconds: float
    row_counts: dict[str, int] = field(default_factory=dict)  # "schema.table" → rows

    def __str__(self) -> str:
        return f"服务副本 {self.path}：{self.tables} 张表、{self.rows:,} 行，用时 {self.seconds:.1f} 秒"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def dataset_tables(datasets_dir: Path = ASSETS_DATASETS_DIR) -> set[tuple[str, str]]:
    """(schema, table) of every physical dataset in the Superset asset tree (virtual ones have sql)."""
    found: set[tuple[str, str]] = set()
    if not datasets_dir.is_dir():
        return found
    for f in sorted(datasets_dir.rglob("*.yaml")):
        try:
            doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(doc, dict) and doc.get("table_name") and doc.get("schema") and not doc.get("sql"):
            found.add((str(doc["schema"]), str(doc["table_name"])))
    return found


def _select_tables(
    con: duckdb.DuckDBPyConnection, schemas: Iterable[str], extra: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    rows = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_catalog = 'wh' "
        "ORDER BY table_schema, table_name"
    ).fetchall()
    available = {(s, t) for s, t in rows}
    schemas = set(schemas)
    chosen = {(s, t) for s, t in available if s in schemas} | (set(extra) & available)
    return sorted(chosen)


def _remove_quietly(*paths: Path) -> None:
    for p in paths:
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _remove_stale_tmp(serving_path: Path) -> None:
    """Temporary files of a publish that was killed (not of one running now: those are young)."""
    now = time.time()
    for p in serving_path.parent.glob(serving_path.name + ".tmp-*"):
        try:
            if now - p.stat().st_mtime > _STALE_TMP_SECONDS:
                p.unlink()
        except FileNotFoundError:
            pass


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # not supported on this platform
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_serving_copy(
    warehouse_path: Path | str,
    serving_path: Path | str,
    *,
    schemas: Iterable[str] = SERVING_SCHEMAS,
    extra_tables: Iterable[tuple[str, str]] | None = None,
) -> PublishResult:
    """Copy the dashboard tables of ``warehouse_path`` into a new file and rename it onto ``serving_path``.

    The warehouse is attached read-only (nothing else may be writing it at the time). Raises on any
    failure, after removing the temporary file; the previous serving copy is then untouched.
    """
    t0 = time.perf_counter()
    warehouse_path = Path(warehouse_path).resolve()
    serving_path = Path(serving_path).resolve()
    if not warehouse_path.exists():
        raise FileNotFoundError(f"数据仓库不存在：{warehouse_path}")
    if extra_tables is None:
        extra_tables = set(EXTRA_TABLES) | dataset_tables()
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_tmp(serving_path)
    tmp = serving_path.with_name(f"{serving_path.name}.tmp-{uuid.uuid4().hex}")
    tmp_wal = tmp.with_name(tmp.name + ".wal")
    counts: dict[str, int] = {}
    try:
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"ATTACH {_sql_str(str(warehouse_path))} AS wh (READ_ONLY)")
            con.execute(f"ATTACH {_sql_str(str(tmp))} AS srv")
            tables = _select_tables(con, schemas, extra_tables)
            if not tables:
                raise RuntimeError(f"数据仓库 {warehouse_path} 中没有 {', '.join(sorted(set(schemas)))} 的表：先运行 dbt build")
            con.execute("BEGIN TRANSACTION")
            for schema in sorted({s for s, _ in tables}):
                con.execute(f"CREATE SCHEMA srv.{_q(schema)}")
            for schema, table in tables:
                con.execute(f"CREATE TABLE srv.{_q(schema)}.{_q(table)} AS SELECT * FROM wh.{_q(schema)}.{_q(table)}")
            con.execute("COMMIT")
            for schema, table in tables:
                counts[f"{schema}.{table}"] = con.execute(
                    f"SELECT count(*) FROM srv.{_q(schema)}.{_q(table)}"
                ).fetchone()[0]
            con.execute("CHECKPOINT srv")
            con.execute("DETACH srv")
            con.execute("DETACH wh")
        finally:
            con.close()
        if tmp_wal.exists():  # everything must be in the one file that is renamed
            raise RuntimeError(f"服务副本临时文件未完成检查点：{tmp_wal}")
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, serving_path)
        _fsync_dir(serving_path.parent)
    except BaseException:
        _remove_quietly(tmp, tmp_wal)
        raise
    return PublishResult(
        serving_path, len(counts), sum(counts.values()), round(time.perf_counter() - t0, 2), counts
    )


def main() -> None:  # pragma: no cover — thin wrapper
    import sys

    from orchestration import settings

    try:
        print(publish_serving_copy(settings.warehouse_path(), settings.serving_path()))
    except (FileNotFoundError, RuntimeError, duckdb.Error) as exc:
        print(f"服务副本未发布（原副本保持不变）：{exc}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":  # pragma: no cover
    main()
