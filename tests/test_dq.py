"""Data-quality checks (expectations/): no false alarms on the clean demo, every injected fault caught."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import REPO, SMALL_DEMO, SMALL_PERIODS
from conftest import jixiao_in as _jixiao

PERIODS = ("2025-10", "2025-11", "2025-12")


def _checks(data: Path, proc) -> dict:
    """The quality checks for each period, again, on a warehouse a pipeline run has landed."""
    from expectations import run_checks

    wh = data / "warehouse.duckdb"
    con = duckdb.connect(str(wh), read_only=True)
    try:
        landed = con.execute("SELECT count(*) FROM raw_his.fy_sfmx").fetchone()[0]
    finally:
        con.close()
    assert landed > 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    t0 = time.perf_counter()
    summaries = {p: run_checks(wh, p) for p in PERIODS}
    return {"data": data, "wh": wh, "proc": proc, "summaries": summaries, "seconds": time.perf_counter() - t0}


@pytest.fixture(scope="module")
def clean(small_built, tmp_path_factory):
    """The session's clean small demo run (a copy: the checks write dq.*)."""
    copy = small_built.copy_to(tmp_path_factory.mktemp("dq_clean") / "data")
    return _checks(copy.data, copy)


@pytest.fixture(scope="module")
def faulted(tmp_path_factory):
    """Every fault injected; extraction, the seeds (the 对账 rules map departments through
    seeds.dept_code_map) and the quality checks, in one Dagster run: what these tests read is raw_*
    and dq.*, never a dbt model, so the models are not built."""
    from expectations import ensure_dq_tables
    from simulator.generate import FAULTS, generate

    data = tmp_path_factory.mktemp("dq_faulted")
    report = generate(data, **SMALL_DEMO, faults=FAULTS)
    ensure_dq_tables(data / "warehouse.duckdb")
    proc = _jixiao(["run", "--period", SMALL_PERIODS[0], "--to", SMALL_PERIODS[1],
                    "--select", "group:raw or group:seeds or group:quality"], data)
    built = _checks(data, proc)
    built["faults"] = report.faults
    return built


def _failed(wh: Path, partition: str) -> list[tuple]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        from expectations.store import latest_results

        df = latest_results(con, partition)
        return [(r.check_id, r.category, r.severity) for r in df[~df.passed].itertuples()]
    finally:
        con.close()


def _records(wh: Path, partition: str, check_id: str) -> list[dict]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        rows = con.execute(
            """SELECT record_keys FROM dq.dq_failing_records WHERE "partition" = ? AND check_id = ? AND run_id = (
                   SELECT max(run_id) FROM dq.dq_check_results WHERE "partition" = ?)""",
            [partition, check_id, partition],
        ).fetchall()
    finally:
        con.close()
    return [json.loads(r[0]) for r in rows]


def test_registry_has_40_checks_in_three_categories():
    proc = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "dq", "checks"], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    from expectations.registry import all_checks

    checks = all_checks()
    assert len(checks) >= 40
    assert {c.category for c in checks} == {"conformance", "completeness", "plausibility"}
    assert f"合计 {len(checks)} 项" in proc.stdout
    for c in checks:
        assert c.check_id in proc.stdout.replace("…", "") or c.check_id[:6] in proc.stdout


@pytest.mark.slow
def test_clean_demo_has_no_error_failures(clean):
    for p in PERIODS:
        bad = [f for f in _failed(clean["wh"], p) if f[2] == "error"]
        assert not bad, f"{p}: false alarms {bad}"
    from expectations import blocking_periods

    assert blocking_periods(clean["wh"]) == set()
    print(
        f"\nclean: dbt rc={clean['proc'].returncode}; quality run over 3 partitions {clean['seconds']:.1f}s; "
        + ", ".join(f"{p} {s.seconds:.1f}s" for p, s in clean["summaries"].items())
    )


@pytest.mark.slow
def test_gx_checks_run_through_gx(clean):
    con = duckdb.connect(str(clean["wh"]), read_only=True)
    try:
        types = dict(
            con.execute(
                "SELECT check_id, expectation_type FROM dq.dq_check_results WHERE \"partition\" = '2025-11'"
            ).fetchall()
        )
    finally:
        con.close()
    assert types["his_fy_unique"] == "expect_column_values_to_be_unique"
    assert types["his_zy_discharge_after_admit"] == "expect_column_pair_values_a_to_be_greater_than_b"
    assert types["his_fy_days_present"] == "sql"
    assert sum(t.startswith("expect_") for t in types.values()) >= 40


@pytest.mark.slow
def test_faults_are_caught_in_their_partition(faulted):
    f, wh = faulted["faults"], faulted["wh"]
    failed = {p: _failed(wh, p) for p in PERIODS}

    def caught(p, categories, check_ids=None):
        return [x for x in failed[p] if x[1] in categories and (check_ids is None or x[0] in check_ids)]

    # missing_day → completeness (error): the day itself is a failing record
    day = f["missing_day"]["date"]
    assert caught(day[:7], {"completeness"}, {"his_fy_days_present"}), failed[day[:7]]
    assert {"day": day} in _records(wh, day[:7], "his_fy_days_present")
    # duplicate_lines → plausibility/uniqueness, the duplicated MXXH traced in record_keys
    dup = {str(x) for x in f["duplicate_lines"]["mxxh"]}
    traced = set()
    for p in PERIODS:
        keys = {r["mxxh"] for r in _records(wh, p, "his_fy_unique")}
        if keys:
            assert ("his_fy_unique", "plausibility", "error") in failed[p]
        traced |= keys
    assert dup <= traced, (dup, traced)
    # null_dept → completeness (error) in each month with a null department
    con = duckdb.connect(str(wh), read_only=True)
    try:
        null_parts = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT _partition FROM raw_his.fy_sfmx WHERE kdks IS NULL OR zxks IS NULL"
            ).fetchall()
        }
        unknown = con.execute(
            "SELECT _partition, mxxh FROM raw_his.fy_sfmx WHERE sfxmdm IN ({})".format(
                ", ".join(f"'{c}'" for c in f["unknown_items"]["codes"])
            )
        ).fetchall()
    finally:
        con.close()
    assert f["null_dept"]["lines"] > 0 and null_parts
    for p in null_parts:
        assert caught(p, {"completeness"}, {"his_fy_kdks_not_null", "his_fy_zxks_not_null"}), failed[p]
    # unknown_items → conformance (error), traced to the lines
    assert len(unknown) == f["unknown_items"]["lines"] > 0
    for p, mxxh in unknown:
        assert caught(p, {"conformance"}, {"his_fy_item_known"}), failed[p]
        assert {"mxxh": mxxh} in _records(wh, p, "his_fy_item_known")
    # revenue_mismatch → plausibility/reconciliation (error) for that department and month
    rm = f["revenue_mismatch"]
    p = f"{rm['year']}-{rm['month']:02d}"
    assert caught(p, {"plausibility"}, {"recon_his_finance_revenue"}), failed[p]
    assert {"perf_dept_code": rm["perf_dept_code"], "period": p} in _records(
        wh, p, "recon_his_finance_revenue"
    )
    # late_records → completeness/timeliness (warn) in each month with late lines
    for p, n in f["late_records"]["by_month"].items():
        assert caught(p, {"completeness"}, {"his_fy_late_records"}), failed[p]
        assert len(_records(wh, p, "his_fy_late_records")) == n
    print(
        f"\nfaulted: dbt rc={faulted['proc'].returncode}; quality run over 3 partitions {faulted['seconds']:.1f}s"
    )


@pytest.mark.slow
def test_blocking_periods_and_cli(faulted, clean):
    from expectations import blocking_periods

    assert blocking_periods(faulted["wh"]) == set(PERIODS)
    assert blocking_periods(clean["wh"]) == set()
    rep = _jixiao(["dq", "report", "--period", "2025-11"], faulted["data"])
    assert rep.returncode == 0, rep.stderr
    assert "阻断：是" in rep.stdout
    run = _jixiao(["dq", "run", "--period", "2025-12", "--system", "beds"], clean["data"])
    assert run.returncode == 0, run.stderr[-3000:]
    assert (clean["data"] / "dq" / "data_docs" / "index.html").exists()
    rec = _jixiao(["recollect", "--system", "his", "--partition", "2025-11"], faulted["data"])
    assert rec.returncode == 0, rec.stderr[-3000:]
    assert "重新采集 his 2025-11" in rec.stdout and "阻断" in rec.stdout


@pytest.fixture(scope="module")
def one_bad_month(tmp_path_factory):
    """Only one fault (a missing day of charge lines), so exactly one month has an error-severity failure."""
    from simulator.generate import generate

    data = tmp_path_factory.mktemp("dq_one_bad_month")
    report = generate(data, **SMALL_DEMO, faults={"missing_day"})
    proc = _jixiao(["run", "--period", SMALL_PERIODS[0], "--to", SMALL_PERIODS[1]], data)
    return data, report.faults["missing_day"]["date"][:7], proc


@pytest.mark.slow
def test_error_check_blocks_only_its_period_in_one_dagster_run(one_bad_month):
    """The quality asset runs inside the same in-process Dagster run, before dbt: the month with the
    missing day gets no bonus, the other months of the run are calculated as usual."""
    data, bad, proc = one_bad_month
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert bad in PERIODS
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        # the checks ran in the pipeline (one run per partition), not only from this test
        checked = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT \"partition\" FROM dq.dq_check_results WHERE layer NOT IN ('dbt', 'gouji')"
            ).fetchall()
        }
        assert checked == set(PERIODS)
        failed = con.execute(
            "SELECT DISTINCT check_id FROM dq.dq_check_results WHERE \"partition\" = ? AND severity = 'error' "
            "AND NOT passed",
            [bad],
        ).fetchall()
        assert ("his_fy_days_present",) in failed
        blocked = con.execute("SELECT period FROM intermediate.int_bonus__blocked_periods").fetchall()
        assert blocked == [(bad,)]
        with_bonus = {r[0] for r in con.execute("SELECT DISTINCT period FROM marts.fct_bonus_pool").fetchall()}
        assert with_bonus == set(PERIODS) - {bad}
        assert con.execute("SELECT count(*) FROM marts.fct_dept_bonus WHERE period = ?", [bad]).fetchone()[0] == 0
        # and the build's dbt tests landed beside the checks, all passing (the build succeeded)
        n_dbt, n_failed = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE NOT passed AND severity = 'error') FROM dq.dq_check_results "
            "WHERE layer = 'dbt'"
        ).fetchone()
        assert n_dbt > 200 and n_failed == 0
    finally:
        con.close()
