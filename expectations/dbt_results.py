"""dbt data-test results into ``dq.dq_check_results`` — one place for both kinds of result.

GX and SQL checks watch the landed and staging partitions; dbt's data tests watch the intermediate
and mart models (uniqueness, not-null, relationships, reconciliation identities …). After every dbt
build the pipeline lands the tests' outcomes here, with layer ``dbt`` and partition ``_all`` (dbt
tests cover the whole model, not one month — so they never block a single period's bonus; a
failing error-severity dbt test fails the build itself). Category by test type (Kahn):

* not_null → completeness
* relationships, accepted_values → conformance
* unique, jx_unique_combination, jx_no_overlapping_ranges, jx_expression_is_true, singular tests
  (reconciliations such as assert_bonus_pool_reconciles) → plausibility
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

CATEGORY_BY_TEST = {
    "not_null": "completeness",
    "relationships": "conformance",
    "accepted_values": "conformance",
    "unique": "plausibility",
    "jx_unique_combination": "plausibility",
    "jx_no_overlapping_ranges": "plausibility",
    "jx_expression_is_true": "plausibility",
}
PARTITION = "_all"


def dbt_test_rows(run_results: dict, manifest: dict, checked_at: datetime | None = None) -> list[dict]:
    """One dq_check_results row per data test that ran (unit tests and skipped tests are left out)."""
    nodes = manifest.get("nodes", {})
    run_id = "dbt-" + run_results.get("metadata", {}).get("invocation_id", "unknown")
    at = checked_at or datetime.now()
    rows = []
    for r in run_results.get("results", []):
        uid = r.get("unique_id", "")
        status = r.get("status")
        if not uid.startswith("test.") or status in ("skipped", None):
            continue
        node = nodes.get(uid, {})
        test_type = (node.get("test_metadata") or {}).get("name") or "singular"
        models = [
            d.split(".")[-1] for d in node.get("depends_on", {}).get("nodes", []) if d.startswith("model.")
        ]
        failures = int(r.get("failures") or 0)
        rows.append(
            {
                "run_id": run_id,
                "partition": PARTITION,
                "check_id": "dbt." + node.get("name", uid.split(".")[-1]),
                "check_name": node.get("name", uid),
                "category": CATEGORY_BY_TEST.get(test_type, "plausibility"),
                "severity": str(node.get("config", {}).get("severity", "error")).lower(),
                "layer": "dbt",
                "system": "dbt",
                "table_name": ",".join(models) or None,
                "observed_value": str(failures) if status != "error" else (r.get("message") or "error")[:500],
                "threshold": "0",
                "passed": status == "pass",
                "failing_count": failures,
                "failing_sample": None,
                "expectation_type": f"dbt:{test_type}",
                "checked_at": at,
            }
        )
    return rows


def land_dbt_results(path: Path | str, run_results: dict, manifest: dict) -> int:
    """Append the build's test outcomes to dq.dq_check_results (one transaction). Returns rows written."""
    import duckdb

    from expectations.store import write_run

    rows = dbt_test_rows(run_results, manifest)
    if not rows:
        return 0
    con = duckdb.connect(str(path))
    try:
        write_run(con, rows, [], [])
    finally:
        con.close()
    return len(rows)
