"""PLAT-04's `occurrence` (ROW_NUMBER() OVER (PARTITION BY ...), numbered only where a key repeats) gives
what the window over every row gives, nulls and Thai text included, and DuckDB's count of each key."""

from __future__ import annotations

import duckdb
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.enrich import _occurrence

KEYS = ["_source_file", "user_id", "content_id"]
cells = st.one_of(st.none(), st.sampled_from(["ก", "ข้อ", "a", "", " ก"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["เม.ย.csv", "may.parquet"]), cells, cells), max_size=60))
def test_occurrence_equals_the_window_over_every_row(rows):
    frame = pl.DataFrame(rows, schema=KEYS, orient="row")
    got = _occurrence(frame, KEYS)
    every_row = frame.select(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over(KEYS)).to_series()
    assert got.dtype == pl.Int64 and got.len() == frame.height
    assert got.to_list() == every_row.to_list()
    if frame.height:  # the highest occurrence of each key is how often DuckDB counts it
        counted = duckdb.sql(f"SELECT count(*) AS n FROM frame GROUP BY {', '.join(KEYS)} ORDER BY n").pl()
        highest = frame.with_columns(n=got).group_by(KEYS).agg(pl.col("n").max()).sort("n")
        assert highest.get_column("n").to_list() == counted.get_column("n").to_list()
