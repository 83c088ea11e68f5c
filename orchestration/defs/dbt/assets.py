"""dbt assets: ``dbt build`` (models, seeds, data tests and unit tests) as Dagster assets."""

import os

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from connectors.bonus_state import ensure_bonus_tables
from connectors.kpi_config import check_kpi_config
from expectations import ensure_dq_tables
from orchestration.defs.dbt.project import dbt_project
from orchestration.defs.dbt.translator import LayerTranslator
from orchestration.settings import warehouse_path


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=LayerTranslator())
def jixiao_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # Configuration that dbt tests cannot judge before computing (weights, cycles, disabled methods,
    # unknown metrics, missing interval targets) is rejected here, before any model runs.
    check_kpi_config()
    # The bonus workflow tables (bonus_ops.*) are dbt sources; they exist (empty) before the first
    # `jixiao bonus`/`allocation` command. The PostgreSQL target's tests create them themselves.
    if os.environ.get("JIXIAO_DBT_TARGET", "duckdb") == "duckdb":
        ensure_bonus_tables(warehouse_path())
        ensure_dq_tables(warehouse_path())  # source dq.dq_check_results (int_bonus__blocked_periods)
    yield from dbt.cli(["build"], context=context).stream()
