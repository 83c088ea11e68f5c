import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.dbt.assets import jixiao_dbt_assets
from orchestration.defs.dbt.project import dbt_project

defs = dg.Definitions(assets=[jixiao_dbt_assets], resources={"dbt": DbtCliResource(project_dir=dbt_project)})
