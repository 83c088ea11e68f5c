"""The warehouse resource: where extraction and intake land data."""

import dagster as dg

from connectors.warehouse import DuckDBWarehouse, open_warehouse
from orchestration.settings import data_dir, warehouse_path


class WarehouseResource(dg.ConfigurableResource):
    """Landing target. ``target`` is a DuckDB path (default) or a ``postgresql://`` conninfo."""

    target: str = ""
    source_data_dir: str = ""

    def open(self):
        return open_warehouse(self.target or str(warehouse_path()))

    def open_duckdb(self) -> DuckDBWarehouse:
        return DuckDBWarehouse(self.target or str(warehouse_path()))

    def sources_dir(self) -> str:
        return self.source_data_dir or str(data_dir())
