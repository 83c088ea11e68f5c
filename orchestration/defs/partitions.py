"""Monthly partitions (核算期间) shared by every partitioned asset."""

import dagster as dg

from orchestration.settings import partition_start

# end_offset=1: the current, still-open month is a partition too (the nightly run refreshes it).
monthly_partitions = dg.MonthlyPartitionsDefinition(start_date=partition_start(), fmt="%Y-%m", end_offset=1)

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags that make one run cover partitions first..last (single-run backfill)."""
    return {RANGE_START_TAG: first, RANGE_END_TAG: last}
