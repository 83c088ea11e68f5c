"""DDL of the bonus workflow tables (schema ``bonus_ops``). Portable types only (DuckDB and
PostgreSQL): varchar, decimal(18,2), integer, boolean, timestamp."""

from __future__ import annotations

from pathlib import Path

BONUS_OPS_SCHEMA = "bonus_ops"
BONUS_ARCHIVE_SCHEMA = "bonus_archive"

# draft → calculated → audited → issued (status 草稿 → 已核算 → 已审核 → 已发放)
PERIOD_STATUSES = {"draft": "草稿", "calculated": "已核算", "audited": "已审核", "issued": "已发放"}

# The marts copied into bonus_archive at close (same columns + archive_id).
ARCHIVED_MARTS = (
    "fct_bonus_pool",
    "fct_dept_bonus",
    "fct_dept_bonus_summary",
    "fct_bonus_warnings",
    "fct_staff_bonus",
)

OPS_TABLES: dict[str, list[tuple[str, str]]] = {
    # one row per period that has left draft; no row = draft
    "period_status": [
        ("period", "varchar"),
        ("status", "varchar"),
        ("changed_at", "timestamp"),
        ("changed_by", "varchar"),
    ],
    # every status change, adjustment, allocation event (append only)
    "audit_log": [
        ("event_id", "varchar"),
        ("logged_at", "timestamp"),
        ("period", "varchar"),
        ("perf_dept_code", "varchar"),
        ("action", "varchar"),
        ("actor", "varchar"),
        ("reason", "varchar"),
        ("detail", "varchar"),
    ],
    # 复核调整: replaces one bonus component of one dept × group × period (new_value); old_value is
    # the value the reviewer saw. is_active = false once withdrawn.
    "adjustments": [
        ("adjustment_id", "varchar"),
        ("period", "varchar"),
        ("perf_dept_code", "varchar"),
        ("accounting_group", "varchar"),
        ("component_code", "varchar"),
        ("old_value", "decimal(18,2)"),
        ("new_value", "decimal(18,2)"),
        ("reason", "varchar"),
        ("adjusted_by", "varchar"),
        ("adjusted_at", "timestamp"),
        ("is_active", "boolean"),
    ],
    # one row per close; is_active = false after reopen (archive rows are never deleted)
    "period_archive": [
        ("archive_id", "varchar"),
        ("period", "varchar"),
        ("closed_at", "timestamp"),
        ("closed_by", "varchar"),
        ("content_hash", "varchar"),
        ("table_hashes", "varchar"),
        ("row_counts", "varchar"),
        ("is_active", "boolean"),
        ("reopened_at", "timestamp"),
        ("reopened_by", "varchar"),
        ("reopen_reason", "varchar"),
    ],
    # 二次分配 accepted submissions; status accepted → approved, or superseded by a newer version
    "allocation_versions": [
        ("version_id", "varchar"),
        ("period", "varchar"),
        ("perf_dept_code", "varchar"),
        ("file_name", "varchar"),
        ("file_hash", "varchar"),
        ("submitted_by", "varchar"),
        ("submitted_at", "timestamp"),
        ("dept_pool", "decimal(18,2)"),
        ("declared_reserve", "decimal(18,2)"),
        ("status", "varchar"),
        ("approved_by", "varchar"),
        ("approved_at", "timestamp"),
    ],
    # one row per person in an accepted version; transfer_dept_code set = 划拨 (the person's own
    # dept, another than the paying dept), with reason
    "allocation_lines": [
        ("version_id", "varchar"),
        ("line_no", "integer"),
        ("staff_id", "varchar"),
        ("staff_name", "varchar"),
        ("amount", "decimal(18,2)"),
        ("suggested_amount", "decimal(18,2)"),
        ("transfer_dept_code", "varchar"),
        ("reason", "varchar"),
    ],
    # 补录: supplementary payments after issue, with reason
    "allocation_supplements": [
        ("supplement_id", "varchar"),
        ("period", "varchar"),
        ("perf_dept_code", "varchar"),
        ("staff_id", "varchar"),
        ("amount", "decimal(18,2)"),
        ("reason", "varchar"),
        ("recorded_by", "varchar"),
        ("recorded_at", "timestamp"),
    ],
}


def ddl_statements() -> list[str]:
    from connectors.warehouse import schema_ddl

    return schema_ddl(BONUS_OPS_SCHEMA, OPS_TABLES)


def ensure_bonus_tables(target: str | Path) -> None:
    """Create the empty ``bonus_ops`` tables if missing (DuckDB file path or PostgreSQL URL)."""
    from connectors.warehouse import ensure_tables

    ensure_tables(target, ddl_statements())


def period_statuses(con) -> dict[str, str]:
    """The latest status of every period in ``bonus_ops.period_status`` on an open DuckDB
    connection (a period without a row, or no table yet, is draft: callers default to it)."""
    from connectors.warehouse import relation_exists

    if not relation_exists(con, BONUS_OPS_SCHEMA, "period_status"):
        return {}
    rows = con.execute(
        f"SELECT period, status FROM (SELECT period, status, row_number() OVER (PARTITION BY period "
        f"ORDER BY changed_at DESC NULLS LAST) AS n FROM {BONUS_OPS_SCHEMA}.period_status) WHERE n = 1"
    ).fetchall()
    return {p: s for p, s in rows if s}


def period_status_in(con, period: str) -> str:
    """draft / calculated / audited / issued of one period (see :func:`period_statuses`)."""
    return period_statuses(con).get(period, "draft")
