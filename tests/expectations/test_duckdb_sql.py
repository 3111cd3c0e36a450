"""GX's SQL engine on DuckDB (after expectations.duckdb_sql.enable()) agrees with GX's pandas engine.

Same rows (with NULLs) in a DuckDB file and in a pandas frame; each expectation is validated on both
with result_format COMPLETE and unexpected_index_column_names=["_row_id"], and success,
unexpected_count and the set of failing _row_id must match. Two gaps of GX's SQL engine (every
dialect, not DuckDB's) are pinned down as such, so that a GX upgrade that closes them is noticed.
"""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("duckdb_engine")

from expectations import gx_env  # noqa: F401  (before great_expectations: no analytics)
import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations import duckdb_sql

N = 200
# GX's SQL engine caps unexpected_index_list at partial_unexpected_count (default 20) even with
# COMPLETE (map_condition_auxilliary_methods._sqlalchemy_map_condition_index: .limit(...)).
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": ["_row_id"],
    "partial_unexpected_count": N,
}
SQL_PARAMS = {
    "earliest": dt.date(2020, 1, 1), "today": dt.date(2026, 1, 1),
    "t0": dt.datetime(2025, 1, 1), "now": dt.datetime(2026, 1, 1),
}
PANDAS_PARAMS = {k: pd.Timestamp(v) for k, v in SQL_PARAMS.items()}  # as expectations.runner does

TABLE = f"""
create table t as select range::bigint as _row_id,
  case when range % 11 = 0 then null when range % 13 = 0 then 'C' else ['A', 'B'][1 + range % 2] end as code,
  case when range % 17 = 0 then null when range % 19 = 0 then 150 else (range % 100)::int end as n,
  case when range % 23 = 0 then null when range % 29 = 0 then date '2027-01-01'
       else date '2020-01-01' + (range % 300)::int end as d,
  case when range % 31 = 0 then null when range % 37 = 0 then timestamp '2026-06-01 10:00:00'
       else timestamp '2025-01-01' + to_hours(range::int) end as ts,
  case when range % 41 = 0 then null else (range % 10)::int end as a,
  case when range % 43 = 0 then null else (range % 7)::int end as b,
  (range % 50)::int as k1,
  case when range % 50 = 7 then null else (range % 3)::int end as k2,  -- (7, NULL) four times
  (range % 150)::int as k3
from range({N})
"""

CASES = {
    "in_set": gxe.ExpectColumnValuesToBeInSet(column="code", value_set=["A", "B"]),
    "between_int": gxe.ExpectColumnValuesToBeBetween(column="n", min_value=0, max_value=100),
    "between_date": gxe.ExpectColumnValuesToBeBetween(
        column="d", min_value={"$PARAMETER": "earliest"}, max_value={"$PARAMETER": "today"}),
    "between_timestamp": gxe.ExpectColumnValuesToBeBetween(
        column="ts", min_value={"$PARAMETER": "t0"}, max_value={"$PARAMETER": "now"}),
    "pair_a_ge_b": gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="a", column_B="b", or_equal=True, ignore_row_if="either_value_is_missing"),
    "not_null": gxe.ExpectColumnValuesToNotBeNull(column="code"),
    "not_null_passes": gxe.ExpectColumnValuesToNotBeNull(column="_row_id"),
}


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    duckdb_sql.enable()
    db = tmp_path_factory.mktemp("duck") / "t.db"
    with duckdb.connect(str(db)) as con:
        con.execute(TABLE)
        frame = con.execute("select * from t").df()
    frame["d"] = pd.to_datetime(frame["d"])  # dates compared as timestamps, as expectations.runner does
    ctx = gx.get_context(mode="ephemeral")
    sql = (ctx.data_sources.add_sql("duck", connection_string=f"duckdb:///{db}")
           .add_table_asset("t", table_name="t").add_batch_definition_whole_table("all").get_batch())
    pandas = (ctx.data_sources.add_pandas("pd").add_dataframe_asset("t")
              .add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame}))
    return sql, pandas


def _outcome(batch, expectation, params):
    r = batch.validate(expectation, result_format=RESULT_FORMAT, expectation_parameters=params)
    raised = [k for k, v in (r.exception_info or {}).items() if isinstance(v, dict) and v.get("raised_exception")]
    assert not raised, r.exception_info
    failing = sorted(int(row["_row_id"]) for row in r.result.get("unexpected_index_list") or [])
    return r.success, r.result.get("unexpected_count"), failing


@pytest.mark.parametrize("name", CASES)
def test_sql_on_duckdb_matches_pandas(batches, name):
    sql, pandas = batches
    got = _outcome(sql, CASES[name], SQL_PARAMS)
    want = _outcome(pandas, CASES[name], PANDAS_PARAMS)
    assert got == want
    success, count, failing = got
    assert len(failing) == count
    assert success == (name == "not_null_passes")


def test_compound_unique_gaps_of_gx_sql_engine(batches):
    """ExpectCompoundColumnsToBeUnique on SQL: success and count agree when no key is NULL, but GX
    returns no unexpected_index_list (expectation.py MulticolumnMapExpectation skips it on SQL), and a
    key with a NULL never joins back to its group (SQL `=`), so those duplicates are not counted."""
    sql, pandas = batches
    no_nulls = gxe.ExpectCompoundColumnsToBeUnique(column_list=["k1", "k3"])
    s, p = _outcome(sql, no_nulls, SQL_PARAMS), _outcome(pandas, no_nulls, PANDAS_PARAMS)
    assert s[:2] == p[:2] == (False, 100)
    assert s[2] == [] and len(p[2]) == 100

    with_nulls = gxe.ExpectCompoundColumnsToBeUnique(column_list=["k1", "k2"])
    s, p = _outcome(sql, with_nulls, SQL_PARAMS), _outcome(pandas, with_nulls, PANDAS_PARAMS)
    assert s[0] == p[0] is False
    assert p[1] - s[1] == 4  # rows 7, 57, 107, 157: (7, NULL) is a duplicate to pandas, not to SQL
    assert {7, 57, 107, 157} <= set(p[2]) and s[2] == []


def test_without_enable_gx_sql_on_duckdb_resolves_nothing(batches):
    sql, _ = batches
    duckdb_sql.disable()
    try:
        r = sql.validate(CASES["in_set"], result_format=RESULT_FORMAT)
        assert r.success is False and r.result == {}
        assert "list index out of range" in str(r.exception_info)
    finally:
        duckdb_sql.enable()


def test_enable_is_idempotent_and_refuses_unknown_gx(monkeypatch):
    duckdb_sql.enable()
    duckdb_sql.enable()
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine

    wrapped = SqlAlchemyExecutionEngine.__dict__["_execute_query_with_recovery"].__func__
    assert not hasattr(wrapped.__wrapped__, "__wrapped__")  # wrapped once
    monkeypatch.setattr(gx, "__version__", "9.9.9")
    duckdb_sql.disable()
    try:
        with pytest.raises(duckdb_sql.UnsupportedGXVersion):
            duckdb_sql.enable()
        assert not duckdb_sql.is_enabled()
    finally:
        monkeypatch.undo()
        duckdb_sql.enable()
