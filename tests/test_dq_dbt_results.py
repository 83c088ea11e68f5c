"""dbt data-test outcomes land in dq.dq_check_results beside the GX/SQL checks."""

from __future__ import annotations

from datetime import datetime

import duckdb

from expectations.dbt_results import dbt_test_rows, land_dbt_results
from expectations.store import ensure_dq_tables

RUN_RESULTS = {
    "metadata": {"invocation_id": "inv-1"},
    "results": [
        {"unique_id": "test.jixiao.not_null_fct_x_period.abc", "status": "pass", "failures": 0},
        {"unique_id": "test.jixiao.relationships_fct_x_dept.def", "status": "fail", "failures": 2},
        {"unique_id": "test.jixiao.assert_bonus_pool_reconciles", "status": "pass", "failures": 0},
        {"unique_id": "test.jixiao.unique_fct_x_id.ghi", "status": "warn", "failures": 1},
        {"unique_id": "unit_test.jixiao.fct_x.some_unit_test", "status": "pass", "failures": 0},
        {"unique_id": "test.jixiao.skipped_one", "status": "skipped", "failures": None},
        {"unique_id": "model.jixiao.fct_x", "status": "success"},
    ],
}
MANIFEST = {
    "nodes": {
        "test.jixiao.not_null_fct_x_period.abc": {
            "name": "not_null_fct_x_period", "test_metadata": {"name": "not_null"},
            "config": {"severity": "ERROR"}, "depends_on": {"nodes": ["model.jixiao.fct_x"]},
        },
        "test.jixiao.relationships_fct_x_dept.def": {
            "name": "relationships_fct_x_dept", "test_metadata": {"name": "relationships"},
            "config": {"severity": "ERROR"}, "depends_on": {"nodes": ["model.jixiao.fct_x", "seed.jixiao.d"]},
        },
        "test.jixiao.assert_bonus_pool_reconciles": {
            "name": "assert_bonus_pool_reconciles", "config": {"severity": "ERROR"},
            "depends_on": {"nodes": ["model.jixiao.fct_bonus_pool", "model.jixiao.fct_dept_bonus"]},
        },
        "test.jixiao.unique_fct_x_id.ghi": {
            "name": "unique_fct_x_id", "test_metadata": {"name": "unique"}, "config": {"severity": "warn"},
            "depends_on": {"nodes": ["model.jixiao.fct_x"]},
        },
    }
}  # fmt: skip


def test_rows_by_test_type_and_status():
    rows = {r["check_id"]: r for r in dbt_test_rows(RUN_RESULTS, MANIFEST, datetime(2025, 1, 1))}
    # unit tests, models and skipped tests are left out: 4 data tests remain
    assert set(rows) == {
        "dbt.not_null_fct_x_period",
        "dbt.relationships_fct_x_dept",
        "dbt.assert_bonus_pool_reconciles",
        "dbt.unique_fct_x_id",
    }
    nn, rel, recon, uq = (rows[k] for k in sorted(rows, key=list(rows).index))
    assert (nn["category"], nn["severity"], nn["passed"]) == ("completeness", "error", True)
    assert (rel["category"], rel["passed"], rel["failing_count"], rel["observed_value"]) == (
        "conformance",
        False,
        2,
        "2",
    )
    assert (recon["category"], recon["table_name"]) == ("plausibility", "fct_bonus_pool,fct_dept_bonus")
    assert (uq["category"], uq["severity"], uq["passed"]) == ("plausibility", "warn", False)
    assert {r["partition"] for r in rows.values()} == {"_all"} and {r["layer"] for r in rows.values()} == {
        "dbt"
    }
    assert {r["run_id"] for r in rows.values()} == {"dbt-inv-1"}


def test_landed_in_dq_and_never_block_a_period(tmp_path):
    from expectations.store import blocking_periods

    wh = tmp_path / "w.duckdb"
    ensure_dq_tables(wh)
    assert land_dbt_results(wh, RUN_RESULTS, MANIFEST) == 4
    con = duckdb.connect(str(wh), read_only=True)
    try:
        got = con.execute(
            "SELECT check_id, passed FROM dq.dq_check_results WHERE layer = 'dbt' ORDER BY check_id"
        ).fetchall()
    finally:
        con.close()
    assert got == [
        ("dbt.assert_bonus_pool_reconciles", True),
        ("dbt.not_null_fct_x_period", True),
        ("dbt.relationships_fct_x_dept", False),
        ("dbt.unique_fct_x_id", False),
    ]
    # the failed error-severity dbt test is on partition _all: no bonus period is blocked by it
    assert blocking_periods(wh) == set()
