"""The office's calendar without Dagster: today in Bangkok and the BE fiscal year of a date.

`assets.partitions` re-exports both; `khlang check` imports them from here so it never loads Dagster.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.config import TIMEZONE
from pipelines.parsing.cells import BE_OFFSET


def today() -> date:
    """Today in Bangkok: "not in the future" (DLTV-07) is judged on the office's calendar."""
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def fiscal_year_of(d: date) -> int:
    """BE fiscal year: FY 2569 runs 1 Oct 2025 - 30 Sep 2026."""
    return d.year + BE_OFFSET + (1 if d.month >= 10 else 0)


def fiscal_year_expr(d: pl.Expr) -> pl.Expr:
    """`fiscal_year_of` over a date or datetime column (Int32)."""
    return (d.dt.year() + BE_OFFSET + (d.dt.month() >= 10).cast(pl.Int32)).cast(pl.Int32)
