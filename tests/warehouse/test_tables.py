"""The incremental tables' Delta storage (warehouse/tables.py): files per month, committed once."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from pipelines.config import home
from warehouse import tables

TABLE = "platform_events"


@pytest.mark.parametrize(
    "stamps",
    [
        pytest.param([datetime(2026, 3, 1, 8), datetime(2026, 3, 31, 23, 59)], id="one-month-written-whole"),
        pytest.param([datetime(2026, 3, 31, 23, 59), datetime(2026, 4, 1, 0, 0), datetime(2026, 3, 2)], id="two-months-split"),
        pytest.param([None, datetime(2026, 4, 1)], id="no-timestamp-in-unknown"),
    ],
)
def test_parts_are_one_file_per_month_and_read_back_whole(tmp_path, stamps):
    h = home(tmp_path)
    rows = pl.DataFrame({"timestamp": stamps, "_row": list(range(len(stamps))),
                         "user_id": [f"h1:ผู้ใช้{i}" for i in range(len(stamps))]})
    parts = tables.write_parts(h, TABLE, rows, "timestamp")
    months = [p["month"] for p in parts]
    assert months == list(dict.fromkeys(
        "unknown" if t is None else t.strftime("%Y-%m") for t in stamps))  # one file each, first seen first
    assert sum(p["rows"] for p in parts) == rows.height
    assert tables.read(h, TABLE) is None  # written, not committed: no reader sees them
    tables.commit_parts(h, TABLE, parts, [{"path": "e.csv", "sha256": "s", "arrival_seq": 1, "rows": rows.height}], "fp")
    back = tables.read(h, TABLE).sort("_row")
    assert back.equals(rows)  # no partition column left in the files, every row once
    assert sorted(tables.month_files(h, TABLE)) == sorted(set(months))
