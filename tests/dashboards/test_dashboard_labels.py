"""Formatting and labels of the dashboards: Thai dates and baht, and labels taken from the contracts."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from dashboards import fmt
from dashboards import labels as L
from warehouse.contracts import all_rules, contracts, lists

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (datetime(2026, 11, 24, 2, 15, tzinfo=timezone.utc), "24 พ.ย. 2569 09:15 น."),
        (datetime(2025, 12, 31, 20, 5, tzinfo=timezone.utc), "1 ม.ค. 2569 03:05 น."),  # Bangkok is UTC+7
        (datetime(2026, 5, 1, 0, 0), "1 พ.ค. 2569 07:00 น."),  # naive = UTC
    ],
)
def test_thai_datetime_is_bangkok_time_in_buddhist_era(utc, shown):
    assert fmt.thai_datetime(utc) == shown


def test_numbers_have_thousands_separators_and_baht():
    assert fmt.number(1250) == "1,250"
    assert fmt.baht(1_250_000.4) == "1,250,000 บาท"
    assert fmt.percent(83.333) == "83.3%"
    assert fmt.number(None) == fmt.baht(None) == "–"


def test_labels_come_from_the_contracts():
    assert list(L.items().values()) == [i.th for i in lists()["dltv_items"]]
    assert L.table("dltv_equipment") == contracts()["dltv_equipment"].th
    assert L.table("no_such_table") == "no_such_table"
    assert L.column("dltv_equipment", "tv_request_replace") == (
        f"{lists()['dltv_items'][-1].th} - {L.subcolumn('request_replace')}")


def test_rule_text_is_general_not_one_rows_message():
    for rule_id in all_rules():
        text = L.rule_text(rule_id)
        assert "{" not in text and text
        assert not any(text.startswith(item + ":") for item in L.items().values())
    assert L.rule_text("REF-01") == "ไม่พบรหัสสถานศึกษา … ในทะเบียนสถานศึกษา"


def test_rule_label_is_thai_meaning_then_code():
    """What a director reads first, short enough for a chart axis, with the code beside it."""
    for rule_id in all_rules():
        label = L.rule_label(rule_id)
        assert label.endswith(f" ({rule_id})") and re.search("[ก-๙]", label), label
        assert len(L.rule_short(rule_id)) <= 80 and "{" not in label, label
    assert L.rule_label("REF-01") == "ไม่พบรหัสสถานศึกษา … ในทะเบียนสถานศึกษา (REF-01)"
    assert L.rule_label("DLTV-03") == "จำนวนอุปกรณ์เกินเกณฑ์ (DLTV-03)"  # the heading of a long criterion
    assert L.rule_label("FMT-03") == "คอลัมน์ … มีสูตรที่คำนวณผิดพลาด (FMT-03)"  # no advice, no bracketed value
    assert L.rule_label("XYZ-99") == "XYZ-99"  # unknown to the contracts: the code alone


def test_change_from_the_previous_year():
    assert fmt.change(73.3, 96.0, 1, "จุด") == "-22.7 จุด"
    assert fmt.change(1_250, 1_000, 0, "บาท") == "+250 บาท"
    assert fmt.change(5, 5) == 0  # Streamlit shows the number 0 grey, without an arrow
    assert fmt.change(5, None) is None and fmt.change(None, 5) is None


def test_dashboards_never_retype_contract_names():
    """Item, table and rule texts live in the contracts only; the dashboards look them up."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in DASHBOARDS.rglob("*.py"))
    declared = [i.th for i in lists()["dltv_items"]] + [c.th for c in contracts().values()]
    declared += [r.th for r in all_rules().values()]
    assert [t for t in declared if t in source] == []
