"""The GX runner: rows come from COMPLETE results, what GX stores and renders is bounded."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from expectations.runner import ROW_ID, STORED_SAMPLE, needed_columns, validate
from warehouse.contracts import get



def _schools(n_bad: int, n_good: int = 5) -> pl.DataFrame:
    """Register rows: `n_bad` with a malformed code (SCH-01), the rest clean; `_row_id` from 100."""
    contract = get("schools")
    rows = []
    for i in range(n_bad + n_good):
        code = f"20{i:08d}" if i < n_bad else f"10{i:08d}"
        rows.append({"school_code": code, "smis_code": f"{40000000 + i}", "students_total": 80, "size_class": "เล็ก",
                     "lat": 16.4, "lon": 102.8, "is_dltv_school": True})
    frame = pl.DataFrame(rows).with_columns(
        pl.int_range(100, 100 + len(rows), dtype=pl.Int64).alias(ROW_ID),
        _source_file=pl.lit("f.xlsx"), dltv_eligible=pl.lit(True),
    )
    missing = [c.name for c in contract.columns if c.name not in frame.columns]
    return frame.with_columns(pl.lit(None, pl.String).alias(c) for c in missing)


def test_rows_come_from_unexpected_index_list_keyed_by_row_id():
    v = validate(_schools(3), get("schools"), {"today": date(2026, 1, 1)})
    sch01 = v.failures.filter(pl.col("rule_id") == "SCH-01").get_column(ROW_ID).sort().to_list()
    assert sch01 == [100, 101, 102]
    assert {o.rule_id for o in v.outcomes} == set(get("schools").rule_ids)
    assert next(o for o in v.outcomes if o.rule_id == "SCH-01" and not o.success).unexpected_count == 3


def test_stored_result_is_bounded_but_every_row_is_decided(tmp_path):
    n = STORED_SAMPLE * 3
    v = validate(_schools(n), get("schools"), {"today": date(2026, 1, 1)},
                 project_root=tmp_path)
    assert v.failures.filter(pl.col("rule_id") == "SCH-01").height == n
    stored = list((tmp_path / "gx" / "uncommitted" / "validations").rglob("*.json"))
    assert len(stored) == 1
    doc = json.loads(stored[0].read_text(encoding="utf-8"))
    failed = [r for r in doc["results"] if not r["success"]]
    assert failed
    for r in failed:
        for name in ("unexpected_list", "unexpected_index_list", "partial_unexpected_list"):
            assert len(r["result"].get(name) or []) <= STORED_SAMPLE
    assert any(r["result"]["unexpected_count"] == n for r in failed), "counts stay exact"
    assert "trimmed" in doc["meta"]["khlang_note"]
    assert v.data_docs is not None and v.data_docs.exists()


def test_gx_gets_only_the_columns_the_suite_names():
    suite = json.dumps([{"kwargs": {"column": "a", "row_condition": "b > 0"}}, {"kwargs": {"column_list": ["c"]}}])
    frame = pl.DataFrame({ROW_ID: [0], "a": [1], "b": [1], "c": [1], "_raw": ["{}"], "d": [1]})
    assert needed_columns(suite, frame) == ["a", "b", "c"]


def _other_process_saves_the_project(root) -> None:
    """Another process (a worker, a killed run) saving this table's GX objects in the same project."""
    import subprocess
    import sys

    code = ("from datetime import date; from pathlib import Path; import polars as pl;"
            "from warehouse.contracts import get; from expectations.runner import validate;"
            "import tests.expectations.test_runner as t;"
            f"validate(t._schools(1), get('schools'), {{'today': date(2026, 1, 1)}}, project_root=Path({str(root)!r}), build_docs=False)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_a_kept_project_is_reused_and_opened_again_after_another_process_saved_it(tmp_path):
    from expectations import runner

    def run(n_bad):
        return validate(_schools(n_bad), get("schools"), {"today": date(2026, 1, 1)}, project_root=tmp_path,
                        build_docs=False)

    assert run(2).failures.filter(pl.col("rule_id") == "SCH-01").height == 2
    kept = runner._project.ctx
    assert run(4).failures.filter(pl.col("rule_id") == "SCH-01").height == 4
    assert runner._project.ctx is kept, "the second batch reuses the context"
    _other_process_saves_the_project(tmp_path)
    assert run(3).failures.filter(pl.col("rule_id") == "SCH-01").height == 3, "still right after another process saved"
    stored = list((tmp_path / "gx" / "uncommitted" / "validations").rglob("*.json"))
    assert len(stored) == 4, "every validation stored, the other process's included"


def test_decimal_columns_reach_gx_as_floats_and_the_bounds_still_hold(monkeypatch):
    """Register coordinates are decimals. GX gets them as float64: as Python Decimals every value it
    reports went through `convert_decimal_to_float`, which walks `inspect.stack()` (seconds a table)."""
    from decimal import Decimal

    import great_expectations.util as gx_util

    def no_stack_walks(*_a, **_k):
        raise AssertionError("GX converted a Decimal (inspect.stack)")

    monkeypatch.setattr(gx_util, "stack", no_stack_walks)
    frame = _schools(0, 4).with_columns(
        lat=pl.Series([Decimal("5.6"), Decimal("20.5"), Decimal("20.6"), Decimal("16.4")], dtype=pl.Decimal(9, 6)),
        lon=pl.Series([Decimal("97.3"), Decimal("105.7"), Decimal("102.8"), Decimal("105.8")], dtype=pl.Decimal(9, 6)),
    )
    v = validate(frame, get("schools"), {"today": date(2026, 1, 1)})
    sch05 = v.failures.filter(pl.col("rule_id") == "SCH-05").get_column(ROW_ID).sort().to_list()
    assert sch05 == [102, 103], "the bounds themselves are inside Thailand; 20.6 N and 105.8 E are not"
