"""The register looked up once per distinct school code gives what the row-by-row lookup gives."""

from __future__ import annotations

import random

import polars as pl

from pipelines.enrich import with_register, with_register_by_code

REGISTER = pl.DataFrame({
    "school_code": ["1040000001", "1040000002", "1040000003"], "smis_code": ["40000001", None, "40000003"],
    "students_total": [50, 700, 90], "is_dltv_school": [True, False, False], "size_class": ["เล็ก", "ใหญ่", "เล็ก"],
    "district": ["เมือง", "ภูเวียง", "เมือง"], "dltv_eligible": [True, False, True],
})


def test_by_distinct_code_equals_row_by_row():
    rng = random.Random(7)
    written = ["1040000001", "40000001", "4000003", "1040000002", "1099999999", None, "๑๐๔๐๐๐๐๐๐๑"]
    frame = pl.DataFrame({"school_code": [rng.choice(written) for _ in range(2_000)], "row": range(2_000)})
    by_row, by_code = with_register(frame, REGISTER), with_register_by_code(frame, REGISTER)
    assert by_code.columns == by_row.columns and by_code.equals(by_row)
    assert by_code.filter(pl.col("_submitted_code") == "40000001").get_column("school_code").unique().to_list() == ["1040000001"]
    assert by_code.filter(pl.col("school_code").is_null()).get_column("school_in_register").null_count() > 0
