"""GX on distinct values flags exactly the rows GX on every row flags (expectations/domains.py)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import polars as pl
import pytest

from expectations import polars_engine
from expectations.domains import reduce
from expectations.runner import validate
from pipelines.enrich import enrich
from warehouse.contracts import contracts

ROW_ID = "_row_id"
TODAY = date(2026, 12, 1)


def _events(n: int, seed: int) -> pl.DataFrame:
    """Typed platform events, messy on purpose: unknown platforms and event types, nulls, days out of
    range, durations out of range, repeated events, unknown schools."""
    rng = random.Random(seed)
    start = datetime(2016, 12, 30)
    rows = []
    for i in range(n):
        ts = start + timedelta(days=rng.choice([0, 1, 3, 400, 3300, 3650]), seconds=rng.randrange(86400))
        rows.append({
            "timestamp": ts, "platform": rng.choice(["DLTV", "DLIT", "MEDIA", "YouTube", None]),
            "user_id": rng.choice(["h1:a", "h1:b", "h1:c"]), "school_code": rng.choice(["1010000001", "1099999999", None]),
            "event_type": rng.choice(["login", "view", "share", None]), "content_id": rng.choice(["C-1", "C-2"]),
            "duration_s": rng.choice([0, 59, 86400, 86401, -1, None]),
        })
    frame = pl.DataFrame(rows, schema={"timestamp": pl.Datetime("us"), "platform": pl.String, "user_id": pl.String,
                                       "school_code": pl.String, "event_type": pl.String, "content_id": pl.String,
                                       "duration_s": pl.Int64})
    frame = pl.concat([frame, frame.head(5)])  # events logged twice (PLAT-04)
    return frame.with_columns(_source_file=pl.lit("e.csv"), _sheet=pl.lit("csv"),
                              _row=pl.int_range(2, frame.height + 2, dtype=pl.Int32))


REGISTER = pl.DataFrame({"school_code": ["1010000001"], "smis_code": [None], "students_total": [90], "is_dltv_school": [True],
                         "size_class": ["เล็ก"], "district": ["เมือง"], "dltv_eligible": [True]},
                        schema_overrides={"smis_code": pl.String})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_distinct_values_give_the_rows_every_row_gives(seed):
    contract = contracts()["platform_events"]
    frame = enrich(_events(3000, seed).with_row_index(ROW_ID).with_columns(pl.col(ROW_ID).cast(pl.Int64)), contract, REGISTER)
    params = {**contract.parameters, "today": TODAY}
    gx = validate(frame, contract, params)
    ours = polars_engine.validate(frame, contract, params)  # every row, no reduction
    key = lambda f: sorted(f.select(ROW_ID, "check").iter_rows())  # noqa: E731
    assert key(gx.failures) == key(ours.failures)
    assert {o.rule_id for o in gx.outcomes if o.unexpected_count} == {"REF-01", "PLAT-02", "PLAT-03", "PLAT-04", "PLAT-05"}
    assert all(o.element_count == frame.height for o in gx.outcomes)


def test_the_reduction_is_small_and_needs_row_local_expectations():
    frame = pl.DataFrame({"a": [1, 2, 2, 2, None] * 100, "b": ["x", "y", "y", "z", None] * 100})
    d = reduce(frame, [("expect_column_values_to_be_between", {"column": "a", "min_value": 0}),
                       ("expect_column_values_to_be_in_set", {"column": "b", "value_set": ["x"]})])
    assert d is not None and d.sizes == [3, 4] and d.frame.height == 4
    pair = ("expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "a", "column_B": "c", "ignore_row_if": "neither"})
    unique = ("expect_compound_columns_to_be_unique", {"column_list": ["a", "b"]})
    mostly = ("expect_column_values_to_be_in_set", {"column": "b", "value_set": ["x"], "mostly": 0.9})
    for e in (pair, unique, mostly):
        assert reduce(frame.with_columns(c=pl.col("a")), [e]) is None
    assert reduce(frame.with_row_index("u"), [("expect_column_values_to_be_between", {"column": "u", "min_value": 0})]) is None


def test_columns_read_together_form_one_group():
    frame = pl.DataFrame({"a": [1, 2] * 50, "b": [1, 3] * 50, "c": ["x", "y"] * 50})
    d = reduce(frame, [("expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "a", "column_B": "b",
                                                                             "ignore_row_if": "either_value_is_missing"}),
                       ("expect_column_values_to_be_in_set", {"column": "c", "value_set": ["x"], "row_condition": "a > 1"})])
    assert d is not None and d.groups == [("a", "b", "c")]
