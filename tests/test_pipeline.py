"""End to end through Dagster, in a subprocess like an operator: `jixiao run` then `jixiao status`.

The run is the shared one of the test session (conftest ``small_built``: the small demo with its filings
in the inbox, `jixiao run --period 2025-10 --to 2025-12`, as production runs it); tests that change the
warehouse work on a copy."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from connectors.source_config import load_sources
from orchestration.dbt_timings import latest_run_results

from conftest import (
    REPO,
    SMALL_PERIODS,
    dbt_artefacts,
    run_jixiao,
    source_count,
    unit_test_statuses,
    window_where,
)

_jixiao = run_jixiao


@pytest.fixture(scope="module")
def pipeline_run(small_built):
    return small_built.data, small_built.env, small_built


@pytest.mark.slow
def test_run_materialises_raw_and_staging(pipeline_run):
    data, _, proc = pipeline_run
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        for system, spec in load_sources().items():
            for t in spec.tables:
                raw = con.execute(f"SELECT count(*) FROM raw_{system}.{t.raw_name}").fetchone()[0]
                sql = f'SELECT count(*) FROM "{t.name}"' + window_where(t, *SMALL_PERIODS)
                assert raw == source_count(data, system, sql) > 0, t.name
        staged = {
            r[0]: r[1]
            for r in con.execute(
                "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'staging'"
            ).fetchall()
        }
        # + 3 reference catalogues + 10 code lists (编码目录) + 4 manual filings (satisfaction, targets, penalties,
        # 医院填报指标) + 3 bonus workflow tables
        assert len(staged) == sum(len(s.tables) for s in load_sources().values()) + 3 + 10 + 4 + 3
        # optional filings (targets are suggested from history when not filed; penalties may be none)
        # and the bonus workflow tables, empty until the first `jixiao bonus`/`allocation` command
        # (医院填报指标: filed once a year; the small demo's window holds only its 2025 file)
        optional = {"stg_manual__kpi_target", "stg_manual__dept_penalty", "stg_manual__filed_indicator"}
        for name in staged:
            if name in optional or name.startswith("stg_bonus_ops__"):
                continue
            assert con.execute(f"SELECT count(*) FROM staging.{name}").fetchone()[0] > 0, name
        # Staging deduplicates on the key and pseudonymises patients: no HIS patient id survives.
        n, distinct = con.execute(
            "SELECT count(*), count(DISTINCT charge_line_id) FROM staging.stg_his__charge_lines"
        ).fetchone()
        assert n == distinct
        leaked = con.execute(
            "SELECT count(*) FROM staging.stg_his__charge_lines s JOIN raw_his.fy_sfmx r ON s.patient_key = r.brid"
        ).fetchone()[0]
        assert leaked == 0
        assert con.execute("SELECT length(min(patient_key)) FROM staging.stg_his__charge_lines").fetchone()[0] == 32
    finally:
        con.close()


@pytest.mark.slow
def test_status_reports_layers_freshness_and_runs(pipeline_run):
    _, env, _ = pipeline_run
    proc = _jixiao(["status", "--json"], env)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["layers"]["raw"]["rows"] > 0 and out["layers"]["staging"]["rows"] > 0
    assert out["layers"]["seeds"]["tables"] >= 2
    assert {f["system"] for f in out["freshness"]} == {"his", "finance", "cost", "hr", "beds"}
    his = next(f for f in out["freshness"] if f["system"] == "his")
    assert his["latest_partition"] == SMALL_PERIODS[1] and his["last_extracted_at"]
    assert out["runs"][0]["job"] == "nightly_refresh" and out["runs"][0]["success"] is True


@pytest.mark.slow
def test_dbt_source_freshness_passes_after_the_run(pipeline_run, tmp_path):
    _, _, built = pipeline_run
    assert built.returncode == 0
    copy = built.copy_to(tmp_path / "data")  # dbt opens the warehouse read-write
    data, env = copy.data, copy.env
    dbt = Path(sys.executable).parent / "dbt"
    out = subprocess.run(
        [str(dbt), "source", "freshness", "--project-dir", "dbt_project", "--profiles-dir", "dbt_project",
         "--target-path", str(data / "dbt_freshness")],
        cwd=REPO, env={**env, "JIXIAO_WAREHOUSE": str(data / "warehouse.duckdb")}, capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stdout[-3000:]
    assert out.stdout.count("PASS freshness of") == 23, out.stdout[-3000:]


@pytest.mark.slow
def test_points_layer_on_the_small_demo(pipeline_run):
    data, _, proc = pipeline_run
    assert proc.returncode == 0
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        # Every charge line is in the points fact, once per role of its split category.
        lines = con.execute("SELECT count(*) FROM staging.stg_his__charge_lines").fetchone()[0]
        assert con.execute("SELECT count(DISTINCT charge_line_id) FROM marts.fct_charge_line_points").fetchone()[0] == lines
        # Drugs (10/11/12), consumables (09), beds (08) and registration (01) earn nothing.
        assert con.execute(
            "SELECT count(*) FROM marts.fct_charge_line_points "
            "WHERE fee_category_code IN ('01','08','09','10','11','12') AND points <> 0"
        ).fetchone()[0] == 0
        scored, points = con.execute(
            "SELECT count(*), sum(points) FROM marts.fct_charge_line_points WHERE points_status = 'scored'"
        ).fetchone()
        assert scored > 0 and points > 0
        # Department totals reconcile with line points to 4 decimals, every month.
        diff = con.execute(
            "SELECT max(abs(l.p - d.p)) FROM (SELECT period, sum(points) p FROM marts.fct_charge_line_points GROUP BY 1) l "
            "JOIN (SELECT period, sum(points) p FROM marts.fct_workload_points GROUP BY 1) d USING (period)"
        ).fetchone()[0]
        assert diff < 0.0001
        # A scored line's points follow the formula: base × multiplier × quantity × split ratio.
        wrong = con.execute(
            "SELECT count(*) FROM marts.fct_charge_line_points WHERE points_status = 'scored' AND override_points IS NULL "
            "AND abs(points::DOUBLE - base_points::DOUBLE * coalesce(adjustment_multiplier, 1)::DOUBLE "
            "* quantity::DOUBLE * split_ratio::DOUBLE) > 0.0001"
        ).fetchone()[0]
        assert wrong == 0
        # The shipped catalogues were loaded and recorded with their provenance.
        loads = con.execute(
            "SELECT kind, rows, is_shipped_sample FROM raw_reference.catalogue_loads ORDER BY kind"
        ).fetchall()
        assert loads == [("crosswalk", 939, True), ("national_items", 984, True), ("provincial_prices", 578, True)]
    finally:
        con.close()



@pytest.mark.slow
def test_explain_points_shows_items_doctors_and_formula(pipeline_run):
    data, env, _ = pipeline_run
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        dept, total = con.execute(
            "SELECT perf_dept_code, sum(points) FROM marts.fct_workload_points WHERE period = ? "
            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
            [SMALL_PERIODS[1]],
        ).fetchone()
    finally:
        con.close()
    proc = _jixiao(["explain", "points", "--dept", dept, "--period", SMALL_PERIODS[1], "--top", "3"], env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"（{dept}）{SMALL_PERIODS[1]} 工作量点数 {total:,.4f}" in proc.stdout
    assert "基础点数" in proc.stdout and "分配比例" in proc.stdout
    bad = _jixiao(["explain", "points", "--dept", "D9999", "--period", SMALL_PERIODS[1]], env)
    assert bad.returncode == 1 and "科室编码 D9999 不在绩效科室字典中" in bad.stdout


@pytest.mark.slow
def test_kpi_scores_cover_every_scheme_department_and_month(pipeline_run, tmp_path):
    data, env, proc = pipeline_run
    assert proc.returncode == 0
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        months = [r[0] for r in con.execute("SELECT DISTINCT period FROM marts.fct_kpi_dept_summary ORDER BY 1").fetchall()]
        assert months == ["2025-10", "2025-11", "2025-12"]
        # Every accounting unit of every scheme's group has a summary row and a coefficient every month.
        expected = con.execute(
            "SELECT count(*) FROM seeds.kpi_schemes s JOIN marts.dim_department d "
            "ON d.accounting_group = s.accounting_group AND d.is_accounting_unit"
        ).fetchone()[0]
        per_month = con.execute(
            "SELECT period, count(*), count(kpi_coefficient) FROM marts.fct_kpi_dept_summary GROUP BY 1"
        ).fetchall()
        assert all(n == expected == c for _, n, c in per_month), (expected, per_month)
        # No indicator is silently missing: each scheme indicator has a row with a score or a flag.
        rows, flagged_without_reason = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE score IS NULL AND score_status = 'ok') FROM marts.fct_kpi_scores"
        ).fetchone()
        indicators = con.execute(
            "SELECT sum(n) FROM (SELECT s.scheme_code, count(*) * (SELECT count(*) FROM marts.dim_department d "
            "WHERE d.accounting_group = s.accounting_group AND d.is_accounting_unit) AS n "
            "FROM seeds.kpi_schemes s JOIN seeds.kpi_scheme_indicators i USING (scheme_code) GROUP BY s.scheme_code, s.accounting_group)"
        ).fetchone()[0]
        assert rows == indicators * len(months) and flagged_without_reason == 0
        # The coefficient follows the rule: clamp(total / 100, 0.85, 1.10).
        off = con.execute(
            "SELECT count(*) FROM marts.fct_kpi_dept_summary "
            "WHERE abs(kpi_coefficient - least(greatest(total_score / 100, 0.85), 1.10)) > 0.0001"
        ).fetchone()[0]
        assert off == 0
        dept = con.execute(
            "SELECT perf_dept_code FROM marts.fct_kpi_dept_summary WHERE period = '2025-12' ORDER BY perf_dept_code LIMIT 1"
        ).fetchone()[0]
        ranking = con.execute("SELECT count(*), min(contribution_rank) FROM marts.fct_contribution_ranking").fetchone()
        assert ranking[0] > 0 and ranking[1] == 1
    finally:
        con.close()
    # One-click recalculation of a month: validation, then the month's refresh and the KPI models.
    env = proc.copy_to(tmp_path / "data").env  # the rerun writes the warehouse
    rerun = _jixiao(["kpi", "run", "--period", "2025-12"], env)
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    assert "成功" in rerun.stdout
    card = _jixiao(["kpi", "show", "--dept", dept, "--period", "2025-12"], env)
    assert card.returncode == 0, card.stdout + card.stderr
    assert "KPI 系数" in card.stdout and "总分" in card.stdout


@pytest.mark.slow
def test_a_production_run_executes_no_dbt_unit_test(pipeline_run):
    """`jixiao run` as production runs it (JIXIAO_DBT_UNIT_TESTS unset): its dbt build, as recorded in
    run_results.json, loaded the seeds, built the models and ran the data tests, but not one unit test
    (those run once per engine in the suite: tests/test_dbt_unit_tests.py, tests/test_postgres_target.py)."""
    data, _, built = pipeline_run
    assert built.returncode == 0, built.output
    run_results = latest_run_results(data / "dbt_target")
    assert run_results is not None
    manifest, results = dbt_artefacts(data / "dbt_target", run_results)
    kinds = Counter(r["unique_id"].split(".")[0] for r in results)
    assert kinds["unit_test"] == 0 and unit_test_statuses(results) == {}, kinds
    assert len(manifest["unit_tests"]) >= 88  # …although the project declares them
    models = sum(1 for k in manifest["nodes"] if k.startswith("model."))
    assert kinds["model"] == models and kinds["seed"] > 0 and kinds["test"] > 0, kinds
