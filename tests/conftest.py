"""Shared fixtures: a small deterministic demo hospital, generated once per test session."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
SMALL_DEMO = {"beds": 60, "months": 3, "scale": 0.05, "seed": 7, "end_month": "2025-12"}
SMALL_PERIODS = ("2025-10", "2025-12")

# A fixed, test-only salt: dbt refuses to pseudonymise without one.
os.environ.setdefault("JIXIAO_PSEUDONYM_SALT", "pytest-only-salt-0123456789")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# Tests choose their own warehouse: an operator's JIXIAO_WAREHOUSE in the shell must not leak in.
os.environ.pop("JIXIAO_WAREHOUSE", None)


@pytest.fixture(scope="session")
def small_demo_dir(tmp_path_factory) -> Path:
    """Data dir with the small demo hospital's source SQLite files (read-only for tests)."""
    from simulator.generate import generate

    d = tmp_path_factory.mktemp("demo")
    generate(d, **SMALL_DEMO)
    return d


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


def run_jixiao(args: list[str], env: dict) -> subprocess.CompletedProcess:
    """`jixiao …` as an operator runs it: a subprocess in the repo, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args], cwd=REPO, env=env, capture_output=True, text=True
    )


def assert_ok(proc: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return proc


def query_warehouse(data: Path, sql: str, params=None) -> list[tuple]:
    """Rows of ``sql`` on ``data``/warehouse.duckdb, opened read-only."""
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
