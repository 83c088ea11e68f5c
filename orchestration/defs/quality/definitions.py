"""Data quality (数据质量): the quality run as a Dagster asset, between extraction and dbt.

Asset ``dq/dq_check_results`` runs every check of ``expectations/`` on the run's partitions of the
landed (raw) layer and writes ``dq.*``. dbt reads it (source ``dq``, model
``int_bonus__blocked_periods``), so Dagster orders it before the dbt build, and a period whose latest
run has a failed error-severity check gets no bonus while the other periods of the same run complete.
Asset checks report each Kahn category (completeness, conformance, plausibility) with the severity
of its worst failure; they do not block the run — blocking is per period, through the data.
"""

import dagster as dg

from connectors.source_config import load_sources, period_range
from orchestration.defs.extraction.assets import raw_asset_key
from orchestration.defs.extraction.resources import WarehouseResource
from orchestration.defs.partitions import monthly_partitions
from orchestration.settings import warehouse_path

DQ_KEY = dg.AssetKey(["dq", "dq_check_results"])
CATEGORIES = ("completeness", "conformance", "plausibility")
CATEGORY_NAMES = {"completeness": "完整性", "conformance": "一致性", "plausibility": "合理性"}


def _raw_keys() -> list[dg.AssetKey]:
    return [raw_asset_key(s.system, t.name) for s in load_sources().values() for t in s.tables]


@dg.asset(
    key=DQ_KEY,
    group_name="quality",
    kinds={"duckdb", "python"},
    deps=_raw_keys(),
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    description="数据质量检查（Great Expectations 与 SQL 规则）：完整性、一致性、合理性；结果写入 dq.*",
    check_specs=[
        dg.AssetCheckSpec(name=f"dq_{c}", asset=DQ_KEY, description=f"{CATEGORY_NAMES[c]}检查") for c in CATEGORIES
    ],
    op_tags={"jixiao/layer": "quality"},
)
def dq_check_results(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    from expectations import run_checks

    target = warehouse.target or str(warehouse_path())
    keyrange = context.partition_key_range
    periods = [p.key for p in period_range(keyrange.start, keyrange.end)]
    failed: dict[str, list[tuple[str, str, str]]] = {c: [] for c in CATEGORIES}
    checked = 0
    for period in periods:
        summary = run_checks(target, period, layers=("raw",))
        for o in summary.outcomes:
            checked += 1
            if not o.passed:
                failed[o.check.category].append((period, o.check.check_id, o.check.severity))
        _alert_errors(context, period, summary)
        context.log.info(
            f"数据质量 {period}：{len(summary.outcomes)} 项检查，未通过 {len(summary.failed)} 项"
            + ("（有错误级别问题，该期间奖金核算将被阻断）" if summary.blocking else "")
            + f"，用时 {summary.seconds:.1f} 秒"
        )
    yield dg.MaterializeResult(
        metadata={
            "partitions": dg.MetadataValue.int(len(periods)),
            "checks_run": dg.MetadataValue.int(checked),
            "failed": dg.MetadataValue.int(sum(len(v) for v in failed.values())),
        }
    )
    for c in CATEGORIES:
        errors = [f for f in failed[c] if f[2] == "error"]
        yield dg.AssetCheckResult(
            check_name=f"dq_{c}",
            asset_key=DQ_KEY,
            passed=not failed[c],
            severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
            metadata={
                "failed_checks": dg.MetadataValue.int(len(failed[c])),
                "blocked_periods": dg.MetadataValue.text(", ".join(sorted({f[0] for f in errors})) or "-"),
                "first_failures": dg.MetadataValue.text(
                    "; ".join(f"{p} {cid}（{sev}）" for p, cid, sev in failed[c][:10]) or "-"
                ),
            },
        )


def _alert_errors(context, period: str, summary) -> None:
    """Error-severity failures go to the 绩效办 (WeCom, routing tier quality); duplicates are suppressed
    by the notifier. A notification problem never fails the quality run."""
    from connectors.notifiers import notice_quality_failure, notify

    for o in summary.failed:
        if o.check.severity != "error":
            continue
        try:
            notify(
                notice_quality_failure(
                    period, o.check.check_id, o.check.category, o.check.severity, o.observed_value,
                    o.check.threshold, f"{o.check.system}.{o.check.table}",
                )
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 — alerts must not break the pipeline
            context.log.warning(f"质量告警发送失败：{type(exc).__name__}")


defs = dg.Definitions(assets=[dq_check_results])
