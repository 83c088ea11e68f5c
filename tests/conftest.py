"""Shared fixtures. The expensive ones (generated demo hospitals, warehouses built by a real pipeline
run, the Superset stack) are built once per test run and shared by every xdist worker: see
tests/shared_data.py and docs/testing.md before adding a test that runs a pipeline."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from shared_data import (
    NATIONAL_DEMO,
    NATIONAL_PERIODS,
    REPO,
    SMALL_DEMO,
    SMALL_PERIODS,
    BuiltData,
    build_once,
    dbt_artefacts,
    demo_sources,
    generate_sources,
    jixiao_in,
    pipeline,
    pipeline_env,
    query_duckdb,
    query_warehouse,
    run_jixiao,
    shared_root,
    unit_test_statuses,
)

__all__ = ["NATIONAL_DEMO", "NATIONAL_PERIODS", "REPO", "SMALL_DEMO", "SMALL_PERIODS", "dbt_artefacts", "jixiao_in",
           "pipeline_env", "query_duckdb", "query_warehouse", "run_jixiao", "unit_test_statuses"]

# A fixed, test-only salt: dbt refuses to pseudonymise without one.
os.environ.setdefault("JIXIAO_PSEUDONYM_SALT", "pytest-only-salt-0123456789")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# Tests choose their own warehouse: an operator's JIXIAO_WAREHOUSE in the shell must not leak in.
os.environ.pop("JIXIAO_WAREHOUSE", None)


# -- built once per test run (all workers) -------------------------------------------------------
@pytest.fixture(scope="session")
def shared(tmp_path_factory) -> Path:
    return shared_root(tmp_path_factory)


@pytest.fixture(scope="session")
def small_sources(shared: Path) -> BuiltData:
    """The small demo hospital's source SQLite files (3 months, 60 beds), generated once."""
    return build_once(shared, "small_sources", generate_sources(SMALL_DEMO))


@pytest.fixture(scope="session")
def small_demo_dir(small_sources: BuiltData) -> Path:
    """Data dir with the small demo hospital's source SQLite files (read-only for tests)."""
    return small_sources.data


@pytest.fixture(scope="session")
def small_demo(shared: Path, small_sources: BuiltData) -> BuiltData:
    """What `jixiao demo-sources` leaves for the small demo: sources + the demo's filings in the inbox."""
    return build_once(shared, "small_demo", demo_sources(small_sources, SMALL_DEMO))


@pytest.fixture(scope="session")
def small_built(shared: Path, small_demo: BuiltData):
    """The small demo after `jixiao run --period 2025-10 --to 2025-12` as production runs it (extraction,
    intake, quality, dbt build without unit tests, serving copy). Read-only: copy_to() before changing
    anything."""
    built = build_once(shared, "small_built", pipeline(small_demo, *SMALL_PERIODS))
    yield built
    built.check_unchanged()


@pytest.fixture(scope="session")
def national_sources(shared: Path) -> BuiltData:
    """The national demo's sources: 14 months (2024-11 … 2025-12), generated once."""
    return build_once(shared, "national_sources", generate_sources(NATIONAL_DEMO))


@pytest.fixture(scope="session")
def national_built(shared: Path, national_sources: BuiltData):
    """The national demo (with its 医院填报 files) after `jixiao run --period 2024-11 --to 2025-12`, as
    production runs it (no dbt unit tests). Read-only: copy_to() before changing anything."""
    demo = build_once(shared, "national_demo", demo_sources(national_sources, NATIONAL_DEMO))
    built = build_once(shared, "national_built", pipeline(demo, *NATIONAL_PERIODS))
    yield built
    built.check_unchanged()


@pytest.fixture(scope="session")
def superset_stack(small_built: BuiltData, tmp_path_factory):
    """The one Superset server of a test run, on small_built's serving copy (tests/superset_support.py).
    The files that use it are one scheduling unit (FILE_GROUPS below), so they share this worker."""
    from superset_support import superset_stack as start

    with start(small_built, tmp_path_factory.mktemp("superset")) as stack:
        yield stack


def source_count(data_dir: Path, system: str, sql: str) -> int:
    con = sqlite3.connect(data_dir / "sources" / f"{system}.sqlite")
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def pg_admin_exec(sql: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as con:
        con.execute(sql)


def mariadb_admin_exec(sql: str) -> None:
    import pymysql

    con = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", autocommit=True)
    try:
        with con.cursor() as cur:
            cur.execute(sql)
    finally:
        con.close()


def window_where(table, first: str, last: str, quote: str = '"') -> str:
    """A hand-written WHERE for rows of months first..last (an oracle independent of build_query)."""
    from datetime import date

    def q(c: str) -> str:
        return f"{quote}{c}{quote}"

    y, m = int(last[:4]), int(last[5:7])
    after_last = date(y + (m == 12), m % 12 + 1, 1).isoformat()
    if table.partition_column:
        c = q(table.partition_column)
        return f" WHERE {c} >= '{first}-01' AND {c} < '{after_last}'"
    if table.period_year_column:
        expr = f"{q(table.period_year_column)} * 100 + {q(table.period_month_column)}"
        return f" WHERE {expr} BETWEEN {first.replace('-', '')} AND {last.replace('-', '')}"
    if table.period_text_column:
        sep = "-" if "-" in table.period_text_format else ""
        c = q(table.period_text_column)
        return f" WHERE {c} BETWEEN '{first.replace('-', sep)}' AND '{last.replace('-', sep)}'"
    return ""


def skip_or_fail_without_service(service: str) -> None:
    """A missing server is a skip on a developer's machine and a failure in CI (`CI` set by .ci/run)."""
    if os.environ.get("CI"):
        pytest.fail(f"{service} is not reachable on 127.0.0.1: CI needs it (.ci/run starts it)")
    pytest.skip(f"{service} not reachable")


def assert_ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return proc


# -- scheduling and time budgets (docs/testing.md) ------------------------------------------------
# `make test` runs pytest-xdist with --dist loadfile and the scheduler below: every test file is one
# unit of work (its module fixtures are built once, on one worker), except that the files of one
# FILE_GROUPS entry go to the same worker together (a session fixture they share, or a resource of the
# worker process). Units go out heaviest first, so the long ones start at once and the short ones fill
# the gaps; the two that build the shared warehouses come first, one per worker.
# (xdist's own `loadgroup` mode does not group under pytest 9.2: it renames Item._nodeid, which pytest 9
# no longer reads; the scheduler hook is xdist's documented way to choose the units.)
FILE_GROUPS = {
    # one Superset server per test run (conftest superset_stack)
    "tests/test_superset.py": "superset",
    "tests/test_superset_dashboards.py": "superset",
    # load_definitions() parses the dbt project into dbt_project/target in the test process
    "tests/test_definitions.py": "dbt_project_target",
    "tests/test_serving.py": "dbt_project_target",
}
BUILDS_FIRST = ("tests/test_pipeline.py", "tests/test_national_pipeline.py")
# TIME_BUDGETS: wall seconds per test file on the 2-core CI machine under `make test`, setup included
# (the first file to need a shared build pays for it). The table at the end of the run compares.
TIME_BUDGETS = {
    "tests/test_allocation.py": 30,
    "tests/test_hostile_input.py": 90,
    "tests/test_dagster_ui.py": 90,
    "tests/test_bonus_explain.py": 10,
    "tests/test_bonus_period.py": 20,
    "tests/test_bonus_reconciliation_property.py": 60,
    "tests/test_bonus_workflow.py": 420,
    "tests/test_catalogue.py": 30,
    "tests/test_cli_points.py": 20,
    "tests/test_code_lists.py": 40,
    "tests/test_dbt_unit_tests.py": 75,
    "tests/test_definitions.py": 60,
    "tests/test_deploy_config.py": 5,
    "tests/test_dq.py": 260,
    "tests/test_dq_dbt_results.py": 5,
    "tests/test_extraction.py": 30,
    "tests/test_extraction_kill.py": 30,
    "tests/test_intake.py": 30,
    "tests/test_kpi_config.py": 30,
    "tests/test_mapping_review.py": 20,
    "tests/test_national_filings.py": 20,
    "tests/test_national_outputs.py": 20,
    "tests/test_national_pipeline.py": 240,
    "tests/test_odbc.py": 20,
    "tests/test_pipeline.py": 260,
    "tests/test_postgres_target.py": 90,
    "tests/test_reports_excel.py": 30,
    "tests/test_sensors.py": 10,
    "tests/test_serving.py": 30,
    "tests/test_settings.py": 15,
    "tests/test_simulator.py": 20,
    "tests/test_source_config.py": 5,
    "tests/test_staff_bonus_reconciliation_property.py": 40,
    "tests/test_superset.py": 200,
    "tests/test_superset_assets.py": 20,
    "tests/test_superset_dashboards.py": 150,
    "tests/test_wecom.py": 20,
}
DEFAULT_BUDGET = 30
# Fixtures that mean "needs a pipeline run or a server": such tests are `slow`, outside `make test-fast`.
HEAVY_FIXTURES = {"small_built", "national_built", "superset_stack"}


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def unit_of(nodeid: str) -> str:
    """The scheduling unit of a test: its file, or the FILE_GROUPS group of its file."""
    f = _file_of(nodeid)
    return FILE_GROUPS.get(f, f)


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FileGroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    return FileGroupScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    units = {item.nodeid: unit_of(item.nodeid) for item in items}
    cost: dict[str, float] = {}
    for item in items:
        if HEAVY_FIXTURES & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
    for f in {_file_of(n) for n in units}:
        cost[unit_of(f)] = cost.get(unit_of(f), 0) + TIME_BUDGETS.get(f, DEFAULT_BUDGET)

    def rank(item: pytest.Item) -> tuple:
        unit = units[item.nodeid]
        first = BUILDS_FIRST.index(unit) if unit in BUILDS_FIRST else len(BUILDS_FIRST)
        return (first, -cost[unit], unit)

    items.sort(key=rank)  # stable: a file keeps its own order


_file_seconds: dict[str, float] = {}


def pytest_runtest_logreport(report):
    # On the xdist controller (or a plain run): every phase of every test, setup and teardown included.
    f = _file_of(report.nodeid)
    _file_seconds[f] = _file_seconds.get(f, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _file_seconds or hasattr(config, "workerinput"):
        return
    tr = terminalreporter
    tr.section("time per test file (seconds, setup included) against its budget (tests/conftest.py TIME_BUDGETS)")
    over = 0
    for f, s in sorted(_file_seconds.items(), key=lambda kv: -kv[1]):
        budget = TIME_BUDGETS.get(f, DEFAULT_BUDGET)
        flag = "  OVER BUDGET" if s > budget else ""
        over += bool(flag)
        tr.write_line(f"{s:8.1f} / {budget:4d}  {f}{flag}")
    tr.write_line(f"{sum(_file_seconds.values()):8.1f} s in test files; {over} file(s) over budget")
