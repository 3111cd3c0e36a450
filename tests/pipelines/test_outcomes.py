"""decide: outcome, rule IDs and reasons per row (parse issues first, then failed checks in contract order)."""

from __future__ import annotations

import polars as pl

from pipelines.casting import ISSUE
from pipelines.outcomes import decide
from warehouse.contracts import get


def _frame() -> pl.DataFrame:
    contract = get("schools")
    issues = [[], [{"rule_id": "FMT-01", "column": "students_total", "value": "abc"}], [], []]
    return pl.DataFrame({
        "_row_id": [0, 1, 2, 3],
        "school_code": ["1040000001", "1040000002", "20x", "1040000004"],
        "smis_code": ["40000001", "40000002", "40000003", "40000004"],
        "_source_file": ["f.xlsx"] * 4, "_sheet": ["s"] * 4, "_row": [5, 6, 7, 8], "_arrival_seq": [1] * 4,
        "_parse_issues": pl.Series(issues, dtype=pl.List(ISSUE)),
    }).with_columns(pl.lit(None, pl.String).alias(c.name) for c in contract.columns
                    if c.name not in ("school_code", "smis_code"))


def test_outcomes_rule_ids_and_reasons():
    contract = get("schools")
    check = {c.rule_id: c.key for c in contract.checks}
    failures = pl.DataFrame({"_row_id": [2, 2, 3, 1], "check": [check["SCH-02"], check["SCH-01"], check["SCH-05"],
                                                                check["SCH-01"]],
                             "rule_id": ["SCH-02", "SCH-01", "SCH-05", "SCH-01"]})
    out = decide(_frame(), failures, contract).sort("_row_id")
    assert out.get_column("_outcome").to_list() == ["valid", "quarantined", "quarantined", "flagged"]
    assert out.get_column("_rule_ids").to_list() == [[], ["FMT-01", "SCH-01"], ["SCH-01", "SCH-02"], ["SCH-05"]]
    reasons = out.get_column("_reason_en").to_list()
    assert reasons[0] == ""
    assert reasons[1].startswith("cannot read column students_total (abc) | ")  # parse issue first
    order = [c.rule_id for c in contract.checks]
    first, second = reasons[2].split(" | ")
    assert order.index("SCH-01") < order.index("SCH-02")
    assert "20x" in first  # SCH-01's message, first in the contract's order, with the row's code
    assert out.get_column("_reason_th").null_count() == 0


def test_no_failures_at_all():
    contract = get("schools")
    failures = pl.DataFrame(schema={"_row_id": pl.Int64, "check": pl.String, "rule_id": pl.String})
    frame = _frame().with_columns(_parse_issues=pl.lit([], pl.List(ISSUE)))
    out = decide(frame, failures, contract)
    assert set(out.get_column("_outcome")) == {"valid"} and out.height == 4
