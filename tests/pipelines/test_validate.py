"""check_rows on a table no school has sent yet: no GX run, the table's GX objects saved all the same."""

from __future__ import annotations

from datetime import date

import polars as pl

from expectations import store as gx_store
from pipelines.casting import cast
from pipelines.config import Home
from pipelines.validate import OUTCOME_COLUMNS, check_rows, empty_rows, with_period
from warehouse.contracts import get


def _no_rows(table: str) -> pl.DataFrame:
    contract = get(table)
    raw = pl.DataFrame(schema={"_sheet": pl.String, "_row": pl.Int32, **{c: pl.String for c in contract.column_names},
                               "_source_file": pl.String, "_file_sha256": pl.String, "_arrival_seq": pl.Int64})
    return with_period(cast(raw, contract), contract)


def test_a_table_with_no_rows_saves_its_suite_but_stores_no_gx_result(tmp_path):
    contract = get("admin_academic")
    register = empty_rows(get("schools"))
    checked = check_rows(_no_rows("admin_academic"), contract, register, today=date(2026, 7, 1), gx_root=tmp_path)
    assert checked.rows.height == 0
    assert set(OUTCOME_COLUMNS) <= set(checked.rows.columns)
    # every expectation of the contract is reported, held on no rows
    assert len(checked.validation.outcomes) == sum(len(c.expectations) for c in contract.checks)
    assert all(o.success and o.element_count == 0 for o in checked.validation.outcomes)
    assert gx_store.sound(Home(tmp_path), "admin_academic")  # suite, definition, checkpoint: a later night reuses
    assert not list((tmp_path / "gx" / "uncommitted" / "validations").rglob("*.json"))
    assert checked.validation.data_docs == Home(tmp_path).data_docs


def test_one_row_goes_through_gx(tmp_path):
    contract = get("admin_academic")
    typed = _no_rows("admin_academic")
    one = pl.concat([typed, typed.clear(1).with_columns(_source_file=pl.lit("a.xlsx"), _row=pl.lit(2, pl.Int32))],
                    how="vertical_relaxed")
    check_rows(one, contract, empty_rows(get("schools")), today=date(2026, 7, 1), gx_root=tmp_path)
    assert list((tmp_path / "gx" / "uncommitted" / "validations" / "admin_academic").rglob("*.json"))
