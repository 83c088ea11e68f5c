import dagster as dg

from orchestration.defs.extraction.assets import extraction_assets
from orchestration.defs.extraction.resources import WarehouseResource

defs = dg.Definitions(assets=extraction_assets, resources={"warehouse": WarehouseResource()})
