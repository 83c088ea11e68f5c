"""`make dagster` (`jixiao dagster`) opens the same Dagster instance the `jixiao` command writes to:
the UI shows the demo's run and its materialised assets, not "Never materialized" (issue 15)."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import requests

from conftest import REPO, pipeline_env

RUNS = "{ runsOrError { ... on Runs { results { runId status jobName } } } }"
ASSET = """{ assetOrError(assetKey: {path: ["marts", "fct_dept_bonus_summary"]}) {
  ... on Asset { assetMaterializations(limit: 1) { runId timestamp } } } }"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    r = requests.post(f"http://127.0.0.1:{port}/graphql", json={"query": query}, timeout=30)
    r.raise_for_status()
    return r.json()["data"]


def test_the_ui_shows_the_demo_run_and_its_materialisations(small_built, tmp_path):
    data = small_built.copy_to(tmp_path / "data").data
    port = _free_port()
    env = pipeline_env(data)
    proc = subprocess.Popen([sys.executable, "-m", "orchestration.cli", "dagster", "--port", str(port)], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        runs = None
        while time.monotonic() < deadline:
            try:
                runs = _graphql(port, RUNS)["runsOrError"]["results"]
                break
            except (requests.ConnectionError, requests.HTTPError, KeyError, TypeError):
                assert proc.poll() is None, proc.stdout.read()[-4000:]
                time.sleep(2)
        assert runs, "Dagster UI did not answer within 180 s"
        db = sqlite3.connect(f"file:{data / 'dagster_home' / 'history' / 'runs.db'}?mode=ro", uri=True)
        instance_runs = {r[0] for r in db.execute("SELECT run_id FROM runs")}
        db.close()
        assert instance_runs
        assert {r["runId"] for r in runs} == instance_runs  # every run of the demo's instance, nothing else
        assert "SUCCESS" in {r["status"] for r in runs}
        materialised = _graphql(port, ASSET)["assetOrError"]["assetMaterializations"]
        assert len(materialised) == 1 and materialised[0]["runId"] in instance_runs
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
