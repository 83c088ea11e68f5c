"""How long each part of the last ``dbt build`` took (dbt 耗时), from its run_results.json.

Dagster-dbt writes one target folder per invocation under dbt's target folder (``dbt_project/target/``
unless ``DBT_TARGET_PATH`` says otherwise); the newest
run_results.json is the last build. Nodes are grouped by model folder (e.g. ``staging``,
``intermediate/workload``, ``marts/workload``), seeds, data tests and unit tests.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from orchestration.settings import dbt_target_path


def latest_run_results(target_dir: Path | None = None) -> Path | None:
    target_dir = target_dir or dbt_target_path()
    files = sorted(target_dir.glob("**/run_results.json"), key=lambda p: p.stat().st_mtime)
    return files[-1] if files else None


def _group(unique_id: str, node: dict | None) -> str:
    kind = unique_id.split(".", 1)[0]
    if kind == "model" and node:
        fqn = node.get("fqn", [])
        return "/".join(fqn[1:3]) if len(fqn) > 3 else (fqn[1] if len(fqn) > 2 else "models")
    return {"seed": "seeds", "test": "data tests", "unit_test": "unit tests"}.get(kind, kind)


def build_timings(run_results: Path | None = None) -> dict[str, tuple[int, float]]:
    """group → (nodes, seconds), summed over the nodes of the last dbt build."""
    run_results = run_results or latest_run_results()
    if run_results is None:
        return {}
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    manifest_file = run_results.parent / "manifest.json"
    if not manifest_file.exists():
        manifest_file = dbt_target_path() / "manifest.json"
    nodes = json.loads(manifest_file.read_text(encoding="utf-8")).get("nodes", {}) if manifest_file.exists() else {}
    out: dict[str, list] = defaultdict(lambda: [0, 0.0])
    for r in results:
        g = _group(r["unique_id"], nodes.get(r["unique_id"]))
        out[g][0] += 1
        out[g][1] += float(r.get("execution_time") or 0.0)
    return {k: (v[0], round(v[1], 2)) for k, v in sorted(out.items())}
