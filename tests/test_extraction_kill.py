"""Kill the extraction mid-partition (SIGKILL, a real subprocess), rerun: no duplicate, no missing row."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb

from conftest import REPO, pipeline_env, source_count

MONTH = "2025-11"
SRC_SQL = f"SELECT count(*) FROM FY_SFMX WHERE SFSJ >= '{MONTH}-01' AND SFSJ < '2025-12-01'"


def _extract_cmd(wh: Path) -> list[str]:
    return [
        sys.executable, "-m", "orchestration.cli", "extract", "--system", "his", "--period", MONTH,
        "--table", "FY_SFMX", "--chunk-rows", "50", "--warehouse", str(wh), "--verbose", "--pause-ms", "50",
    ]


def _kill_after_chunks(cmd: list[str], env: dict, chunks: int) -> int:
    """Start the extraction, SIGKILL it once it has streamed `chunks` chunks; return chunks seen."""
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seen = 0
    try:
        for line in proc.stdout:
            if line.startswith("chunk FY_SFMX"):
                seen += 1
                if seen == chunks:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, f"extraction ended by itself (rc={proc.returncode}) before the kill"
    return seen


def _raw_counts(wh: Path) -> tuple[int, int]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema='raw_his' AND table_name='fy_sfmx'"
        ).fetchone()[0]
        if not exists:
            return 0, 0
        return con.execute(
            f"SELECT count(*), count(DISTINCT mxxh) FROM raw_his.fy_sfmx WHERE _partition = '{MONTH}'"
        ).fetchone()
    finally:
        con.close()


def test_kill_mid_partition_then_rerun(small_demo_dir: Path, tmp_path: Path):
    expected = source_count(small_demo_dir, "his", SRC_SQL)
    assert expected > 500, "the partition must span many chunks for the kill to land mid-partition"
    wh = tmp_path / "wh.duckdb"
    # Its own data folder; the shared demo sources are only read (through the source URL).
    env = pipeline_env(tmp_path / "data", JIXIAO_SRC_HIS_URL=f"sqlite:///{small_demo_dir / 'sources' / 'his.sqlite'}")

    # 1. First extraction killed half-way: nothing of the partition is visible.
    _kill_after_chunks(_extract_cmd(wh), env, chunks=5)
    assert _raw_counts(wh) == (0, 0)

    # 2. Rerun to completion: every source row exactly once.
    subprocess.run(_extract_cmd(wh), cwd=REPO, env=env, check=True, capture_output=True)
    assert _raw_counts(wh) == (expected, expected)

    # 3. A later re-extraction killed half-way keeps the previous complete partition.
    _kill_after_chunks(_extract_cmd(wh), env, chunks=5)
    assert _raw_counts(wh) == (expected, expected)

    # 4. And a rerun after that still gives each row once.
    subprocess.run(_extract_cmd(wh), cwd=REPO, env=env, check=True, capture_output=True)
    assert _raw_counts(wh) == (expected, expected)
