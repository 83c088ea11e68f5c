"""``run_checks``: validate one partition of the warehouse and store the results (schema ``dq``)."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from connectors.warehouse import relation_exists
from expectations.check import Check
from expectations.outcome import Outcome, to_json
from expectations.registry import frame_for, select_checks
from expectations.sql_runner import bind, run_sql_check

# checks whose failing records are days: they feed dq_daily_metrics.anomaly_count
_DAY_ANOMALY_KEYS = ("day",)


@dataclass
class RunSummary:
    run_id: str
    partition: str
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (check_id, reason)
    seconds: float = 0.0

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed]

    @property
    def blocking(self) -> bool:
        return any(o.check.severity == "error" for o in self.failed)

    def counts(self) -> Counter:
        """(category, severity, 'passed'|'failed') → number of checks."""
        return Counter(
            (o.check.category, o.check.severity, "passed" if o.passed else "failed") for o in self.outcomes
        )


def _month_bounds(partition: str) -> tuple[date, date]:
    y, m = int(partition[:4]), int(partition[5:7])
    return date(y, m, 1), date(y + (m == 12), m % 12 + 1, 1)


def new_run_id() -> str:
    return datetime.now().strftime("%Y%m%dT%H%M%S-") + uuid.uuid4().hex[:6]


def run_checks(
    warehouse_path: Path | str,
    partition: str,
    layers=("raw", "staging"),
    systems=None,
    *,
    run_id: str | None = None,
    con=None,
) -> RunSummary:
    """Run the selected checks on ``partition`` ('YYYY-MM') and append the results to ``dq``.

    Raw batches are the rows ``WHERE _partition = partition`` (dictionaries: ``_all``); staging
    batches are the rows whose ``source_partition`` is the partition. Checks on a table that does
    not exist (e.g. staging before the first dbt build) are skipped and listed in the summary.
    All rows of the run are written in one transaction.
    """
    import duckdb

    from expectations import store
    from expectations.daily_metrics import daily_metrics

    t0 = time.perf_counter()
    start, end = _month_bounds(partition)
    params = {"partition": partition, "start": start.isoformat(), "end": end.isoformat()}
    summary = RunSummary(run_id or new_run_id(), partition)
    own = con is None
    con = con or duckdb.connect(str(warehouse_path))
    try:
        checks = select_checks(tuple(layers), tuple(systems) if systems else None)
        gx_groups: dict[tuple, list[Check]] = {}
        for c in checks:
            if c.kind == "gx":
                gx_groups.setdefault((c.layer, c.system, c.table), []).append(c)
        if gx_groups:
            from expectations.gx_runner import validate_frame

            for key, group in gx_groups.items():
                frame = frame_for(*key)
                schema = f"raw_{frame.system}" if frame.layer == "raw" else "staging"
                if not relation_exists(con, schema, frame.table):
                    summary.skipped += [(c.check_id, f"表 {schema}.{frame.table} 不存在") for c in group]
                    continue
                df = con.execute(frame.sql, bind(frame.sql, params)).df()
                summary.outcomes += validate_frame(df, frame, group, partition)
        for c in checks:
            if c.kind != "sql":
                continue
            try:
                summary.outcomes.append(run_sql_check(con, c, params))
            except duckdb.CatalogException as e:
                summary.skipped.append((c.check_id, f"缺少表：{str(e).splitlines()[0]}"))
        checked_at = datetime.now()
        results, failing, anomalies = [], [], Counter()
        for o in summary.outcomes:
            c = o.check
            results.append(
                {
                    "run_id": summary.run_id,
                    "partition": partition,
                    "check_id": c.check_id,
                    "check_name": c.name_zh,
                    "category": c.category,
                    "severity": c.severity,
                    "layer": c.layer,
                    "system": c.system,
                    "table_name": c.table,
                    "observed_value": o.observed_value,
                    "threshold": c.threshold,
                    "passed": o.passed,
                    "failing_count": o.failing_count,
                    "failing_sample": o.sample_json(),
                    "expectation_type": o.expectation_type,
                    "checked_at": checked_at,
                }
            )
            if o.passed:
                continue
            for keys, detail in o.records:
                failing.append(
                    {
                        "run_id": summary.run_id,
                        "partition": partition,
                        "check_id": c.check_id,
                        "source_system": c.system,
                        "table_name": c.table,
                        "record_keys": to_json(keys),
                        "detail": to_json(detail),
                    }
                )
                day = keys.get("day") or keys.get("census_date")
                if day and c.layer == "raw":
                    anomalies[(c.system, c.table, str(day)[:10])] += 1
        metrics = (
            daily_metrics(con, partition, params, systems, summary.run_id, anomalies)
            if "raw" in layers
            else []
        )
        store.write_run(con, results, failing, metrics)
    finally:
        if own:
            con.close()
    summary.seconds = time.perf_counter() - t0
    return summary
