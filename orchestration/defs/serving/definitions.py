"""Serving copy (服务副本): asset ``serving/serving_copy``, published after the dbt build.

Its own asset, downstream of the dbt marts, rather than a step inside the dbt asset: Dagster runs it
only when the dbt step succeeded (a failed build skips it, so Superset keeps the previous copy),
shows its timing and row counts in the UI, and ``jixiao run --select`` can publish without a build.
The copy itself is ``connectors.serving.publish_serving_copy`` (new file, then an atomic rename).
"""

import os

import dagster as dg

from orchestration.defs.dbt.assets import jixiao_dbt_assets
from orchestration.settings import serving_path, warehouse_path

SERVING_KEY = dg.AssetKey(["serving", "serving_copy"])


def _dbt_mart_keys() -> list[dg.AssetKey]:
    """Every dbt asset of the marts group (one edge per mart; the dbt step builds them all at once)."""
    groups = jixiao_dbt_assets.group_names_by_key
    return sorted((k for k in jixiao_dbt_assets.keys if groups.get(k) == "marts"), key=lambda k: k.path)


@dg.asset(
    key=SERVING_KEY,
    group_name="serving",
    kinds={"duckdb"},
    deps=_dbt_mart_keys(),
    description="服务副本：dbt build 成功后，把 marts、dq 及看板所需的表复制为 serving.duckdb（原子替换），供 Superset 只读",
    op_tags={"jixiao/layer": "serving"},
)
def serving_copy(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    if os.environ.get("JIXIAO_DBT_TARGET", "duckdb") != "duckdb":
        context.log.info("dbt 目标不是 DuckDB：不发布服务副本")
        return dg.MaterializeResult(metadata={"skipped": True})
    from connectors.serving import publish_serving_copy

    result = publish_serving_copy(warehouse_path(), serving_path())
    context.log.info(str(result))
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(result.path)),
            "tables": result.tables,
            "rows": result.rows,
            "seconds": result.seconds,
        }
    )


defs = dg.Definitions(assets=[serving_copy])
