"""Year partitions (BE), over the years the contract calls plausible (2560-2575).

Survey assets are partitioned by the BE year of their period (fiscal year for DLTV and the budget sheet,
academic year for DLIT and the four-area sheets) with a single-run backfill policy: the nightly run covers
every year in one run (one GX validation per table, ~10 ms per step in-process) while a steward can
still re-run one year from the UI.
"""

from __future__ import annotations

import dagster as dg

from pipelines.calendar import fiscal_year_of, today  # noqa: F401  (re-exported; Dagster-free for `khlang check`)
from pipelines.parsing.cells import PLAUSIBLE_BE_YEARS

FISCAL_YEARS = [str(y) for y in range(PLAUSIBLE_BE_YEARS[0], PLAUSIBLE_BE_YEARS[1] + 1)]
fiscal_years = dg.StaticPartitionsDefinition(FISCAL_YEARS)
RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
ALL_YEARS = {RANGE_START: FISCAL_YEARS[0], RANGE_END: FISCAL_YEARS[-1]}

