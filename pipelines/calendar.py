"""The office's calendar without Dagster: today in Bangkok and the BE fiscal year of a date.

`assets.partitions` re-exports both; `khlang check` imports them from here so it never loads Dagster.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pipelines.config import TIMEZONE
from pipelines.parsing.cells import BE_OFFSET


def today() -> date:
    """Today in Bangkok: "not in the future" (DLTV-07) is judged on the office's calendar."""
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def fiscal_year_of(d: date) -> int:
    """BE fiscal year: FY 2569 runs 1 Oct 2025 - 30 Sep 2026."""
    return d.year + BE_OFFSET + (1 if d.month >= 10 else 0)
