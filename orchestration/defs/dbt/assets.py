"""dbt assets: ``dbt build`` (models, seeds and data tests; unit tests only with
``JIXIAO_DBT_UNIT_TESTS=include``) as Dagster assets."""

import os

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from connectors.bonus_state import ensure_bonus_tables
from connectors.kpi_config import check_kpi_config
from connectors.pseudonym_salt import ensure_pseudonym_salt
from expectations import ensure_dq_tables
from expectations.dbt_results import land_dbt_results
from expectations.gouji import land_gouji_results_at
from orchestration import settings
from orchestration.defs.dbt.project import dbt_project
from orchestration.defs.dbt.translator import LayerTranslator
from orchestration.settings import dbt_build_args, warehouse_path


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
        ensure_pseudonym_salt(warehouse_path(), settings.ensure_pseudonym_salt())  # read by macro pseudonymise
    invocation = dbt.cli(dbt_build_args(), context=context, raise_on_error=False)
    yield from invocation.stream()
    # dbt's test outcomes land beside the GX/SQL checks (dq.dq_check_results, layer dbt) — also, and
    # above all, when the build failed on a test; then the run fails as before.
    if os.environ.get("JIXIAO_DBT_TARGET", "duckdb") == "duckdb":
        try:
            n = land_dbt_results(
                warehouse_path(), invocation.get_artifact("run_results.json"), invocation.get_artifact("manifest.json")
            )
            context.log.info(f"dbt 测试结果 {n} 条已写入 dq.dq_check_results")
        except Exception as exc:  # noqa: BLE001 — landing results must not hide the build's own outcome
            context.log.warning(f"dbt 测试结果未能写入 dq：{type(exc).__name__}: {exc}")
        # 勾稽关系 of the economic monitoring indicators (marts.fct_monitoring_gouji_checks), one row per
        # rule × year (partition = the year, layer gouji); nothing while the mart does not exist yet.
        try:
            n = land_gouji_results_at(warehouse_path(), run_id=f"gouji-{context.run_id}")
            if n:
                context.log.info(f"勾稽关系审核结果 {n} 条已写入 dq.dq_check_results")
        except Exception as exc:  # noqa: BLE001 — as above: never hide the build's own outcome
            context.log.warning(f"勾稽关系审核结果未能写入 dq：{type(exc).__name__}: {exc}")
    if not invocation.is_successful():
        raise invocation.get_error() or dg.Failure("dbt build 失败")
