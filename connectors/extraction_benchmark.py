"""Extraction benchmark (抽取性能基准): rows/s and peak memory of each reader path.

``make bench`` (or ``python -m connectors.extraction_benchmark``) measures the HIS charge lines
(FY_SFMX, all months) landed into a fresh DuckDB file through:

* the demo SQLite file (SQLAlchemy cursor),
* PostgreSQL with COPY (``pgcopy``, the default for PostgreSQL URLs),
* PostgreSQL with a server-side cursor (``sqlalchemy``),
* PostgreSQL through unixODBC + psqlODBC (``odbc``, pyodbc).

Each path runs in its own process (``jixiao extract --stats-json``), so peak RSS is that path's.
The PostgreSQL copy of the HIS is generated with the same parameters as the SQLite one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DB = "jixiao_bench_src"


def _extract(env: dict, first: str, last: str, reader: str, warehouse: Path) -> dict:
    cmd = [
        sys.executable, "-m", "orchestration.cli", "extract", "--system", "his", "--table", "FY_SFMX",
        "--period", first, "--to", last, "--warehouse", str(warehouse), "--reader", reader, "--stats-json",
    ]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--beds", type=int, default=200)
    p.add_argument("--months", type=int, default=24)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=20240101)
    p.add_argument("--end-month", default="2025-12")
    p.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/" + BENCH_DB)
    p.add_argument("--out", default=str(REPO / "data" / "bench" / "extraction.json"))
    args = p.parse_args(argv)

    import psycopg

    from connectors.source_config import Period
    from simulator.generate import generate

    params = dict(beds=args.beds, months=args.months, scale=args.scale, seed=args.seed, end_month=args.end_month)
    last = Period.parse(args.end_month)
    first = last
    for _ in range(args.months - 1):
        first = first.previous()

    work = Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    t0 = time.perf_counter()
    report = generate(work, **params)
    gen_secs = time.perf_counter() - t0
    print(f"generated SQLite sources in {gen_secs:.1f} s", flush=True)

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        con.execute(f"CREATE DATABASE {BENCH_DB}")
    generate({"his": args.pg}, **params)
    print("loaded the HIS into PostgreSQL", flush=True)

    base = {**os.environ, "JIXIAO_DATA_DIR": str(work), "JIXIAO_PSEUDONYM_SALT": "benchmark-only-salt-000000"}
    odbc = f"Driver={{PostgreSQL Unicode}};Server=127.0.0.1;Port=5432;Database={BENCH_DB};Uid=postgres;Pwd=;"
    paths = [
        ("sqlite / sqlalchemy cursor", base, "sqlalchemy"),
        ("postgresql / COPY (pgcopy)", {**base, "JIXIAO_SRC_HIS_URL": args.pg}, "pgcopy"),
        ("postgresql / server-side cursor", {**base, "JIXIAO_SRC_HIS_URL": args.pg}, "sqlalchemy"),
        ("postgresql / pyodbc + psqlODBC", {**base, "JIXIAO_SRC_HIS_ODBC": odbc}, "odbc"),
    ]
    results = []
    for label, env, reader in paths:
        wh = work / f"bench-{reader}-{len(results)}.duckdb"
        r = _extract(env, first.key, last.key, reader, wh)
        r["path"] = label
        results.append(r)
        wh.unlink(missing_ok=True)
        print(f"{label:34s} {r['rows']:>10,} rows {r['seconds']:>7.1f} s {r['rows_per_second']:>10,} rows/s "
              f"peak RSS {r['peak_rss_mb']:>7.1f} MB", flush=True)

    out = {
        "parameters": params,
        "generator": {"seconds": round(gen_secs, 1), "report": report.as_dict() if hasattr(report, "as_dict") else str(report)},
        "extraction": results,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(f"written {args.out}")
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
