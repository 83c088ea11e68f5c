"""Manual intake (手工填报): an inbox folder watched by a sensor; files are validated and loaded
into ``raw_manual`` or quarantined with a Chinese error report (connectors/intake)."""


import dagster as dg

from connectors.intake import intake_folder
from orchestration.defs.extraction.resources import WarehouseResource
from orchestration.settings import intake_root, warehouse_path


def inbox_dir():
    d = intake_root() / "inbox"
    d.mkdir(parents=True, exist_ok=True)
    return d


@dg.asset(
    key=dg.AssetKey(["raw_manual", "intake"]),
    group_name="raw",
    kinds={"duckdb", "excel"},
    description="手工填报文件入库：校验通过的入 raw_manual，不通过的移入隔离区并生成错误报告",
)
def manual_intake(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    results = intake_folder(inbox_dir(), warehouse.target or str(warehouse_path()), intake_root())
    accepted = [r for r in results if r.status == "accepted"]
    rejected = [r for r in results if r.status != "accepted"]
    for r in rejected:
        context.log.warning(f"已隔离：{r.file}，{r.error_count} 个错误，报告 {r.report_path}")
    return dg.MaterializeResult(
        metadata={
            "files_accepted": len(accepted),
            "files_rejected": len(rejected),
            "rows_loaded": sum(r.row_count for r in accepted),
        }
    )


manual_intake_job = dg.define_asset_job("manual_intake", selection=[manual_intake.key])


@dg.sensor(job=manual_intake_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def intake_inbox_sensor(context: dg.SensorEvaluationContext):
    """One run per batch of new or changed files in the inbox."""
    files = sorted(p for p in inbox_dir().iterdir() if p.is_file() and p.suffix.lower() in (".xlsx", ".csv"))
    if not files:
        return dg.SkipReason("收件箱为空")
    stamp = "|".join(f"{p.name}:{p.stat().st_mtime_ns}" for p in files)
    return dg.RunRequest(run_key=stamp, tags={"jixiao/intake_files": str(len(files))})


defs = dg.Definitions(assets=[manual_intake], jobs=[manual_intake_job], sensors=[intake_inbox_sensor])
