"""The one Dagster ``Definitions`` of Jixiao, merged from ``orchestration/defs/<domain>/``.

Load it with ``dagster dev -m orchestration.definitions`` (or ``make dagster``).
"""

import dagster as dg

from orchestration.defs import run_logging
from orchestration.defs.dbt import definitions as dbt_domain
from orchestration.defs.extraction import definitions as extraction_domain
from orchestration.defs.intake import definitions as intake_domain
from orchestration.defs.quality import definitions as quality_domain
from orchestration.defs.reference import definitions as reference_domain
from orchestration.defs.schedules import definitions as schedules_domain
from orchestration.defs.serving import definitions as serving_domain

# In-process executor: DuckDB allows one writer process, so steps run one after another.
defs = dg.Definitions.merge(
    extraction_domain.defs,
    intake_domain.defs,
    quality_domain.defs,
    reference_domain.defs,
    dbt_domain.defs,
    serving_domain.defs,
    schedules_domain.defs,
    run_logging.defs,
    dg.Definitions(executor=dg.in_process_executor),
)
