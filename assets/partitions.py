"""Fiscal-year partitions (BE), over the years the contract calls plausible (2560-2575).

Survey assets are partitioned by fiscal year with a single-run backfill policy: the nightly run covers
every year in one run (one GX validation per table, ~10 ms per step in-process) while a steward can
still re-run one year from the UI.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.config import TIMEZONE
from pipelines.parsing.cells import BE_OFFSET, PLAUSIBLE_BE_YEARS

FISCAL_YEARS = [str(y) for y in range(PLAUSIBLE_BE_YEARS[0], PLAUSIBLE_BE_YEARS[1] + 1)]
fiscal_years = dg.StaticPartitionsDefinition(FISCAL_YEARS)
RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
ALL_YEARS = {RANGE_START: FISCAL_YEARS[0], RANGE_END: FISCAL_YEARS[-1]}


def today() -> date:
    """Today in Bangkok: "not in the future" (DLTV-07) is judged on the office's calendar."""
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def fiscal_year_of(d: date) -> int:
    """BE fiscal year: FY 2569 runs 1 Oct 2025 - 30 Sep 2026."""
    return d.year + BE_OFFSET + (1 if d.month >= 10 else 0)
