"""The upload page (ส่งไฟล์ข้อมูล, dashboards/app_pages/upload.py), run headless with AppTest as the test school.

The test school (tests/dashboards/login.py, its school the first of the published register) logs in through
the real form and sends, through the page's own file box and button, a DLIT survey made here as a school's
spreadsheet saves it (Windows Thai encoding, Thai digits, `/` ticks, `100 Mbps`). The good file is filed in
landing/; the bad one is refused and its rows and rules are listed, the same messages `khlang check` gives.
Each test writes into its own data root: a copy of the session's published warehouse (the register).
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import fmt
from dashboards import labels as L
from pipelines import config
from pipelines.cli.check import check_file
from pipelines.upload import records
from tests.dashboards.login import log_in
from warehouse.contracts import get

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "dashboards" / "app_pages" / "upload.py"
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def dlit_csv(code: str, *changes: dict) -> bytes:
    """A DLIT survey of school `code` for 2568 (one row per dict of `changes`, semester 1, 2, …), with the
    contract's Thai headers, saved in Windows Thai (cp874)."""
    good = {"academic_year": "๒๕๖๘", "school_code": "'" + code.translate(THAI_DIGITS), "school_name": "โรงเรียนบ้านทดสอบ",
            "teachers_total": "๑๒", "teachers_using": "5", "uses_classroom": "/", "uses_resources": "ใช้",
            "uses_library": "", "uses_assessment": "ไม่ใช้", "uses_plc": "/", "hours_per_week": "3.5",
            "internet_mbps": "100 Mbps", "student_devices": "1,020", "satisfaction": "4",
            "problems": "อินเทอร์เน็ตช้าช่วงบ่าย, ไฟดับบ่อย"}
    columns = get("dlit_usage").columns
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([c.header_th for c in columns])
    for semester, change in enumerate(changes or ({},), start=1):
        row = {**good, "semester": str(semester), **change}
        w.writerow([row.get(c.name, "") for c in columns])
    return buf.getvalue().encode("cp874")


BAD = ({"teachers_using": "15"}, {"satisfaction": "7"})  # DLIT-01 on row 2, DLIT-02 on row 3


@pytest.fixture
def root(published_home, tmp_path, monkeypatch) -> config.Home:
    """A data root with the published warehouse and nothing else, read by the page."""
    shutil.copytree(published_home.warehouse, tmp_path / "root" / "warehouse")
    monkeypatch.setenv(config.ENV_HOME, str(tmp_path / "root"))
    return config.home(tmp_path / "root")


def send(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    at.file_uploader(key="upload_file").set_value((name, data, mime)).run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="upload_send").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def messages(at: AppTest):
    [table] = [t.value for t in at.table if L.C_RULE_ID in t.value.columns]
    return table


def test_a_school_sends_a_good_file_and_it_is_filed(root, own_school):
    at = log_in(AppTest.from_file(str(PAGE), default_timeout=60), "school")
    assert [t.value for t in at.title] == [L.PAGE_UPLOAD[0]]
    assert at.button(key="upload_send").disabled, "nothing to send before a file is chosen"
    send(at, "DLIT_2568_ภาค1.csv", dlit_csv(own_school))
    assert not at.error, [e.value for e in at.error]
    assert [s.value for s in at.success] == [L.UPLOAD_PASS]
    [record] = records(root)
    assert record["school_code"] == own_school and record["user"] == "test_school"
    assert record["path"].startswith(f"dlit_usage/2568/uploads/{own_school}/") and record["path"].endswith("_DLIT_2568_ภาค1.csv")
    shown = " ".join(m.value for m in at.markdown)
    assert f"landing/{record['path']}" in shown
    assert fmt.thai_datetime(datetime.fromisoformat(record["time"])) in shown, "when, in Bangkok time and BE"
    assert L.UPLOAD_NO_MESSAGES in [c.value for c in at.caption]
    assert (root.landing / record["path"]).read_bytes() == dlit_csv(own_school)
    assert at.button(key="upload_send").disabled, "the same file is not sent twice"


def test_a_school_sends_a_bad_file_and_sees_the_rows_to_fix(root, own_school, tmp_path):
    at = log_in(AppTest.from_file(str(PAGE), default_timeout=60), "school")
    data = dlit_csv(own_school, *BAD)
    send(at, "DLIT_2568.csv", data)
    [error] = [e.value for e in at.error]
    assert error.startswith(L.UPLOAD_FAIL) and "2 แถวที่ไม่ผ่าน" in error
    table = messages(at)
    assert list(table.columns) == [L.C_SHEET, L.C_ROW, L.C_COLUMN, L.C_RULE_ID, L.C_RESULT, L.C_REASON, "English"]
    assert table[[L.C_ROW, L.C_RULE_ID]].values.tolist() == [["2", "DLIT-01"], ["3", "DLIT-02"]]
    assert set(table[L.C_RESULT]) == {"✗ ต้องแก้ไข"} and table[L.C_COLUMN][0] == "จำนวนครูทั้งหมด, ครูที่ใช้ DLIT"
    path = tmp_path / "DLIT_2568.csv"  # the same bytes checked by khlang check's own function
    path.write_bytes(data)
    expected = [(m.th, m.en) for m in check_file(path, root).messages]
    assert list(zip(table[L.C_REASON], table["English"], strict=True)) == expected
    assert not root.landing.exists() and records(root) == []


def test_a_school_cannot_send_another_schools_rows(root, own_school, published_home):
    import duckdb

    with duckdb.connect(str(published_home.duckdb_path), read_only=True) as con:
        other = con.execute("SELECT max(school_code) FROM schools").fetchone()[0]
    at = log_in(AppTest.from_file(str(PAGE), default_timeout=60), "school")
    send(at, "DLIT.csv", dlit_csv(other))
    [error] = [e.value for e in at.error]
    assert f"รหัส {other} (ชีต csv แถว 2)" in error and own_school in error
    assert records(root) == []
