"""The ``dq`` schema (数据质量结果库): check results, failing records, daily metrics.

History is KEPT by ``run_id``: every run appends its rows; a rerun of a partition does not
delete the earlier run's rows (an audit trail of what was known when). Consumers read the
latest run per partition — :func:`blocking_periods` and ``int_bonus__blocked_periods`` do.
A run writes all its rows in ONE transaction, so a partition's latest run is always complete.
"""

from __future__ import annotations

from pathlib import Path

DDL = (
    "CREATE SCHEMA IF NOT EXISTS dq",
    """CREATE TABLE IF NOT EXISTS dq.dq_check_results (
        run_id VARCHAR, "partition" VARCHAR, check_id VARCHAR, check_name VARCHAR, category VARCHAR,
        severity VARCHAR, layer VARCHAR, system VARCHAR, table_name VARCHAR, observed_value VARCHAR,
        threshold VARCHAR, passed BOOLEAN, failing_count BIGINT, failing_sample VARCHAR,
        expectation_type VARCHAR, checked_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS dq.dq_failing_records (
        run_id VARCHAR, "partition" VARCHAR, check_id VARCHAR, source_system VARCHAR, table_name VARCHAR,
        record_keys VARCHAR, detail VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS dq.dq_daily_metrics (
        run_id VARCHAR, "partition" VARCHAR, source_system VARCHAR, table_name VARCHAR, day DATE,
        row_count BIGINT, completion_rate DOUBLE, null_rate DOUBLE, anomaly_count BIGINT)""",
)

# A partition is blocked when its LATEST run (max checked_at, ties by run_id) has a failed
# error-severity check. Warnings never block, nor do dbt test rows (partition '_all': a failing
# error-severity dbt test fails the build itself). The same rule is int_bonus__blocked_periods.sql.
BLOCKING_SQL = """
    WITH runs AS (
        SELECT "partition", run_id, max(checked_at) AS checked_at FROM dq.dq_check_results
        GROUP BY "partition", run_id),
    latest AS (
        SELECT "partition", run_id FROM (
            SELECT runs.*, row_number() OVER (PARTITION BY "partition" ORDER BY checked_at DESC, run_id DESC) AS rk
            FROM runs) WHERE rk = 1)
    SELECT DISTINCT r."partition"
    FROM dq.dq_check_results AS r JOIN latest AS l ON l."partition" = r."partition" AND l.run_id = r.run_id
    WHERE r.severity = 'error' AND NOT r.passed AND r."partition" <> '_all' AND coalesce(r.layer, '') <> 'gouji'
"""


def create_tables(con) -> None:
    for stmt in DDL:
        con.execute(stmt)


def ensure_dq_tables(path: Path | str) -> None:
    """Create schema ``dq`` and its three tables in the DuckDB warehouse if missing."""
    import duckdb

    con = duckdb.connect(str(path))
    try:
        create_tables(con)
    finally:
        con.close()


def blocking_periods(path: Path | str) -> set[str]:
    """Partitions whose latest quality run has a failed error-severity check.

    Exact rule (SQL, see ``BLOCKING_SQL``): per partition take the run with the greatest
    ``max(checked_at)`` (ties: greatest ``run_id``); the partition blocks when that run has a row
    with ``severity = 'error' AND NOT passed``. Partitions never checked do not block.
    """
    import duckdb

    path = Path(path)
    if not path.exists():
        return set()
    con = duckdb.connect(str(path), read_only=True)
    try:
        has = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'dq' AND table_name = 'dq_check_results'"
        ).fetchone()[0]
        if not has:
            return set()
        return {r[0] for r in con.execute(BLOCKING_SQL).fetchall()}
    finally:
        con.close()


def write_run(con, results: list[dict], failing: list[dict], metrics: list[dict]) -> None:
    """Append one run's rows to the three tables in ONE transaction."""
    import pandas as pd

    con.execute("BEGIN TRANSACTION")
    try:
        create_tables(con)
        for table, rows in (
            ("dq_check_results", results),
            ("dq_failing_records", failing),
            ("dq_daily_metrics", metrics),
        ):
            if not rows:
                continue
            df = pd.DataFrame(rows)
            con.register("_dq_rows", df)
            try:
                cols = ", ".join(f'"{c}"' for c in df.columns)
                con.execute(f"INSERT INTO dq.{table} ({cols}) SELECT {cols} FROM _dq_rows")
            finally:
                con.unregister("_dq_rows")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def latest_results(con, partition: str):
    """The latest run's result rows of ``partition`` as a DataFrame (empty if never checked)."""
    return con.execute(
        """SELECT * FROM dq.dq_check_results WHERE "partition" = ? AND run_id = (
               SELECT run_id FROM dq.dq_check_results WHERE "partition" = ?
               GROUP BY run_id ORDER BY max(checked_at) DESC, run_id DESC LIMIT 1)
           ORDER BY passed, severity, category, check_id""",
        [partition, partition],
    ).df()
