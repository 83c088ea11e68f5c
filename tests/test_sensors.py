"""Dagster sensors: the intake inbox sensor and the run-failure recorder."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from openpyxl import load_workbook


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(tmp_path / "wh.duckdb"))
    return tmp_path


def _satisfaction_file(path: Path, rows: list[list]) -> Path:
    from connectors.intake import build_template

    build_template("dept_satisfaction", path)
    wb = load_workbook(path)
    ws = wb["科室满意度"]
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_intake_sensor_requests_one_run_per_inbox_state(data_dir: Path):
    from orchestration.defs.intake.definitions import inbox_dir, intake_inbox_sensor

    empty = intake_inbox_sensor(dg.build_sensor_context())
    assert isinstance(empty, dg.SkipReason)
    _satisfaction_file(inbox_dir() / "满意度_2025-10.xlsx", [["2025-10", "D0102", "门诊", 120, 95.5]])
    req = intake_inbox_sensor(dg.build_sensor_context())
    assert isinstance(req, dg.RunRequest) and req.run_key.startswith("满意度_2025-10.xlsx:")
    assert intake_inbox_sensor(dg.build_sensor_context()).run_key == req.run_key  # same files, same key


def test_manual_intake_asset_loads_good_and_quarantines_bad(data_dir: Path):
    from orchestration.defs.extraction.resources import WarehouseResource
    from orchestration.defs.intake.definitions import inbox_dir, manual_intake

    # D0102 针灸科 is an accounting unit in the shipped department seed; D9999 is not a department.
    _satisfaction_file(inbox_dir() / "满意度_2025-10.xlsx", [["2025-10", "D0102", "门诊", 120, 95.5]])
    _satisfaction_file(inbox_dir() / "满意度_2025-11.xlsx", [["2025-11", "D9999", "门诊", 10, 80]])
    result = dg.materialize([manual_intake], resources={"warehouse": WarehouseResource()})
    assert result.success
    mats = {m.asset_key.path[-1]: m.metadata for m in result.asset_materializations_for_node("manual_filings")}
    md = mats["dept_satisfaction"]
    assert (md["files_accepted"].value, md["files_rejected"].value, md["rows_loaded"].value) == (1, 1, 1)
    assert mats["dept_penalty"]["files_accepted"].value == 0
    con = duckdb.connect(str(data_dir / "wh.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT dept_code, sample_size, score FROM raw_manual.dept_satisfaction").fetchall()
    finally:
        con.close()
    assert rows == [("D0102", "120", "95.50")]
    assert [p.name.split("_", 1)[1] for p in (data_dir / "intake" / "quarantine").glob("*.xlsx")] == [
        "满意度_2025-11.xlsx"
    ]
    assert not list(inbox_dir().iterdir())
    # Every dataset's table exists, empty until its first file.
    con = duckdb.connect(str(data_dir / "wh.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM raw_manual.dept_penalty").fetchone()[0] == 0
    finally:
        con.close()


def test_run_failure_recorder_writes_an_alert_line(data_dir: Path):
    from orchestration.defs.schedules.definitions import run_failure_recorder

    @dg.op
    def boom():
        raise RuntimeError("源库连接失败")

    @dg.job
    def failing():
        boom()

    instance = dg.DagsterInstance.ephemeral()
    result = failing.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    run = instance.get_run_by_id(result.run_id)
    failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
    ctx = dg.build_run_status_sensor_context(
        sensor_name="run_failure_recorder", dagster_instance=instance, dagster_run=run, dagster_event=failure
    ).for_run_failure()
    run_failure_recorder(ctx)
    lines = (data_dir / "alerts" / "run_failures.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[-1])
    assert record["run_id"] == result.run_id and record["job"] == "failing"
