"""The ODBC path (pyodbc → unixODBC) against the machine's PostgreSQL (psqlODBC) and MariaDB
(MariaDB Connector/ODBC), compared row for row and cent for cent with the source."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from connectors.extract import extract_system
from connectors.source_config import load_sources, period_range
from connectors.warehouse import DuckDBWarehouse

from conftest import SMALL_DEMO, SMALL_PERIODS, mariadb_admin_exec, pg_admin_exec, window_where

DB = "jixiao_odbc_src"
SMALL_HIS = {**SMALL_DEMO, "months": 2, "end_month": SMALL_PERIODS[1]}
FIRST = "2025-11"


@pytest.fixture(scope="module")
def pg_source():
    from simulator.generate import generate

    pg_admin_exec(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    pg_admin_exec(f"CREATE DATABASE {DB}")
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"
    generate({"his": url}, **SMALL_HIS)
    yield url
    pg_admin_exec(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


@pytest.fixture(scope="module")
def mariadb_source():
    from simulator.generate import generate

    mariadb_admin_exec(f"DROP DATABASE IF EXISTS {DB}")
    mariadb_admin_exec(f"CREATE DATABASE {DB} CHARACTER SET utf8mb4")
    url = f"mysql+pymysql://root@127.0.0.1:3306/{DB}?charset=utf8mb4"
    generate({"his": url}, **SMALL_HIS)
    yield url
    mariadb_admin_exec(f"DROP DATABASE IF EXISTS {DB}")


def _source_facts(url: str) -> dict:
    import sqlalchemy as sa

    eng = sa.create_engine(url)
    q = '"' if eng.dialect.name == "postgresql" else "`"
    facts = {}
    with eng.connect() as c:
        for t in load_sources()["his"].tables:
            where = window_where(t, FIRST, SMALL_PERIODS[1], quote=q)
            facts[t.raw_name] = c.execute(sa.text(f"SELECT count(*) FROM {q}{t.name}{q}{where}")).scalar()
        where = window_where(load_sources()["his"].table("FY_SFMX"), FIRST, SMALL_PERIODS[1], quote=q)
        facts["amount"] = Decimal(c.execute(sa.text(f"SELECT sum({q}JE{q}) FROM {q}FY_SFMX{q}{where}")).scalar())
    eng.dispose()
    return facts


def _extract_and_compare(tmp_path: Path, env: dict, url: str, reader_kind: str, prefer: str = "auto") -> None:
    facts = _source_facts(url)
    with DuckDBWarehouse(tmp_path / "wh.duckdb") as wh:
        results = extract_system(
            load_sources()["his"], period_range(FIRST, SMALL_PERIODS[1]), wh, env=env, chunk_rows=1_000,
            reader=prefer,
        )
        assert {r.reader for r in results} == {reader_kind}
        for t in load_sources()["his"].tables:
            n = wh.query(f"SELECT count(*) FROM raw_his.{t.raw_name}")[0][0]
            assert n == facts[t.raw_name] > 0, t.name
        amount = wh.query("SELECT sum(cast(je AS DECIMAL(18,2))) FROM raw_his.fy_sfmx")[0][0]
        assert amount == facts["amount"]
        # Chinese text survives the driver round trip.
        assert wh.query("SELECT count(*) FROM raw_his.gy_ksdm WHERE ksmc = '针灸科'")[0][0] == 1


@pytest.mark.odbc
def test_odbc_postgresql(pg_source: str, tmp_path: Path):
    conn = f"Driver={{PostgreSQL Unicode}};Server=127.0.0.1;Port=5432;Database={DB};Uid=postgres;Pwd=;"
    _extract_and_compare(tmp_path, {"JIXIAO_SRC_HIS_ODBC": conn}, pg_source, "odbc")


@pytest.mark.odbc
def test_odbc_mariadb(mariadb_source: str, tmp_path: Path):
    conn = f"Driver={{MariaDB Unicode}};Server=127.0.0.1;Port=3306;Database={DB};Uid=root;Pwd=;CharSet=utf8mb4;"
    _extract_and_compare(tmp_path, {"JIXIAO_SRC_HIS_ODBC": conn}, mariadb_source, "odbc")


@pytest.mark.postgres
def test_sqlalchemy_postgresql_server_cursor(pg_source: str, tmp_path: Path):
    _extract_and_compare(tmp_path, {"JIXIAO_SRC_HIS_URL": pg_source}, pg_source, "sqlalchemy", prefer="sqlalchemy")


@pytest.mark.postgres
def test_postgresql_copy_fast_path_is_the_default(pg_source: str, tmp_path: Path):
    _extract_and_compare(tmp_path, {"JIXIAO_SRC_HIS_URL": pg_source}, pg_source, "pgcopy")


@pytest.mark.postgres
def test_sqlalchemy_mariadb_server_cursor(mariadb_source: str, tmp_path: Path):
    _extract_and_compare(tmp_path, {"JIXIAO_SRC_HIS_URL": mariadb_source}, mariadb_source, "sqlalchemy")
