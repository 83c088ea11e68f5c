"""dbt → Dagster translation: assets grouped by layer, sources keyed as the extraction assets."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

LAYERS = ("staging", "intermediate", "marts")


class LayerTranslator(DagsterDbtTranslator):
    def __init__(self):
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            if dbt_resource_props["source_name"] == "dq":
                # dq/<table>: materialised by the quality asset, which therefore runs before dbt
                return dg.AssetKey(["dq", dbt_resource_props["name"]])
            # raw_<system>/<table>: the key the extraction multi-assets materialise.
            return dg.AssetKey([f"raw_{dbt_resource_props['source_name']}", dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        for layer in LAYERS:
            if layer in fqn[1:-1]:
                return layer
        return "other"
