"""Standard catalogues (标准项目库) as raw assets: the national 2023 spec, the code crosswalk and the
provincial price catalogue in ``raw_reference``. Each run makes sure they are there: the shipped
samples are loaded unless the hospital has loaded its own (``jixiao catalogue load``)."""

import dagster as dg

from connectors.catalogue import catalogue_kinds, ensure_shipped_catalogues
from orchestration.defs.extraction.resources import WarehouseResource
from orchestration.settings import warehouse_path


def _key(table_name: str) -> dg.AssetKey:
    schema, table = table_name.split(".")
    return dg.AssetKey([schema, table])


@dg.multi_asset(
    name="reference_catalogues",
    specs=[
        dg.AssetSpec(key=_key(k.table_name), group_name="raw", kinds={"duckdb"}, description=k.title)
        for k in catalogue_kinds().values()
    ],
    op_tags={"jixiao/layer": "raw"},
)
def reference_catalogues(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    for r in ensure_shipped_catalogues(warehouse.target or str(warehouse_path())):
        context.log.info(r.message)
        yield dg.MaterializeResult(
            asset_key=_key(r.table_name),
            metadata={
                "action": r.action,
                "rows": dg.MetadataValue.int(r.rows),
                "file": r.file_name or "",
                "sha256": r.sha256 or "",
                "edition": r.edition or "",
                "shipped_sample": bool(r.is_shipped_sample),
            },
        )


defs = dg.Definitions(assets=[reference_catalogues])
