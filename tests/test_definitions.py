"""The Dagster definitions load, validate, and schedule the right months."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from functools import cache
from pathlib import Path

import dagster as dg

from conftest import REPO


@cache
def _defs() -> dg.Definitions:
    """load_definitions() once per module: it re-parses the dbt project (about 10 s) and then returns
    the same imported Definitions every time."""
    from orchestration.pipeline import load_definitions

    return load_definitions()


def test_definitions_load_with_jobs_schedules_sensors():
    defs = _defs()
    for job in ("nightly_refresh", "monthly_close", "manual_intake"):
        assert defs.resolve_job_def(job) is not None
    assert {s.name for s in defs.schedules} == {"nightly_refresh_schedule", "monthly_close_schedule"}
    assert {s.name for s in defs.sensors} == {"intake_inbox_sensor", "run_failure_recorder"}
    schedules = {s.name: s for s in defs.schedules}
    assert schedules["nightly_refresh_schedule"].cron_schedule == "0 2 * * *"
    assert schedules["monthly_close_schedule"].cron_schedule == "0 3 5 * *"


def test_assets_grouped_by_layer_and_lineage_from_raw():
    graph = _defs().resolve_asset_graph()
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert {"raw", "seeds", "staging"} <= groups
    stg = dg.AssetKey(["staging", "stg_his__charge_lines"])
    assert graph.get(stg).group_name == "staging"
    assert dg.AssetKey(["raw_his", "fy_sfmx"]) in graph.get(stg).parent_keys
    assert graph.get(dg.AssetKey(["raw_his", "fy_sfmx"])).partitions_def is not None


def test_schedule_month_logic():
    from orchestration.defs.schedules.definitions import monthly_close_partition, nightly_partitions

    # 2025-03-01 02:00: yesterday is 28 Feb → refresh February and, for late records, January.
    assert nightly_partitions(datetime(2025, 3, 1, 2)) == ("2025-01", "2025-02")
    assert nightly_partitions(datetime(2025, 3, 15, 2)) == ("2025-02", "2025-03")
    # Monthly close on 5 Jan 2026 closes December 2025.
    assert monthly_close_partition(datetime(2026, 1, 5, 3)) == "2025-12"


def test_schedules_emit_range_run_requests():
    defs = _defs()
    sched = {s.name: s for s in defs.schedules}["nightly_refresh_schedule"]
    ctx = dg.build_schedule_context(scheduled_execution_time=datetime(2025, 3, 15, 2))
    req = sched.evaluate_tick(ctx).run_requests[0]
    assert req.tags["dagster/asset_partition_range_start"] == "2025-02"
    assert req.tags["dagster/asset_partition_range_end"] == "2025-03"


def test_dagster_definitions_validate_cli():
    _defs()  # ensures the dbt manifest exists
    dagster = Path(sys.executable).parent / "dagster"
    proc = subprocess.run(
        [str(dagster), "definitions", "validate", "-m", "orchestration.definitions"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
