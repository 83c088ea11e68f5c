"""Warehouse reads of the 二次分配 commands (DuckDB only).

Inputs are the dbt marts/seeds named in docs/bonus.md (``marts.fct_allocation_suggestions``,
``marts.fct_dept_bonus_summary``, ``seeds.allocation_method``, ``marts.dim_department``) and the
state table ``bonus_ops.period_status``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from connectors.bonus_state import PERIOD_STATUSES, period_status_in

CENT = Decimal("0.01")
SUGGESTION_COLUMNS = (
    "staff_id",
    "staff_name",
    "post_category",
    "title",
    "position",
    "attendance_days",
    "post_coefficient",
    "attendance_coefficient",
    "staff_points",
    "suggested_amount",
    "is_manager",
)


class AllocationError(Exception):
    """A refused command; the message is Chinese and shown to the user as is."""


@dataclass(frozen=True)
class DeptPool:
    perf_dept_code: str
    perf_dept_name: str
    dept_pool: Decimal


def check_period(period: str) -> str:
    from connectors.source_config import Period

    try:
        return Period.parse(period).key
    except ValueError:
        raise AllocationError(f"期间“{period}”格式有误，应为 YYYY-MM，如 2025-10") from None


def period_first_day(period: str) -> date:
    return date(int(period[:4]), int(period[5:7]), 1)


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB warehouse (one writer at a time: open, do the work, close)."""
    if read_only and not Path(path).exists():
        raise AllocationError(f"数据仓库 {path} 不存在，请先运行数据处理流程")
    return duckdb.connect(str(path), read_only=read_only)


def status_label(status: str) -> str:
    return PERIOD_STATUSES.get(status, status)


def period_status(con: duckdb.DuckDBPyConnection, period: str) -> str:
    """draft / calculated / audited / issued (no row, or no table yet = draft)."""
    return period_status_in(con, period)


def dept_pools(con: duckdb.DuckDBPyConnection, period: str) -> dict[str, DeptPool]:
    """The departments that have a bonus pool in ``period`` (fct_dept_bonus_summary.dept_bonus)."""
    try:
        rows = con.execute(
            "select perf_dept_code, perf_dept_name, dept_bonus from marts.fct_dept_bonus_summary "
            "where period = ? and dept_bonus is not null order by perf_dept_code",
            [period],
        ).fetchall()
    except duckdb.CatalogException as exc:
        raise AllocationError(
            "数据仓库中没有科室奖金核算结果（marts.fct_dept_bonus_summary），请先运行奖金核算"
        ) from exc
    return {code: DeptPool(code, name or code, Decimal(pool).quantize(CENT)) for code, name, pool in rows}


def suggestions(con: duckdb.DuckDBPyConnection, period: str, dept: str) -> list[dict]:
    """The staff of ``dept`` in ``period`` with their suggested amounts (managers first)."""
    cols = ", ".join(SUGGESTION_COLUMNS)
    try:
        cur = con.execute(
            f"select {cols} from marts.fct_allocation_suggestions where period = ? and perf_dept_code = ? "
            "order by is_manager desc nulls last, staff_id",
            [period, dept],
        )
    except duckdb.CatalogException as exc:
        raise AllocationError(
            "数据仓库中没有二次分配建议（marts.fct_allocation_suggestions），请先运行奖金核算"
        ) from exc
    return [dict(zip(SUGGESTION_COLUMNS, r, strict=True)) for r in cur.fetchall()]


def staff_depts(
    con: duckdb.DuckDBPyConnection, period: str, staff_ids: list[str]
) -> dict[str, dict[str, dict]]:
    """staff_id → {perf_dept_code → suggestion row} for the given staff in ``period``."""
    out: dict[str, dict[str, dict]] = {}
    if not staff_ids:
        return out
    cols = ", ".join(SUGGESTION_COLUMNS)
    rows = con.execute(
        f"select perf_dept_code, {cols} from marts.fct_allocation_suggestions "
        "where period = ? and staff_id in (select unnest(?::varchar[]))",
        [period, staff_ids],
    ).fetchall()
    for r in rows:
        rec = dict(zip(SUGGESTION_COLUMNS, r[1:], strict=True))
        out.setdefault(rec["staff_id"], {})[r[0]] = rec
    return out


def deviation_bound(con: duckdb.DuckDBPyConnection, period: str) -> Decimal | None:
    """``seeds.allocation_method.deviation_bound`` in force on the period's first day."""
    try:
        row = con.execute(
            "select deviation_bound from seeds.allocation_method "
            "where effective_from <= ? and (effective_to is null or effective_to >= ?) "
            "order by effective_from desc limit 1",
            [period_first_day(period), period_first_day(period)],
        ).fetchone()
    except duckdb.CatalogException:
        return None
    return Decimal(row[0]) if row and row[0] is not None else None


def dept_names(con: duckdb.DuckDBPyConnection) -> dict[str, str] | None:
    """perf_dept_code → name from ``marts.dim_department`` (None if the table is missing)."""
    try:
        rows = con.execute(
            "select distinct perf_dept_code, perf_dept_name from marts.dim_department"
        ).fetchall()
    except duckdb.CatalogException:
        return None
    return {code: name for code, name in rows}
