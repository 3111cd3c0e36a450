"""When a rule's result needs a person: the contracts' `attention:` applied to a table's rows."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.attention import judge
from warehouse.contracts import Attention, get


def _rows(per_file: dict[str, tuple[int, int]], rule: str = "DLTV-01") -> pl.DataFrame:
    """{file: (rows, failing rows)} -> rows with `_rule_ids`, messy Thai file names."""
    files, ids = [], []
    for name, (n, bad) in per_file.items():
        files += [name] * n
        ids += [[rule, "DLTV-02"]] * bad + [[]] * (n - bad)
    return pl.DataFrame({"_source_file": files, "_rule_ids": ids}, schema={"_source_file": pl.String, "_rule_ids": pl.List(pl.String)})


SHARE = Attention(file_share=0.5, min_rows=3)


@pytest.mark.parametrize(
    "per_file,needs",
    [
        ({"อำเภอเมือง/รวม.xlsx": (300, 12), "โรงเรียนบ้านนา.xlsx": (1, 1)}, False),  # an ordinary night
        ({"อำเภอเมือง/รวม.xlsx": (300, 0)}, False),
        ({"แบบฟอร์มผิด.xlsx": (10, 5)}, True),  # half a file: a wrong template
        ({"แบบฟอร์มผิด.xlsx": (4, 2)}, False),  # half, but only 2 rows
        ({"ก.xlsx": (6, 2), "ข.csv": (6, 3)}, True),
    ],
)
def test_a_large_share_of_a_file_needs_a_person_a_few_rows_do_not(per_file, needs):
    verdict = judge(_rows(per_file), "DLTV-01", SHARE)
    assert verdict.needs_person is needs
    assert verdict.rows_failed == sum(bad for _, bad in per_file.values())
    assert verdict.files.get_column("rows_failed").sum() == verdict.rows_failed


def test_any_and_never():
    one_bad = _rows({"ทะเบียนจัดสรร.xlsx": (200, 1)}, "REF-01")
    assert judge(one_bad, "REF-01", Attention(any=True)).needs_person
    half_bad = _rows({"x.xlsx": (10, 10)}, "DLTV-05")
    assert not judge(half_bad, "DLTV-05", Attention(never=True)).needs_person
    assert not judge(_rows({"x.xlsx": (10, 0)}), "DLTV-01", Attention(any=True)).needs_person


def test_the_contracts_declare_it():
    # The office's own registers: any quarantined row needs a person; surveys: a share of a file.
    assert get("dltv_allocation").attention_for("REF-01").any
    assert get("schools").attention_for("SCH-01").any
    survey = get("dltv_equipment")
    assert survey.attention_for("REF-01").file_share == 0.5 and not survey.attention_for("REF-01").any
    assert survey.attention_for("DLTV-05").never and survey.attention_for("DLTV-07").never  # flags
    assert survey.attention_for("FMT-01").file_share == 0.5
    with pytest.raises(ValueError, match="unknown keys"):
        Attention.parse({"share": 0.5}, Attention())
