"""The one Dagster ``Definitions`` of Jixiao, merged from ``orchestration/defs/<domain>/``.

Load it with ``dagster dev -m orchestration.definitions`` (or ``make dagster``).
"""

import dagster as dg

from orchestration.defs.dbt.definitions import defs as dbt_defs
from orchestration.defs.extraction.definitions import defs as extraction_defs
from orchestration.defs.intake.definitions import defs as intake_defs
from orchestration.defs.schedules.definitions import defs as schedule_defs

# In-process executor: DuckDB allows one writer process, so steps run one after another.
defs = dg.Definitions.merge(
    extraction_defs,
    intake_defs,
    dbt_defs,
    schedule_defs,
    dg.Definitions(executor=dg.in_process_executor),
)
