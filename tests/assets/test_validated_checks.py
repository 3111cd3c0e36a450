"""Rule checks as Dagster shows them: an ordinary night is healthy; only what needs a person fails."""

from __future__ import annotations

import dagster as dg
import polars as pl

from assets.validated import _check_results
from expectations.runner import Validation
from warehouse.contracts import get

NO_GX = Validation("t", pl.DataFrame(), [], None, 0.0)


def _rows(per_file: dict[str, list[list[str]]]) -> pl.DataFrame:
    files, ids = [], []
    for name, rule_lists in per_file.items():
        files += [name] * len(rule_lists)
        ids += rule_lists
    return pl.DataFrame(
        {"_source_file": files, "_sheet": "แบบสำรวจ", "_row": list(range(5, 5 + len(files))), "_rule_ids": ids,
         "_reason_th": "เหตุผล"},
        schema_overrides={"_rule_ids": pl.List(pl.String)},
    )


def _by_name(results: list[dg.AssetCheckResult]) -> dict[str, dg.AssetCheckResult]:
    return {r.check_name: r for r in results}


def test_an_ordinary_night_passes_with_its_findings_in_metadata():
    # 300 rows across a district workbook; a few quarantined and flagged rows, as every night has.
    rows = _rows({"อำเภอเมือง/รวมทั้งอำเภอ.xlsx": [["DLTV-01"]] * 4 + [["DLTV-07"]] * 3 + [[]] * 293,
                  "โรงเรียนบ้านนา.xlsx": [["REF-01"]]})
    results = _by_name(_check_results(get("dltv_equipment"), rows, NO_GX))
    assert all(r.passed for r in results.values())
    assert results["DLTV_01"].metadata["rows_failed"].value == 4
    assert results["DLTV_01"].metadata["rule_id"].value == "DLTV-01"
    assert results["REF_01"].metadata["needs_a_person"].value is False


def test_a_file_mostly_failing_one_rule_fails_its_check_as_an_error():
    rows = _rows({"แบบฟอร์มเก่า.xlsx": [["DLTV-03"]] * 8 + [[]] * 2, "อื่น.xlsx": [[]] * 100})
    results = _by_name(_check_results(get("dltv_equipment"), rows, NO_GX))
    assert not results["DLTV_03"].passed and results["DLTV_03"].severity == dg.AssetCheckSeverity.ERROR
    assert "แบบฟอร์มเก่า.xlsx" in results["DLTV_03"].metadata["files"].value
    assert results["DLTV_01"].passed


def test_flags_never_fail_and_registers_need_a_person_for_any_row():
    flagged = _rows({"ทั้งหมด.xlsx": [["DLTV-05"]] * 50})
    assert _by_name(_check_results(get("dltv_equipment"), flagged, NO_GX))["DLTV_05"].passed
    register = _rows({"ทะเบียนจัดสรร2568.xlsx": [["REF-01"]] + [[]] * 199})
    ref = _by_name(_check_results(get("dltv_allocation"), register, NO_GX))["REF_01"]
    assert not ref.passed and ref.severity == dg.AssetCheckSeverity.ERROR
