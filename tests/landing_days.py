"""Test helper: one more day of platform events in a data root's landing zone."""

from __future__ import annotations

from pipelines.config import Home


def add_day_of_events(h: Home, day: str = "2026-09-30") -> tuple[str, int]:
    """One more day of platform events dropped into landing/, as the platform exports it: the last CSV
    export's last day, re-dated `day`. Returns the file's path under landing/ and its rows."""
    import polars as pl

    src = sorted(h.landing.glob("platform/events/*.csv"))[-1]
    rows = pl.read_csv(src, infer_schema=False)
    stamp = rows.columns[0]
    last = rows.get_column(stamp).str.slice(0, 10).max()
    one_day = rows.filter(pl.col(stamp).str.starts_with(last)).with_columns(
        pl.col(stamp).str.replace(r"^\d{4}-\d{2}-\d{2}", day))
    rel = f"platform/events/platform_events_{day}.csv"
    one_day.write_csv(h.landing / rel)
    return rel, one_day.height
