"""The Polars engine (`khlang check`) and GX (the nightly run) agree row for row.

Both engines run in this test on the same frames: every table of the generated sample district,
and hand-made edge cases per expectation type (nulls, bounds, strictness, conditions, duplicates).
The edge cases also pin the failing rows GX gives, so the agreement cannot hold vacuously.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from expectations import polars_engine
from pipelines.casting import cast
from pipelines.enrich import enrich
from pipelines.outcomes import CURRENT
from pipelines.incremental import landing_raw
from pipelines.validate import check_rows, with_period
from warehouse import lake
from warehouse.contracts import Check, Contract, contracts

ROW_ID = "_row_id"
TODAY = date(2026, 1, 1)


def _rows(failures: pl.DataFrame) -> list[tuple]:
    return sorted(failures.select(ROW_ID, "check", "rule_id").iter_rows())


def _gx(frame: pl.DataFrame, contract: Contract, params: dict) -> pl.DataFrame:
    from expectations.runner import validate

    return validate(frame, contract, params).failures


# ---------------------------------------------------------------- the sample district, every table

@pytest.fixture(scope="module")
def district_frames(demo_home) -> dict[str, pl.DataFrame]:
    """Each table's raw lake re-cast and enriched as check_rows does, against the published run's register."""
    register = lake.read_all(demo_home, "validated", "schools").filter(pl.col("_outcome").is_in(CURRENT))
    allocations = lake.read_all(demo_home, "validated", "dltv_allocation").filter(pl.col("_outcome").is_in(CURRENT))
    frames = {}
    for table, contract in contracts().items():
        raw = landing_raw(demo_home, contract) if contract.load == "incremental" else lake.read(demo_home, "raw", table)
        typed = with_period(cast(raw, contract), contract) if contract.period else cast(raw, contract)
        frame = typed.with_row_index(ROW_ID).with_columns(pl.col(ROW_ID).cast(pl.Int64))
        frames[table] = enrich(frame, contract, register, allocations)
    return frames


@pytest.mark.parametrize("table", sorted(contracts()))
def test_engines_agree_on_every_table_of_the_sample_district(district_frames, table):
    contract = contracts()[table]
    frame = district_frames[table]
    for today in (TODAY, date(2025, 8, 1)):  # DLTV-07's "not in the future" bites on the earlier day
        params = {**contract.parameters, "today": today}
        gx = _rows(_gx(frame, contract, params))
        ours = polars_engine.validate(frame, contract, params)
        assert _rows(ours.failures) == gx
        assert ours.failures.schema == pl.Schema({ROW_ID: pl.Int64, "check": pl.String, "rule_id": pl.String})
        assert [o.check for o in ours.outcomes] == [c.key for c in contract.checks for _ in c.expectations]
    assert gx, f"the sample district has faults in {table}: the comparison must see some"


def test_check_rows_decides_the_same_rows_with_either_engine(demo_home, expected):
    """The whole check (enrich, expectations, decide) of a survey file with quarantined and flagged rows."""
    contract = contracts()["dltv_equipment"]
    register = lake.read_all(demo_home, "validated", "schools").filter(pl.col("_outcome").is_in(CURRENT))
    allocations = lake.read_all(demo_home, "validated", "dltv_allocation").filter(pl.col("_outcome").is_in(CURRENT))
    typed = cast(lake.read(demo_home, "raw", "dltv_equipment"), contract)
    by_engine = {e: check_rows(typed, contract, register, allocations, today=TODAY, engine=e).rows for e in ("gx", "polars")}
    assert by_engine["polars"].equals(by_engine["gx"])
    outcomes = set(by_engine["gx"].get_column("_outcome").unique())
    assert {"valid", "flagged", "quarantined"} <= outcomes
    with pytest.raises(ValueError, match="engine"):
        check_rows(typed, contract, register, allocations, today=TODAY, engine="duckdb")


# ---------------------------------------------------------------- hand-made edge cases

def _edge_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "x": [0, 1, 2, 3, None, 5],
            "y": [0.0, 1.0, 2.5, None, 4.0, 5.0],
            "d": [date(2025, 8, 29), date(2026, 1, 1), date(2026, 1, 2), None, date(2025, 12, 31), date(2026, 1, 1)],
            "s": ["เล็ก", "กลาง", None, "ใหญ่", "เล็ก", "x"],
            "code": ["1012345678", "101234567", "10123456789", None, "๑๐12345678", "1012345678\n"],
            "a": [1, 2, None, None, 5, 6],
            "b": [1, 3, 1, None, None, 6],
            "k1": ["f", "f", None, None, "g", "f"],
            "k2": [1, 1, 2, 2, 1, None],
            "flag": [True, False, None, True, True, False],
            "cond": [1, 0, None, 2, 1, 1],
        }
    ).with_columns(pl.int_range(10, 16, dtype=pl.Int64).alias(ROW_ID))


# (name, expectation, failing rows as GX decides them: row id - 10)
EDGE_CASES = [
    ("between min, nulls skipped", {"type": "expect_column_values_to_be_between", "column": "x", "min_value": 1}, [0]),
    ("between strict_min", {"type": "expect_column_values_to_be_between", "column": "x", "min_value": 1, "strict_min": True}, [0, 1]),
    ("between strict_max", {"type": "expect_column_values_to_be_between", "column": "x", "max_value": 3, "strict_max": True}, [3, 5]),
    ("between both bounds", {"type": "expect_column_values_to_be_between", "column": "x", "min_value": 1, "max_value": 3}, [0, 5]),
    ("between floats", {"type": "expect_column_values_to_be_between", "column": "y", "min_value": 0, "max_value": 4.5,
                        "strict_min": True}, [0, 5]),
    ("between today parameter", {"type": "expect_column_values_to_be_between", "column": "d",
                                 "max_value": {"$PARAMETER": "today"}}, [2]),
    ("between today strict", {"type": "expect_column_values_to_be_between", "column": "d",
                              "max_value": {"$PARAMETER": "today"}, "strict_max": True}, [1, 2, 5]),
    ("between numeric condition", {"type": "expect_column_values_to_be_between", "column": "x", "max_value": 0,
                                   "row_condition": "cond > 0"}, [3, 5]),
    ("between text condition", {"type": "expect_column_values_to_be_between", "column": "x", "min_value": 2,
                                "row_condition": 'size_class == "เล็ก"'.replace("size_class", "s")}, [0]),
    ("between != condition keeps missing", {"type": "expect_column_values_to_be_between", "column": "x", "max_value": 1,
                                            "row_condition": 's != "เล็ก"'}, [2, 3, 5]),
    ("between not condition keeps missing", {"type": "expect_column_values_to_be_between", "column": "y", "max_value": 0,
                                             "row_condition": "not (cond > 0) and y >= 0"}, [1, 2]),
    ("in set, nulls skipped", {"type": "expect_column_values_to_be_in_set", "column": "s", "value_set": ["เล็ก", "กลาง", "ใหญ่"]}, [5]),
    ("in set booleans", {"type": "expect_column_values_to_be_in_set", "column": "flag", "value_set": [True]}, [1, 5]),
    ("in set with condition", {"type": "expect_column_values_to_be_in_set", "column": "flag", "value_set": [True],
                               "row_condition": "cond >= 1"}, [5]),
    ("regex anchored ($ before a final newline, Thai digits)", {"type": "expect_column_values_to_match_regex",
                                                               "column": "code", "regex": r"^10\d{8}$"}, [1, 2, 4]),
    ("regex search", {"type": "expect_column_values_to_match_regex", "column": "code", "regex": r"\d{10}"}, [1]),
    ("pair equal, either missing ignored", {"type": "expect_column_pair_values_to_be_equal", "column_A": "a", "column_B": "b",
                                            "ignore_row_if": "either_value_is_missing"}, [1]),
    ("pair equal, both missing ignored", {"type": "expect_column_pair_values_to_be_equal", "column_A": "a", "column_B": "b",
                                          "ignore_row_if": "both_values_are_missing"}, [1, 2, 4]),
    ("pair equal, neither ignored", {"type": "expect_column_pair_values_to_be_equal", "column_A": "a", "column_B": "b",
                                     "ignore_row_if": "neither"}, [1, 2, 3, 4]),
    ("a > b strict", {"type": "expect_column_pair_values_a_to_be_greater_than_b", "column_A": "a", "column_B": "b",
                      "ignore_row_if": "either_value_is_missing"}, [0, 1, 5]),
    ("a >= b", {"type": "expect_column_pair_values_a_to_be_greater_than_b", "column_A": "a", "column_B": "b",
                "ignore_row_if": "either_value_is_missing", "or_equal": True}, [1]),
    ("a >= b, neither ignored", {"type": "expect_column_pair_values_a_to_be_greater_than_b", "column_A": "a", "column_B": "b",
                                 "ignore_row_if": "neither", "or_equal": True}, [1, 2, 3, 4]),
    ("a >= b with condition", {"type": "expect_column_pair_values_a_to_be_greater_than_b", "column_A": "a", "column_B": "b",
                               "ignore_row_if": "neither", "or_equal": True, "row_condition": "cond > 0"}, [3, 4]),
    ("compound unique, any missing ignored", {"type": "expect_compound_columns_to_be_unique", "column_list": ["k1", "k2"],
                                              "ignore_row_if": "any_value_is_missing"}, [0, 1]),
    ("compound unique, all missing ignored (missing values group)", {"type": "expect_compound_columns_to_be_unique",
                                                                     "column_list": ["k1", "k2"]}, [0, 1, 2, 3]),
    ("compound unique, never ignored", {"type": "expect_compound_columns_to_be_unique", "column_list": ["k1", "k2"],
                                        "ignore_row_if": "never"}, [0, 1, 2, 3]),
]


def _contract(cases: list[tuple[str, dict, list[int]]]) -> Contract:
    checks = tuple(
        Check(rule_id=f"EDGE-{i:02d}", severity="quarantine", th=name, en=name, expectations=(e,))
        for i, (name, e, _) in enumerate(cases)
    )
    return Contract(table="edge_cases", th="edge", en="edge", section="-", kind="survey", columns=(), key=("x",),
                    checks=checks)


@pytest.fixture(scope="module")
def gx_edges() -> pl.DataFrame:
    """GX's failures on every edge case, in one validation (one GX context)."""
    return _gx(_edge_frame(), _contract(EDGE_CASES), {"today": TODAY})


@pytest.mark.parametrize("case", range(len(EDGE_CASES)), ids=[c[0] for c in EDGE_CASES])
def test_edge_cases_agree_with_gx(gx_edges, case):
    name, e, failing = EDGE_CASES[case]
    rule_id = f"EDGE-{case:02d}"
    gx = sorted(gx_edges.filter(pl.col("rule_id") == rule_id).get_column(ROW_ID).to_list())
    ours = sorted(polars_engine.failing_rows(_edge_frame(), e, {"today": TODAY}).to_list())
    assert gx == [10 + r for r in failing], f"GX itself: {name}"
    assert ours == gx, name


def test_whole_edge_contract_has_the_runner_shape(gx_edges):
    ours = polars_engine.validate(_edge_frame(), _contract(EDGE_CASES), {"today": TODAY}).failures
    assert _rows(ours) == _rows(gx_edges)


@pytest.mark.parametrize(
    "e, message",
    [
        ({"type": "expect_column_mean_to_be_between", "column": "x", "min_value": 0}, "not evaluated by the Polars engine"),
        ({"type": "expect_column_values_to_be_between", "column": "x", "min_value": 0, "mostly": 0.9}, "mostly"),
        ({"type": "expect_column_values_to_be_between", "column": "x"}, "cannot both be None"),
        ({"type": "expect_column_values_to_be_between", "column": "x", "min_value": 3, "max_value": 1}, "greater than"),
        ({"type": "expect_column_values_to_be_between", "column": "s", "min_value": 0}, "numbers and dates only"),
        ({"type": "expect_column_values_to_be_between", "column": "d", "max_value": {"$PARAMETER": "yesterday"}}, "yesterday"),
        ({"type": "expect_column_values_to_be_between", "column": "x", "min_value": 0, "row_condition": "x > @v"}, "cannot read"),
        ({"type": "expect_column_values_to_be_between", "column": "x", "min_value": 0, "row_condition": "x + 1 > 0"}, "cannot read"),
        ({"type": "expect_column_values_to_be_between", "column": "x", "min_value": 0, "row_condition": "nope > 0"}, "not a column"),
        ({"type": "expect_column_values_to_be_between", "column": "x", "min_value": 0, "row_condition": "cond"}, "only comparisons"),
        ({"type": "expect_column_values_to_be_between", "column": "x", "min_value": 0, "row_condition": "cond > 0",
          "condition_parser": "spark"}, "pandas"),
        ({"type": "expect_column_values_to_be_in_set", "column": "nope", "value_set": [1]}, "not in the frame"),
        ({"type": "expect_column_pair_values_to_be_equal", "column_A": "a", "column_B": "b", "ignore_row_if": "sometimes"},
         "ignore_row_if"),
        ({"type": "expect_column_values_to_match_regex", "column": "x", "regex": "1"}, "text only"),
    ],
)
def test_anything_else_raises(e, message):
    with pytest.raises(polars_engine.UnsupportedExpectation, match=message):
        polars_engine.failing_rows(_edge_frame(), e, {"today": TODAY})


def test_the_engine_imports_no_gx_pandas_or_dagster():
    import subprocess
    import sys

    code = ("import sys; import expectations.polars_engine, pipelines.validate, pipelines.calendar; "
            "print(sorted(m for m in ('great_expectations', 'pandas', 'dagster') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
