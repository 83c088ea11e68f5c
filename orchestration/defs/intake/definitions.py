"""Manual intake (手工填报): an inbox folder watched by a sensor; files are validated and loaded
into ``raw_manual`` or quarantined with a Chinese error report (connectors/intake)."""


import dagster as dg

from connectors.allocation import take_in_inbox
from connectors.intake import ensure_dataset_tables, intake_folder, load_specs
from orchestration.defs.extraction.resources import WarehouseResource
from orchestration.settings import data_dir, intake_root, warehouse_path


def inbox_dir():
    d = intake_root() / "inbox"
    d.mkdir(parents=True, exist_ok=True)
    return d


@dg.multi_asset(
    name="manual_filings",
    specs=[
        dg.AssetSpec(
            key=dg.AssetKey(["raw_manual", spec.dataset]),
            group_name="raw",
            kinds={"duckdb", "excel"},
            description=f"手工填报：{spec.label}",
        )
        for spec in load_specs().values()
    ],
    op_tags={"jixiao/layer": "raw"},
)
def manual_intake(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Validated files land in raw_manual; rejected ones go to quarantine with a Chinese report.
    Every dataset table exists afterwards (empty until its first file), so models can read it."""
    target = warehouse.target or str(warehouse_path())
    # 二次分配表 (workbooks with a _jixiao sheet) go through `jixiao allocation submit`, not intake
    for a in take_in_inbox(inbox_dir(), target, data_dir() / "allocation"):
        log = context.log.info if a.ok else context.log.warning
        log(f"二次分配表 {a.file}：{'已受理' if a.ok else '未受理'}，{a.stored_path}")
    results = intake_folder(inbox_dir(), target, intake_root())
    ensure_dataset_tables(target)
    for r in results:
        if r.status != "accepted":
            context.log.warning(f"已隔离：{r.file}，{r.error_count} 个错误，报告 {r.report_path}")
        else:
            context.log.info(f"已入库：{r.file}，{r.row_count} 行（新增 {r.added}、替换 {r.replaced}、删除 {r.removed}）")
        for note in r.notes:
            context.log.warning(f"{r.file}：{note}")
    for spec in load_specs().values():
        mine = [r for r in results if r.dataset == spec.dataset]
        accepted = [r for r in mine if r.status == "accepted"]
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey(["raw_manual", spec.dataset]),
            metadata={
                "files_accepted": len(accepted),
                "files_rejected": len(mine) - len(accepted),
                "rows_loaded": sum(r.row_count for r in accepted),
                "rows_added": sum(r.added for r in accepted),
                "rows_replaced": sum(r.replaced for r in accepted),
                "sheets_ignored": sum(len(r.notes) for r in mine),
            },
        )


manual_intake_job = dg.define_asset_job("manual_intake", selection=dg.AssetSelection.assets(manual_intake))


@dg.sensor(job=manual_intake_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def intake_inbox_sensor(context: dg.SensorEvaluationContext):
    """One run per batch of new or changed files in the inbox."""
    files = sorted(p for p in inbox_dir().iterdir() if p.is_file() and p.suffix.lower() in (".xlsx", ".csv"))
    if not files:
        return dg.SkipReason("收件箱为空")
    stamp = "|".join(f"{p.name}:{p.stat().st_mtime_ns}" for p in files)
    return dg.RunRequest(run_key=stamp, tags={"jixiao/intake_files": str(len(files))})


defs = dg.Definitions(assets=[manual_intake], jobs=[manual_intake_job], sensors=[intake_inbox_sensor])
