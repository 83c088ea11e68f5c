"""Extraction from the demo SQLite sources into DuckDB: complete, idempotent, logged."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from connectors.extract import ExtractionError, extract_system
from connectors.source_config import load_sources, period_range
from connectors.warehouse import DuckDBWarehouse

from conftest import SMALL_PERIODS, source_count, window_where


@pytest.fixture()
def landed(small_demo_dir: Path, tmp_path: Path):
    wh_path = tmp_path / "wh.duckdb"
    sources = load_sources()
    periods = period_range(*SMALL_PERIODS)
    with DuckDBWarehouse(wh_path) as wh:
        for spec in sources.values():
            extract_system(spec, periods, wh, data_dir=small_demo_dir, chunk_rows=5_000)
    return wh_path


def _count(wh_path: Path, sql: str) -> int:
    con = duckdb.connect(str(wh_path), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_every_table_lands_with_all_source_rows(small_demo_dir: Path, landed: Path):
    for system, spec in load_sources().items():
        for t in spec.tables:
            src = source_count(small_demo_dir, system, f'SELECT count(*) FROM "{t.name}"' + window_where(t, *SMALL_PERIODS))
            raw = _count(landed, f"SELECT count(*) FROM raw_{system}.{t.raw_name}")
            assert raw == src > 0, f"{system}.{t.name}: source {src}, raw {raw}"


def test_partition_boundaries_are_half_open(small_demo_dir: Path, landed: Path):
    # October's charge lines are exactly those with 2025-10-01 <= SFSJ < 2025-11-01 in the source.
    src = source_count(
        small_demo_dir, "his", "SELECT count(*) FROM FY_SFMX WHERE SFSJ >= '2025-10-01' AND SFSJ < '2025-11-01'"
    )
    raw = _count(landed, "SELECT count(*) FROM raw_his.fy_sfmx WHERE _partition = '2025-10'")
    assert raw == src > 0
    assert _count(landed, "SELECT count(*) FROM raw_his.fy_sfmx WHERE substr(sfsj, 1, 7) <> _partition") == 0


def test_rerun_replaces_partition_without_duplicates(small_demo_dir: Path, landed: Path):
    before = _count(landed, "SELECT count(*) FROM raw_his.fy_sfmx")
    with DuckDBWarehouse(landed) as wh:
        res = extract_system(load_sources()["his"], period_range("2025-11", "2025-11"), wh, data_dir=small_demo_dir)
    assert {r.partition for r in res} == {"_all", "2025-11"}
    assert _count(landed, "SELECT count(*) FROM raw_his.fy_sfmx") == before
    assert _count(landed, "SELECT count(*) - count(DISTINCT mxxh) FROM raw_his.fy_sfmx") == 0
    # The rerun's rows carry the new batch id; other months keep theirs.
    assert _count(landed, "SELECT count(DISTINCT _batch_id) FROM raw_his.fy_sfmx") == 2


def test_extraction_log_records_rows_per_table_and_batch(landed: Path):
    con = duckdb.connect(str(landed), read_only=True)
    try:
        rows = con.execute(
            "SELECT system, table_name, partition_key, rows_read, rows_written, status FROM raw_meta.extraction_log "
            "WHERE table_name = 'fy_sfmx' ORDER BY partition_key"
        ).fetchall()
        landed_rows = dict(
            con.execute("SELECT _partition, count(*) FROM raw_his.fy_sfmx GROUP BY 1").fetchall()
        )
    finally:
        con.close()
    assert [r[2] for r in rows] == ["2025-10", "2025-11", "2025-12"]
    for _, _, part, read, written, status in rows:
        assert status == "success" and read == written == landed_rows[part]


def test_missing_source_column_fails_cleanly_and_keeps_old_rows(small_demo_dir: Path, tmp_path: Path):
    import shutil
    import sqlite3

    broken = tmp_path / "broken"
    (broken / "sources").mkdir(parents=True)
    shutil.copy(small_demo_dir / "sources" / "beds.sqlite", broken / "sources" / "beds.sqlite")
    spec = load_sources()["beds"]
    with DuckDBWarehouse(tmp_path / "wh.duckdb") as wh:
        extract_system(spec, period_range("2025-10", "2025-10"), wh, data_dir=broken)
        good = wh.query("SELECT count(*) FROM raw_beds.nis_bed_census")[0][0]
        con = sqlite3.connect(broken / "sources" / "beds.sqlite")
        con.execute("ALTER TABLE nis_bed_census RENAME COLUMN occupied_beds TO occupied")
        con.commit()
        con.close()
        with pytest.raises(ExtractionError, match="表 nis_bed_census（床位日报），分区 2025-10：源表缺少契约列：occupied_beds"):
            extract_system(spec, period_range("2025-10", "2025-10"), wh, data_dir=broken, tables=["nis_bed_census"])
        assert wh.query("SELECT count(*) FROM raw_beds.nis_bed_census")[0][0] == good > 0
        assert wh.query(
            "SELECT status FROM raw_meta.extraction_log WHERE table_name = 'nis_bed_census' ORDER BY started_at DESC LIMIT 1"
        )[0][0] == "failed"
