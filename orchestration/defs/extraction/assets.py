"""Extraction assets (数据抽取): one multi-asset per source system, one asset per landed table.

Asset keys are ``raw_<system>/<table>``, the same keys the dbt translator gives the dbt sources,
so lineage runs source table → staging model. Assets are monthly partitioned; a run may cover a
range of months (single-run backfill), and dictionaries are refreshed once per run.
"""


import dagster as dg

from connectors.extract import extract_system
from connectors.source_config import SourceSpec, load_sources, period_range
from orchestration.defs.extraction.resources import WarehouseResource
from orchestration.defs.partitions import monthly_partitions


def raw_asset_key(system: str, table: str) -> dg.AssetKey:
    return dg.AssetKey([f"raw_{system}", table.lower()])


def build_extraction_asset(source: SourceSpec) -> dg.AssetsDefinition:
    specs = [
        dg.AssetSpec(
            key=raw_asset_key(source.system, t.name),
            group_name="raw",
            kinds={"duckdb", "python"},
            description=f"{t.label}（{source.label} {t.name}）",
            metadata={
                "source_table": t.name,
                "keys": list(t.keys),
                "partitioned": t.is_partitioned,
                "incremental_column": t.incremental_column or "",
            },
        )
        for t in source.tables
    ]

    @dg.multi_asset(
        name=f"extract_{source.system}",
        specs=specs,
        partitions_def=monthly_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        can_subset=True,
        op_tags={"jixiao/layer": "raw"},
    )
    def _extract(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        keyrange = context.partition_key_range
        periods = period_range(keyrange.start, keyrange.end)
        selected = {k.path[-1] for k in context.selected_asset_keys}
        tables = [t.name for t in source.tables if t.raw_name in selected]
        context.log.info(f"{source.system}: {len(tables)} 张表，期间 {keyrange.start} … {keyrange.end}")
        with warehouse.open() as wh:
            results = extract_system(
                source,
                periods,
                wh,
                data_dir=warehouse.sources_dir(),
                tables=tables,
                on_table=lambda r: context.log.debug(f"{r.table} {r.partition}: {r.rows_written} 行"),
            )
        by_table: dict[str, list] = {}
        for r in results:
            by_table.setdefault(r.table.lower(), []).append(r)
        for t in source.tables:
            if t.raw_name not in selected:
                continue
            rs = by_table.get(t.raw_name, [])
            rows = sum(r.rows_written for r in rs)
            secs = sum(r.seconds for r in rs)
            yield dg.MaterializeResult(
                asset_key=raw_asset_key(source.system, t.name),
                metadata={
                    "rows_written": dg.MetadataValue.int(rows),
                    "partitions": dg.MetadataValue.int(len(rs)),
                    "seconds": dg.MetadataValue.float(round(secs, 3)),
                    "rows_per_second": dg.MetadataValue.float(round(rows / secs, 1) if secs else 0.0),
                    "reader": rs[0].reader if rs else "",
                },
            )

    return _extract


extraction_assets = [build_extraction_asset(s) for s in load_sources().values()]
