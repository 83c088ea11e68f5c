"""Superset end to end: bootstrap (roles, RLS, assets) on a small serving copy, then the REST API as
each role sees it. Needs Superset's own venv (`make superset-venv`); skipped without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import duckdb
import pytest
import yaml
from superset_support import BOOTSTRAP, SUPERSET_PY, Client, superset_server

from connectors.serving import publish_serving_copy

from conftest import REPO

DB_UUID = "8a1b9c5e-0b7f-4c3e-9d2a-6f3e1a2b4c5d"

pytestmark = [
    pytest.mark.superset,
    # Never skipped in CI (`make pytest` builds .venv-superset): there a missing venv is an error.
    pytest.mark.skipif(not SUPERSET_PY.exists() and not os.environ.get("CI"), reason="no .venv-superset (make superset-venv)"),
]


def _warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE SCHEMA marts; CREATE SCHEMA dq")
        con.execute("CREATE TABLE marts.dim_department AS SELECT * FROM (VALUES "
                    "('D01', '心内科'), ('D02', '骨科'), ('D03', '检验科')) t(perf_dept_code, perf_dept_name)")
        con.execute("CREATE TABLE marts.fct_workload_points AS SELECT d.perf_dept_code, p.period, 10.0 AS points "
                    "FROM marts.dim_department d, (VALUES ('2025-11'), ('2025-12')) p(period)")
        con.execute("CREATE TABLE marts.fct_national_indicators AS SELECT * FROM (VALUES "
                    "('2025', 'GEN01', 0.5), ('2025', 'GEN02', 0.7)) t(year, indicator_code, value)")
        con.execute("CREATE TABLE dq.dq_check_results AS SELECT 'c1' AS check_id, true AS passed")
    finally:
        con.close()


def _asset_tree(root: Path, serving: Path) -> None:
    """A two-dashboard asset tree in Superset's export layout (as superset_assets/assets/ is)."""
    con = duckdb.connect(str(serving), read_only=True)

    def write(rel: str, doc: dict) -> None:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def uid(name: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"jixiao-test/{name}"))

    write("metadata.yaml", {"version": "1.0.0", "type": "Dashboard", "timestamp": "2026-01-01T00:00:00+00:00"})
    write("databases/Jixiao.yaml", {
        "database_name": "Jixiao 数据仓库", "sqlalchemy_uri": "duckdb:///__SERVING_DB__", "cache_timeout": None,
        "expose_in_sqllab": True, "allow_run_async": False, "allow_ctas": False, "allow_cvas": False,
        "allow_dml": False, "allow_csv_upload": False, "extra": {}, "uuid": DB_UUID, "version": "1.0.0"})
    for schema, table in (("marts", "fct_workload_points"), ("marts", "fct_national_indicators"), ("dq", "dq_check_results")):
        cols = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                           "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position", [schema, table]).fetchall()
        write(f"datasets/Jixiao/{table}.yaml", {
            "table_name": table, "schema": schema, "catalog": None, "sql": None, "main_dttm_col": None, "uuid": uid(table),
            "database_uuid": DB_UUID, "version": "1.0.0", "offset": 0, "filter_select_enabled": True,
            "metrics": [{"metric_name": "count", "metric_type": "count", "expression": "COUNT(*)"}],
            "columns": [{"column_name": c, "type": t, "is_dttm": False, "is_active": True, "groupby": True, "filterable": True}
                        for c, t in cols]})
    con.close()

    def dashboard(title: str, slug: str, charts: list[tuple[str, str, str]]) -> None:
        pos = {"DASHBOARD_VERSION_KEY": "v2", "ROOT_ID": {"children": ["GRID_ID"], "id": "ROOT_ID", "type": "ROOT"},
               "GRID_ID": {"children": ["ROW-1"], "id": "GRID_ID", "parents": ["ROOT_ID"], "type": "GRID"},
               "ROW-1": {"children": [], "id": "ROW-1", "type": "ROW", "parents": ["ROOT_ID", "GRID_ID"],
                         "meta": {"background": "BACKGROUND_TRANSPARENT"}}}
        for i, (name, table, col) in enumerate(charts):
            write(f"charts/{name}.yaml", {
                "slice_name": name, "viz_type": "table", "uuid": uid(name), "dataset_uuid": uid(table), "version": "1.0.0",
                "params": {"viz_type": "table", "query_mode": "aggregate", "groupby": [col], "metrics": ["count"]},
                "query_context": None, "cache_timeout": None})
            pos["ROW-1"]["children"].append(f"CHART-{i}")
            pos[f"CHART-{i}"] = {"children": [], "id": f"CHART-{i}", "type": "CHART", "parents": ["ROOT_ID", "GRID_ID", "ROW-1"],
                                 "meta": {"chartId": 0, "width": 4, "height": 50, "uuid": uid(name), "sliceName": name}}
        write(f"dashboards/{slug}.yaml", {
            "dashboard_title": title, "slug": slug, "uuid": uid(slug), "published": False, "position": pos,
            "metadata": {}, "version": "1.0.0", "css": None, "description": None})

    dashboard("科室工作量", "test-workload", [("workload_by_dept", "fct_workload_points", "perf_dept_code")])
    dashboard("国考指标监测", "jixiao-national-indicators",
              [("national", "fct_national_indicators", "indicator_code"), ("dq", "dq_check_results", "check_id")])


@pytest.fixture(scope="module")
def superset(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("superset")
    data = tmp / "data"
    data.mkdir()
    _warehouse(tmp / "warehouse.duckdb")
    publish_serving_copy(tmp / "warehouse.duckdb", data / "serving.duckdb", extra_tables=set())
    _asset_tree(tmp / "assets", data / "serving.duckdb")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPERSET_", "JIXIAO_"))}
    env.update(JIXIAO_DATA_DIR=str(data), JIXIAO_SUPERSET_ASSETS=str(tmp / "assets"),
               JIXIAO_SUPERSET_ADMIN_USER="admin", JIXIAO_SUPERSET_ADMIN_PASSWORD="admin-test-pw-1")
    run = dict(env=env, cwd=REPO, capture_output=True, text=True, timeout=900)
    outputs = []
    for _ in range(2):  # the second run proves the bootstrap is idempotent
        proc = subprocess.run([str(SUPERSET_PY), str(BOOTSTRAP), "bootstrap"], **run)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        outputs.append(proc.stdout + proc.stderr)
    # One user through the single-user command, the others in one batch (passwords on stdin).
    proc = subprocess.run([str(SUPERSET_PY), str(BOOTSTRAP), "user", "--username", "kzr01", "--roles", "科主任,科主任_D01"],
                          **{**run, "env": {**env, "JIXIAO_SUPERSET_USER_PASSWORD": "kzr01-pw-123"}})
    assert proc.returncode == 0, proc.stderr[-3000:]
    users = [{"username": u, "password": f"{u}-pw-123", "roles": [r]}
             for u, r in (("leader", "院领导"), ("office", "绩效办"), ("bureau", "卫健局"))]
    proc = subprocess.run([str(SUPERSET_PY), str(BOOTSTRAP), "users"], input=json.dumps(users), **run)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with superset_server(env, tmp / "serve.log") as base:
        admin = Client(base, "admin", "admin-test-pw-1")
        db_id = admin.get("/api/v1/database/").json()["result"][0]["id"]
        yield {"base": base, "output": "".join(outputs), "data": data, "db_id": db_id}


def _login(superset, user: str, password: str | None = None) -> Client:
    return Client(superset["base"], user, password or f"{user}-pw-123")


def test_admin_sees_the_read_only_serving_copy_in_sql_lab(superset):
    admin = _login(superset, "admin", "admin-test-pw-1")
    dbs = admin.get("/api/v1/database/").json()["result"]
    assert [d["database_name"] for d in dbs] == ["Jixiao 数据仓库"]
    db_id = dbs[0]["id"]
    r = admin.post("/api/v1/sqllab/execute/", {"database_id": db_id, "sql": "SELECT count(*) AS n FROM marts.fct_workload_points",
                                               "runAsync": False, "schema": "marts"})
    assert r.status_code == 200, r.text
    assert r.json()["data"] == [{"n": 6}]
    # No other file of the server is reachable from SQL, and nothing can be written.
    for sql in ("SELECT * FROM read_csv('/etc/passwd')", "ATTACH '/tmp/x.duckdb' AS x", "CREATE TABLE marts.x AS SELECT 1"):
        assert admin.post("/api/v1/sqllab/execute/", {"database_id": db_id, "sql": sql, "runAsync": False}).status_code != 200


def test_department_head_sees_only_their_department(superset):
    kzr = _login(superset, "kzr01")
    ds = kzr.dataset_id("fct_workload_points")
    r = kzr.chart_rows(ds, "perf_dept_code")
    assert r.status_code == 200, r.text
    assert [row["perf_dept_code"] for row in r.json()["result"][0]["data"]] == ["D01"]
    titles = {d["dashboard_title"] for d in kzr.get("/api/v1/dashboard/?q=(page_size:100)").json()["result"]}
    assert titles == {"科室工作量"}
    # No dataset without the department column, no SQL Lab.
    assert "fct_national_indicators" not in {d["table_name"] for d in kzr.get("/api/v1/dataset/?q=(page_size:100)").json()["result"]}
    assert kzr.post("/api/v1/sqllab/execute/", {"database_id": superset["db_id"], "sql": "SELECT 1", "runAsync": False}).status_code in (401, 403)


def test_leadership_sees_everything_without_row_filter(superset):
    leader = _login(superset, "leader")
    r = leader.chart_rows(leader.dataset_id("fct_workload_points"), "perf_dept_code")
    assert r.status_code == 200, r.text
    assert sorted(row["perf_dept_code"] for row in r.json()["result"][0]["data"]) == ["D01", "D02", "D03"]
    titles = {d["dashboard_title"] for d in leader.get("/api/v1/dashboard/?q=(page_size:100)").json()["result"]}
    assert titles == {"科室工作量", "国考指标监测"}
    assert leader.post("/api/v1/sqllab/execute/", {"database_id": superset["db_id"], "sql": "SELECT 1", "runAsync": False}).status_code in (401, 403)


def test_performance_office_has_sql_lab(superset):
    office = _login(superset, "office")
    r = office.post("/api/v1/sqllab/execute/", {"database_id": superset["db_id"], "sql": "SELECT count(*) AS n FROM marts.dim_department",
                                                "runAsync": False})
    assert r.status_code == 200, r.text
    assert r.json()["data"] == [{"n": 3}]


def test_health_bureau_sees_only_national_and_quality(superset):
    bureau = _login(superset, "bureau")
    titles = {d["dashboard_title"] for d in bureau.get("/api/v1/dashboard/?q=(page_size:100)").json()["result"]}
    assert titles == {"国考指标监测"}
    tables = {d["table_name"] for d in bureau.get("/api/v1/dataset/?q=(page_size:100)").json()["result"]}
    assert tables == {"fct_national_indicators", "dq_check_results"}
    assert bureau.chart_rows(bureau.dataset_id("fct_national_indicators"), "indicator_code").status_code == 200


def test_secret_and_admin_files_are_private(superset):
    home = superset["data"] / "superset"
    assert (home / ".secret_key").stat().st_mode & 0o077 == 0
    assert not (home / "admin.txt").exists()  # the admin came from the environment
    assert "admin-test-pw-1" not in superset["output"]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
