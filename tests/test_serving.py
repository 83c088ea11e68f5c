"""The serving copy (服务副本): what is copied, the atomic replace, and a failed publish."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from connectors import serving
from connectors.serving import PublishResult, dataset_tables, publish_serving_copy


def _warehouse(path: Path, n_dept: int = 3) -> Path:
    con = duckdb.connect(str(path))
    try:
        for schema in ("marts", "dq", "intermediate", "staging"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.execute("CREATE OR REPLACE TABLE marts.dim_department AS "
                    f"SELECT 'D' || lpad(i::VARCHAR, 3, '0') AS perf_dept_code, '科室' || i AS perf_dept_name "
                    f"FROM range(1, {n_dept + 1}) t(i)")
        con.execute("CREATE OR REPLACE TABLE marts.fct_workload_points AS "
                    "SELECT perf_dept_code, '2025-12' AS period, 100.5 AS points FROM marts.dim_department")
        con.execute("CREATE OR REPLACE VIEW marts.v_points AS SELECT * FROM marts.fct_workload_points")
        con.execute("CREATE OR REPLACE TABLE dq.dq_check_results AS SELECT 'c1' AS check_id, true AS passed")
        con.execute("CREATE OR REPLACE TABLE intermediate.int_dept_metrics__monthly AS "
                    "SELECT perf_dept_code, 1 AS outpatient_visits FROM marts.dim_department")
        con.execute("CREATE OR REPLACE TABLE intermediate.int_other AS SELECT 1 AS x")
        con.execute("CREATE OR REPLACE TABLE staging.stg_secret AS SELECT 'patient' AS name")
    finally:
        con.close()
    return path


def _tables(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables ORDER BY 1"
        ).fetchall()
        return {n: con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for (n,) in names}
    finally:
        con.close()


def test_publish_copies_marts_dq_and_dashboard_tables(tmp_path):
    wh = _warehouse(tmp_path / "warehouse.duckdb")
    out = tmp_path / "serving" / "serving.duckdb"
    result = publish_serving_copy(wh, out, extra_tables={("intermediate", "int_dept_metrics__monthly")})
    assert isinstance(result, PublishResult)
    expected = {
        "dq.dq_check_results": 1,
        "intermediate.int_dept_metrics__monthly": 3,
        "marts.dim_department": 3,
        "marts.fct_workload_points": 3,
        "marts.v_points": 3,  # a view is copied as a table: the serving copy stands alone
    }
    assert _tables(out) == expected
    assert result.tables == 5 and result.rows == 13 and result.row_counts == expected
    assert result.seconds >= 0 and result.path == out.resolve()
    # Only the one file: no WAL, no temporary file beside it.
    assert sorted(p.name for p in out.parent.iterdir()) == ["serving.duckdb"]
    # The warehouse was only read.
    assert "staging.stg_secret" in _tables(wh)


_READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("SELECT count(*) FROM marts.dim_department").fetchone()[0], flush=True)
    sys.stdin.readline()  # hold the old copy open until the test has replaced it
    print(con.execute("SELECT count(*) FROM marts.dim_department").fetchone()[0], flush=True)
    con.close()
    """
)


def test_reader_holding_the_old_copy_does_not_block_the_replace(tmp_path):
    wh = _warehouse(tmp_path / "warehouse.duckdb", n_dept=3)
    out = tmp_path / "serving.duckdb"
    publish_serving_copy(wh, out, extra_tables=set())
    # Superset is another process that has the old copy open read-only.
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(out)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "3"
        _warehouse(wh, n_dept=5)  # the next dbt build
        result = publish_serving_copy(wh, out, extra_tables=set())
        assert result.row_counts["marts.dim_department"] == 5
        # New readers see the new copy at once …
        assert _tables(out)["marts.dim_department"] == 5
        # … while the old reader finishes on the copy it opened.
        out_text, err = reader.communicate("go\n", timeout=60)
        assert reader.returncode == 0, err
        assert out_text.strip() == "3"
    finally:
        if reader.poll() is None:
            reader.kill()


def test_failed_publish_leaves_the_old_copy_intact(tmp_path, monkeypatch):
    wh = _warehouse(tmp_path / "warehouse.duckdb", n_dept=3)
    out = tmp_path / "serving.duckdb"
    publish_serving_copy(wh, out, extra_tables=set())
    before = out.read_bytes()
    _warehouse(wh, n_dept=7)

    real_select = serving._select_tables

    def select_with_a_missing_table(con, schemas, extra):
        return real_select(con, schemas, extra) + [("marts", "fct_dropped_meanwhile")]

    monkeypatch.setattr(serving, "_select_tables", select_with_a_missing_table)
    with pytest.raises(duckdb.CatalogException):
        publish_serving_copy(wh, out, extra_tables=set())
    assert out.read_bytes() == before
    assert _tables(out)["marts.dim_department"] == 3
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("serving")) == ["serving.duckdb"]

    monkeypatch.undo()
    with pytest.raises(FileNotFoundError):
        publish_serving_copy(tmp_path / "missing.duckdb", out)
    assert out.read_bytes() == before


def test_empty_warehouse_is_refused(tmp_path):
    wh = tmp_path / "empty.duckdb"
    duckdb.connect(str(wh)).close()
    with pytest.raises(RuntimeError, match="dbt build"):
        publish_serving_copy(wh, tmp_path / "serving.duckdb", extra_tables=set())
    assert not (tmp_path / "serving.duckdb").exists()


def test_dataset_tables_reads_physical_datasets_of_the_asset_tree(tmp_path):
    d = tmp_path / "datasets" / "Jixiao"
    d.mkdir(parents=True)
    (d / "a.yaml").write_text("table_name: int_dept_metrics__monthly\nschema: intermediate\nsql: null\n", "utf-8")
    (d / "b.yaml").write_text("table_name: v\nschema: marts\nsql: SELECT 1\n", "utf-8")  # virtual
    assert dataset_tables(tmp_path / "datasets") == {("intermediate", "int_dept_metrics__monthly")}
    assert dataset_tables(tmp_path / "nowhere") == set()


def test_serving_settings_default_and_override(monkeypatch, tmp_path):
    from orchestration import settings

    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("JIXIAO_SERVING_DB", raising=False)
    assert settings.serving_path() == (tmp_path / "serving.duckdb").resolve()
    monkeypatch.setenv("JIXIAO_SERVING_DB", str(tmp_path / "x" / "s.duckdb"))
    assert settings.serving_path() == (tmp_path / "x" / "s.duckdb").resolve()


def test_serving_asset_runs_after_the_marts_in_the_pipeline_jobs():
    import dagster as dg

    from orchestration.defs.serving.definitions import SERVING_KEY
    from orchestration.pipeline import load_definitions

    defs = load_definitions()
    graph = defs.resolve_asset_graph()
    node = graph.get(SERVING_KEY)
    assert node.group_name == "serving"
    assert dg.AssetKey(["marts", "dim_department"]) in node.parent_keys
    for job in ("nightly_refresh", "monthly_close"):
        assert SERVING_KEY in defs.resolve_job_def(job).asset_layer.asset_graph.get_all_asset_keys()
