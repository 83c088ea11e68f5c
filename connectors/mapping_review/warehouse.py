"""Read-only access to the warehouse tables the review needs (仓库只读查询)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import duckdb

from connectors.mapping_review.layout import MappingReviewError

UNMAPPED_TABLE = "marts.unmapped_charge_items"
STANDARD_TABLE = "marts.dim_service_item"
HIS_ITEMS_TABLE = "staging.stg_his__charge_items"


@contextmanager
def connect_read_only(warehouse_path: Path | str, *tables: str):
    """A read-only DuckDB connection; raises MappingReviewError if the file or a table is missing."""
    path = Path(warehouse_path)
    if not path.is_file():
        raise MappingReviewError([f"找不到数据仓库文件 {path}，请先运行 jixiao run"])
    con = duckdb.connect(str(path), read_only=True)
    try:
        present = {
            f"{s}.{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        missing = [t for t in tables if t not in present]
        if missing:
            raise MappingReviewError([f"数据仓库中没有表 {t}，请先运行 jixiao run" for t in missing])
        yield con
    finally:
        con.close()


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
