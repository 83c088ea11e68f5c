"""Superset end to end: bootstrap (roles, RLS, assets) on the serving copy of the shared pipeline run,
then the REST API as each role sees it. The stack is the session's one (conftest ``superset_stack``:
the committed asset tree, bootstrapped twice, users 科主任 / 院领导 / 绩效办 / 卫健局), shared with
test_superset_dashboards.py. Needs Superset's own venv (`make superset-venv`); skipped without it,
outside CI only."""

from __future__ import annotations

import os
import sys

import pytest
from superset_support import ADMIN, SUPERSET_PY, Client

from conftest import query_duckdb

pytestmark = [
    pytest.mark.superset,
    # Never skipped in CI (`make pytest` builds .venv-superset): there a missing venv is an error.
    pytest.mark.skipif(not SUPERSET_PY.exists() and not os.environ.get("CI"), reason="no .venv-superset (make superset-venv)"),
]

ALL_DASHBOARDS = {"院级运营驾驶舱", "科室绩效", "综合目标考核", "贡献价值排名", "国考指标监测", "数据质量监控", "移动看板"}
# 科主任 reads only datasets with perf_dept_code (roles.yml), so not 国考指标监测 / 数据质量监控.
DEPARTMENT_DASHBOARDS = ALL_DASHBOARDS - {"国考指标监测", "数据质量监控"}
# 卫健局: marts.fct_national_indicators, marts.fct_monitoring_*, marts.fct_dq_*, dq.* (roles.yml).
BUREAU_DATASETS = {"fct_national_indicators", "fct_dq_check_results", "fct_dq_failing_records", "fct_dq_daily_metrics"}


@pytest.fixture(scope="module")
def superset(superset_stack):
    return superset_stack


def _serving(superset, sql: str) -> list[tuple]:
    """The serving copy that Superset reads (shared by the whole test run: read-only)."""
    return query_duckdb(superset["data"] / "serving.duckdb", sql)


def _login(superset, user: str, password: str | None = None) -> Client:
    return Client(superset["base"], user, password or f"{user}-pw-123")


def test_admin_sees_the_read_only_serving_copy_in_sql_lab(superset):
    admin = _login(superset, *ADMIN)
    dbs = admin.get("/api/v1/database/").json()["result"]
    assert [d["database_name"] for d in dbs] == ["Jixiao 数据仓库"]
    db_id = dbs[0]["id"]
    r = admin.post("/api/v1/sqllab/execute/", {"database_id": db_id, "sql": "SELECT count(*) AS n FROM marts.fct_workload_points",
                                               "runAsync": False, "schema": "marts"})
    assert r.status_code == 200, r.text
    ((n,),) = _serving(superset, "SELECT count(*) FROM marts.fct_workload_points")
    assert n > 0 and r.json()["data"] == [{"n": n}]
    # No other file of the server is reachable from SQL, and nothing can be written.
    for sql in ("SELECT * FROM read_csv('/etc/passwd')", "ATTACH '/tmp/x.duckdb' AS x", "CREATE TABLE marts.x AS SELECT 1"):
        assert admin.post("/api/v1/sqllab/execute/", {"database_id": db_id, "sql": sql, "runAsync": False}).status_code != 200


def test_department_head_sees_only_their_department(superset):
    code, _ = superset["dept"]
    kzr = _login(superset, "kzr")
    ds = kzr.dataset_id("fct_dept_bonus_summary")
    r = kzr.chart_rows(ds, "perf_dept_code", "dept_bonus")
    assert r.status_code == 200, r.text
    assert [row["perf_dept_code"] for row in r.json()["result"][0]["data"]] == [code]
    titles = {d["dashboard_title"] for d in kzr.get("/api/v1/dashboard/?q=(page_size:100)").json()["result"]}
    assert titles == DEPARTMENT_DASHBOARDS
    # No dataset without the department column, no SQL Lab.
    tables = {d["table_name"] for d in kzr.get("/api/v1/dataset/?q=(page_size:100)").json()["result"]}
    with_column = {t for (t,) in _serving(superset, "SELECT DISTINCT table_name FROM information_schema.columns "
                                                    "WHERE column_name = 'perf_dept_code'")}
    assert tables and tables <= with_column
    assert "fct_national_indicators" not in tables
    assert kzr.post("/api/v1/sqllab/execute/", {"database_id": superset["db_id"], "sql": "SELECT 1", "runAsync": False}).status_code in (401, 403)


def test_leadership_sees_everything_without_row_filter(superset):
    leader = _login(superset, "leader")
    r = leader.chart_rows(leader.dataset_id("fct_dept_bonus_summary"), "perf_dept_code", "dept_bonus")
    assert r.status_code == 200, r.text
    every = sorted(c for (c,) in _serving(superset, "SELECT DISTINCT perf_dept_code FROM marts.fct_dept_bonus_summary"))
    assert len(every) > 5
    assert sorted(row["perf_dept_code"] for row in r.json()["result"][0]["data"]) == every
    titles = {d["dashboard_title"] for d in leader.get("/api/v1/dashboard/?q=(page_size:100)").json()["result"]}
    assert titles == ALL_DASHBOARDS
    assert leader.post("/api/v1/sqllab/execute/", {"database_id": superset["db_id"], "sql": "SELECT 1", "runAsync": False}).status_code in (401, 403)


def test_performance_office_has_sql_lab(superset):
    office = _login(superset, "office")
    r = office.post("/api/v1/sqllab/execute/", {"database_id": superset["db_id"], "sql": "SELECT count(*) AS n FROM marts.dim_department",
                                                "runAsync": False})
    assert r.status_code == 200, r.text
    ((n,),) = _serving(superset, "SELECT count(*) FROM marts.dim_department")
    assert n > 5 and r.json()["data"] == [{"n": n}]


def test_health_bureau_sees_only_national_and_quality(superset):
    bureau = _login(superset, "bureau")
    titles = {d["dashboard_title"] for d in bureau.get("/api/v1/dashboard/?q=(page_size:100)").json()["result"]}
    assert titles == {"国考指标监测", "数据质量监控"}
    tables = {d["table_name"] for d in bureau.get("/api/v1/dataset/?q=(page_size:100)").json()["result"]}
    assert tables == BUREAU_DATASETS
    assert bureau.chart_rows(bureau.dataset_id("fct_national_indicators"), "indicator_code", "indicator_count").status_code == 200


def test_secret_and_admin_files_are_private(superset):
    home = superset["home"]
    assert (home / ".secret_key").stat().st_mode & 0o077 == 0
    assert not (home / "admin.txt").exists()  # the admin came from the environment
    assert ADMIN[1] not in superset["output"]
    assert "kzr-pw-123" not in superset["output"] and "leader-pw-123" not in superset["output"]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
