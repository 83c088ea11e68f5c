"""Built test data shared by the whole test run (docs/testing.md).

A *built* data folder is generated and, for the warehouses, run through the real pipeline ONCE per
test run, whatever the number of pytest-xdist workers: the first worker that needs it takes a file
lock and builds it under the run's shared temporary folder, the others wait and then read what it
left (a ``built.json`` marker holds the outcome of the build, failures included, so a failed build
is reported to every test that needs it instead of being rebuilt).

Rules (checked: the fingerprint of the warehouse files is compared when the run ends):
- a test that only reads uses ``BuiltData.data`` directly, and opens DuckDB read-only;
- a test that changes anything (a bonus run, a close, a KPI rerun, a re-extraction, an intake load,
  ``dbt`` against the warehouse) works on ``BuiltData.copy_to(its own folder)``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import duckdb
from filelock import FileLock

REPO = Path(__file__).resolve().parent.parent

# The small demo hospital: 3 months, 60 beds, 5 % of the volumes.
SMALL_DEMO = {"beds": 60, "months": 3, "scale": 0.05, "seed": 7, "end_month": "2025-12"}
SMALL_PERIODS = ("2025-10", "2025-12")
# The national demo: 14 months, so 2025 is a whole year compared with November–December 2024.
NATIONAL_DEMO = {"beds": 60, "months": 14, "scale": 0.05, "seed": 7, "end_month": "2025-12"}
NATIONAL_PERIODS = ("2024-11", "2025-12")

# Files whose change means a test wrote into shared data.
GUARDED = ("warehouse.duckdb", "serving.duckdb")
# Variables an operator's shell may hold that must not leak into a test's `jixiao`.
_PRIVATE = ("JIXIAO_WAREHOUSE", "JIXIAO_SERVING_DB", "JIXIAO_SUPERSET_HOME", "DAGSTER_HOME", "DBT_TARGET_PATH", "DBT_LOG_PATH",
            "JIXIAO_DBT_UNIT_TESTS")


def pipeline_env(data: Path, **extra: str) -> dict[str, str]:
    """The environment of a `jixiao` subprocess working on the data folder ``data``.

    dbt's target folder is inside ``data`` (``DBT_TARGET_PATH``): two pipelines of one test run never
    write the same manifest.json, and a copied data folder keeps its partial-parse state."""
    env = {k: v for k, v in os.environ.items() if k not in _PRIVATE}
    env.update(JIXIAO_DATA_DIR=str(data), DBT_TARGET_PATH=str(data / "dbt_target"), DBT_LOG_PATH=str(data / "dbt_target"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    env.update(extra)
    return env


def run_jixiao(args: list[str], env: dict) -> subprocess.CompletedProcess:
    """`jixiao …` as an operator runs it: a subprocess in the repo, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args], cwd=REPO, env=env, capture_output=True, text=True
    )


def jixiao_in(args: list[str], data: Path) -> subprocess.CompletedProcess:
    """`jixiao …` on the data folder ``data`` (its own environment, see pipeline_env)."""
    return run_jixiao(args, pipeline_env(data))


def query_duckdb(path: Path, sql: str, params=None) -> list[tuple]:
    """Rows of ``sql`` on the DuckDB file ``path``, opened read-only (shared files are read so)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def query_warehouse(data: Path, sql: str, params=None) -> list[tuple]:
    """Rows of ``sql`` on ``data``/warehouse.duckdb, opened read-only."""
    return query_duckdb(data / "warehouse.duckdb", sql, params)


def dbt_artefacts(target: Path, run_results: Path | None = None) -> tuple[dict, list[dict]]:
    """(manifest.json of the dbt target folder ``target``, the results of its run_results.json, or of
    ``run_results`` when a Dagster build left it in a sub-folder)."""
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    results = json.loads((run_results or target / "run_results.json").read_text(encoding="utf-8"))["results"]
    return manifest, results


def unit_test_statuses(results: list[dict]) -> dict[str, str]:
    """unit test → status, of the unit tests a dbt run executed."""
    return {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}


@dataclass(frozen=True)
class BuiltData:
    """A data folder (``JIXIAO_DATA_DIR``) and the outcome of the command that built it."""

    name: str
    data: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    fingerprint: dict

    @property
    def env(self) -> dict[str, str]:
        return pipeline_env(self.data)

    @property
    def warehouse(self) -> Path:
        return self.data / "warehouse.duckdb"

    @property
    def output(self) -> str:
        """The tail of the build's output, for assertion messages."""
        return self.stdout[-4000:] + self.stderr[-4000:]

    def query(self, sql: str, params=None) -> list[tuple]:
        return query_warehouse(self.data, sql, params)

    def copy_to(self, dest: Path) -> BuiltData:
        """A private copy for a test that changes state; ``dest`` must not exist yet."""
        shutil.copytree(self.data, dest, symlinks=True)
        return replace(self, data=dest, fingerprint=fingerprint(dest))

    def check_unchanged(self) -> None:
        now = fingerprint(self.data)
        assert now == self.fingerprint, (
            f"共享测试数据 {self.name} 被测试改动（{self.data}）：{self.fingerprint} → {now}。"
            "会改动数据的测试必须先 copy_to 自己的目录（docs/testing.md）"
        )


def fingerprint(data: Path) -> dict:
    out = {}
    for name in GUARDED:
        p = data / name
        if p.exists():
            st = p.stat()
            out[name] = [st.st_size, st.st_mtime_ns]
    return out


def shared_root(tmp_path_factory) -> Path:
    """The folder every xdist worker of this run sees (the parent of the workers' own base temps)."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    root.mkdir(parents=True, exist_ok=True)
    return root


Builder = Callable[[Path], tuple[int, str, str]]


def build_once(root: Path, name: str, build: Builder) -> BuiltData:
    """``build(data)`` once per test run under ``root/name``; every later caller gets the same result
    (a builder that raised is recorded as return code -1 with its traceback)."""
    folder = root / name
    marker = folder / "built.json"
    with FileLock(str(root / f"{name}.lock")):
        if not marker.exists():
            if folder.exists():  # a build that crashed half-way in this run: start again
                shutil.rmtree(folder)
            data = folder / "data"
            data.mkdir(parents=True)
            t0 = time.perf_counter()
            try:
                returncode, stdout, stderr = build(data)
            except Exception:  # noqa: BLE001 — recorded: every test that needs it fails with this traceback
                returncode, stdout, stderr = -1, "", traceback.format_exc()
            built = BuiltData(name, data, returncode, stdout, stderr, round(time.perf_counter() - t0, 1),
                              fingerprint(data))
            doc = {**asdict(built), "data": str(data)}
            marker.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    doc = json.loads(marker.read_text(encoding="utf-8"))
    return BuiltData(**{**doc, "data": Path(doc["data"])})


# -- builders -------------------------------------------------------------------------------------
def generate_sources(params: dict) -> Builder:
    """The demo's source systems only (``sources/*.sqlite``)."""

    def build(data: Path) -> tuple[int, str, str]:
        from simulator.generate import generate

        report = generate(data, **params)
        return 0, str(report), ""

    return build


def demo_sources(sources: BuiltData, params: dict) -> Builder:
    """What `jixiao demo-sources` leaves: the generated sources plus the demo's filings in the inbox."""

    def build(data: Path) -> tuple[int, str, str]:
        from simulator.filings import write_demo_filings

        assert sources.returncode == 0, f"{sources.name} failed: {sources.output}"
        shutil.copytree(sources.data / "sources", data / "sources")
        files, national = write_demo_filings(data, end_month=params["end_month"], months=params["months"],
                                             seed=params["seed"])
        return 0, f"{len(files)} satisfaction files, {len(national)} national filings", ""

    return build


def pipeline(sources: BuiltData, first: str, last: str) -> Builder:
    """A copy of ``sources`` run through `jixiao run --period first --to last` (Dagster, in a subprocess)."""

    def build(data: Path) -> tuple[int, str, str]:
        assert sources.returncode == 0, f"{sources.name} failed: {sources.output}"
        shutil.rmtree(data)
        shutil.copytree(sources.data, data, symlinks=True)
        proc = jixiao_in(["run", "--period", first, "--to", last], data)
        return proc.returncode, proc.stdout, proc.stderr

    return build
