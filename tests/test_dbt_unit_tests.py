"""The dbt unit tests (单元测试: every business formula with hand-computed inputs and outputs) on DuckDB.

This is the suite's one DuckDB run of them (PostgreSQL: tests/test_postgres_target.py). Pipeline runs,
the shared test warehouse included, leave them out as production does (JIXIAO_DBT_UNIT_TESTS). They do
not depend on data, only on the columns of each model's parents, so they run on a warehouse with every
landing table created empty: `dbt build --empty` builds the seeds and every model with no rows, and runs
each unit test after its model's parents — no pipeline, no demo hospital. Part of `make test-fast`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from connectors.bonus_state import ensure_bonus_tables
from connectors.catalogue import ensure_shipped_catalogues
from connectors.intake import ensure_dataset_tables
from connectors.pseudonym_salt import ensure_pseudonym_salt
from connectors.source_config import load_sources
from connectors.warehouse import DuckDBWarehouse
from expectations import ensure_dq_tables

from conftest import REPO, dbt_artefacts, unit_test_statuses


def _skeleton(wh_path: Path) -> None:
    """Every dbt source, created empty (as extraction and intake create them before their first rows)."""
    with DuckDBWarehouse(wh_path) as wh:
        for system, spec in load_sources().items():
            for t in spec.tables:
                wh.ensure_table(f"raw_{system}", t.raw_name, t.columns)
    ensure_dataset_tables(wh_path)
    ensure_shipped_catalogues(wh_path)
    ensure_bonus_tables(wh_path)
    ensure_dq_tables(wh_path)
    ensure_pseudonym_salt(wh_path, os.environ["JIXIAO_PSEUDONYM_SALT"])  # read by macro pseudonymise


@pytest.fixture(scope="module")
def unit_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    tmp = tmp_path_factory.mktemp("dbt_unit")
    wh = tmp / "warehouse.duckdb"
    _skeleton(wh)
    env = {**os.environ, "JIXIAO_WAREHOUSE": str(wh), "JIXIAO_DBT_TARGET": "duckdb",
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--empty", "--exclude-resource-type", "test",
         "--project-dir", "dbt_project", "--profiles-dir", "dbt_project",
         "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")],
        cwd=REPO, env=env, capture_output=True, text=True,
    )
    return proc, tmp / "target"


def test_every_dbt_unit_test_passes(unit_run):
    proc, target = unit_run
    failing = [ln for ln in proc.stdout.splitlines() if "FAIL" in ln or "ERROR" in ln][:40]
    assert proc.returncode == 0, "\n".join(failing) or proc.stdout[-4000:]
    manifest, results = dbt_artefacts(target)
    declared, ran = set(manifest["unit_tests"]), unit_test_statuses(results)
    assert len(declared) >= 88  # the 88 of issue 13's count, and any added since
    assert set(ran) == declared
    assert set(ran.values()) == {"pass"}
    # …and nothing else but seeds and empty models: no data test ran on the empty warehouse
    assert {r["unique_id"].split(".")[0] for r in results} == {"seed", "model", "unit_test"}


def test_no_salt_stops_the_build_and_the_salt_is_in_no_artefact(unit_run, tmp_path):
    """macro pseudonymise: an empty jixiao_private.pseudonym_salt stops dbt (md5 of NULL would empty
    every patient join without a word); with the salt present, no dbt artefact contains it."""
    proc, target = unit_run
    salt = os.environ["JIXIAO_PSEUDONYM_SALT"].encode()
    leaked = [p for p in [*target.rglob("*"), *(target.parent / "logs").rglob("*")]
              if p.is_file() and salt in p.read_bytes()]  # fmt: skip
    assert leaked == []
    wh = tmp_path / "warehouse.duckdb"
    shutil.copy(target.parent / "warehouse.duckdb", wh)
    con = duckdb.connect(str(wh))
    con.execute("DELETE FROM jixiao_private.pseudonym_salt")
    con.close()
    env = {**os.environ, "JIXIAO_WAREHOUSE": str(wh), "JIXIAO_DBT_TARGET": "duckdb",
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}  # fmt: skip
    run = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "run", "-s", "stg_his__admissions", "--project-dir", "dbt_project",
         "--profiles-dir", "dbt_project", "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=REPO, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode != 0
    assert "jixiao_private.pseudonym_salt must hold exactly one salt (found 0)" in run.stdout
