"""The school profile page (โปรไฟล์โรงเรียน, dashboards/app_pages/school.py), run headless with AppTest.

On the sample district (tests/dashboards/conftest.py), with its four-area workbooks, two schools are opened: one whose
four-area workbook was rejected (its quarantined rows and its rejected COV-03 line must show, with their
rules), and one with accepted four-area sheets (its latest figures and year-by-year tables). Every table is
checked against plain SQL over the published warehouse; nothing personal is read.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import data, fmt
from dashboards import labels as L
from pipelines import config
from tests.dashboards.page_text import texts
from tests.dashboards.login import log_in

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "dashboards" / "app_pages" / "school.py"


def rows(home: config.Home, query: str, *params) -> list[tuple]:
    with duckdb.connect(str(home.duckdb_path), read_only=True) as con:
        return con.execute(query, list(params)).fetchall()


def open_school(monkeypatch, home: config.Home, code: str | None) -> AppTest:
    """The page on `home`, opened at `?school=<code>` (no school picked when None)."""
    monkeypatch.setenv(config.ENV_HOME, str(home.root))
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    if code:
        at.query_params["school"] = code
    log_in(at)
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at: AppTest, column: str):
    found = [d.value for d in [*at.dataframe, *at.table] if column in d.value.columns]
    assert found, f"no table with {column!r}"
    return found


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert len(found) == 1, f"no metric {label!r} in {[m.label for m in at.metric]}"
    return found[0]


@pytest.fixture(scope="module")
def rejected(published_home) -> str:
    """A register school whose four-area academic sheet was quarantined (COV-03: sent but rejected)."""
    found = rows(published_home, "SELECT school_code FROM missing_submissions WHERE rule_id = ? "
                                 "AND status = 'rejected' ORDER BY period DESC, school_code LIMIT 1",
                 data.admin_coverage_rule())
    assert found, "the test district has a rejected four-area workbook"
    return found[0][0]


@pytest.fixture(scope="module")
def accepted(published_home) -> str:
    """A school with accepted academic, personnel and general sheets and DLIT rows."""
    found = rows(published_home, "SELECT p.school_code FROM school_profile p "
                                 "JOIN teacher_shortage t USING (school_code) WHERE p.admin_academic_year IS NOT NULL "
                                 "AND p.admin_general_year IS NOT NULL AND p.dlit_latest_year IS NOT NULL "
                                 "GROUP BY p.school_code "
                                 "ORDER BY count(*) DESC, p.school_code LIMIT 1")
    assert found, "the test district has schools with accepted four-area sheets"
    return found[0][0]


def test_no_school_picked_asks_for_one(monkeypatch, home):
    at = open_school(monkeypatch, home, None)
    assert at.title[0].value == L.PAGE_SCHOOL[0]
    box = at.selectbox(key="school_code")
    assert box.value is None and len(box.options) == rows(home, "SELECT count(*) FROM schools")[0][0]
    assert [i.value for i in at.info] == [L.CHOOSE_SCHOOL] and not at.dataframe


def test_a_rejected_school_shows_its_quarantined_rows_and_missing_submissions(monkeypatch, home, rejected):
    code = rejected
    at = open_school(monkeypatch, home, code)
    assert at.selectbox(key="school_code").value == code
    shown = texts(at)
    name, district, students = rows(home, "SELECT school_name, district, students_total FROM schools "
                                          "WHERE school_code = ?", code)[0]
    register = table_with(at, L.C_VALUE)
    cells = {f: v for t in register for f, v in zip(t[L.C_FIELD], t[L.C_VALUE])}
    assert cells[L.column("schools", "school_name")] == name and cells[L.column("schools", "district")] == district
    assert cells[L.column("schools", "students_total")] == fmt.number(students)

    quarantined = rows(home, "SELECT table_name, rule_ids FROM quarantine WHERE school_code = ?", code)
    assert quarantined and any(t == "admin_academic" for t, _ in quarantined)
    listed = table_with(at, L.C_REASON)[0]
    assert len(listed) == len(quarantined)
    assert set(listed[L.TABLE]) == {L.table(t) for t, _ in quarantined}
    codes = {part.rsplit("(", 1)[-1].rstrip(")") for cell in listed[L.C_RULE] for part in cell.split(", ")}
    assert {r for _, ids in quarantined for r in ids} <= codes

    lines = rows(home, "SELECT rule_id, period FROM coverage")
    coverage = table_with(at, L.C_REJECTED_RULES)[0]
    assert len(coverage) == len(lines)  # every coverage rule and period, one line each
    missing = rows(home, "SELECT rule_id, period, status FROM missing_submissions WHERE school_code = ?", code)
    got = {(r, p, s) for r, p, s in zip(coverage[L.C_RULE_ID], coverage[L.C_PERIOD], coverage[L.C_STATUS])}
    assert {(r, p, L.STATUSES[s]) for r, p, s in missing} <= got
    note = L.SCHOOL_MISSING_NOTE.format(
        n=len(missing), not_sent_label=L.M_NOT_SENT, not_sent=sum(s == "not_sent" for *_, s in missing),
        rejected_label=L.M_REJECTED, rejected=sum(s == "rejected" for *_, s in missing))
    assert [w.value for w in at.warning] == [note]

    dltv = rows(home, "SELECT count(*) FROM dltv_equipment_items WHERE school_code = ?", code)[0][0]
    assert len(table_with(at, L.subcolumn("request_replace"))[0]) == dltv
    dlit = rows(home, "SELECT count(*) FROM dlit_usage WHERE school_code = ?", code)[0][0]
    assert len(table_with(at, L.C_SERVICE_NAMES)[0]) == dlit
    assert "h1:" not in shown  # no hashed citizen ID, nor any staff roster row


def test_a_school_with_four_area_sheets_over_the_years(monkeypatch, home, accepted):
    code = accepted
    at = open_school(monkeypatch, home, code)
    p = rows(home, "SELECT admin_students_counted, admin_teachers, admin_students_per_teacher, "
                   "admin_computers_teaching + coalesce(admin_computers_admin, 0), admin_building_condition "
                   "FROM school_profile "
                   "WHERE school_code = ?", code)[0]
    assert metric(at, L.M_STUDENTS_COUNTED) == fmt.number(p[0])
    assert metric(at, L.M_TEACHERS) == fmt.number(p[1])
    assert metric(at, L.M_STUDENTS_PER_TEACHER).startswith(fmt.decimal(p[2]))
    assert metric(at, L.M_COMPUTERS) == fmt.number(p[3])
    assert metric(at, L.column("admin_general", "building_condition")).startswith(p[4])

    grades = table_with(at, L.C_GRADE)[0]
    expected = rows(home, "SELECT academic_year, sum(coalesce(male, 0) + coalesce(female, 0)) "
                          "FROM admin_academic_grades WHERE school_code = ? GROUP BY ALL ORDER BY 1 DESC", code)
    year = L.column("admin_academic", "academic_year")
    assert [(y, int(grades[grades[year] == y][L.C_STUDENTS].sum())) for y, _ in expected] == expected
    [chart] = at.get("vega_lite_chart")  # the latest year's pupils by grade and sex, drawn
    drawn = pl.concat([pl.from_arrow(pa.ipc.open_stream(d.data.data).read_all()) for d in chart.proto.datasets])
    assert drawn["students"].sum() == expected[0][1]
    staff = table_with(at, L.C_STAFF_IN_POST)[0]
    assert list(staff[year]) == [y for (y,) in rows(home, "SELECT academic_year FROM teacher_shortage "
                                                          "WHERE school_code = ? ORDER BY 1 DESC", code)]
    onet = table_with(at, L.C_DIFF_DISTRICT)[0]
    assert len(onet) == rows(home, "SELECT count(*) FROM onet_by_school WHERE school_code = ?", code)[0][0]
    general = table_with(at, L.column("admin_general", "building_condition"))[0]  # DLIT has an Mbps column too
    assert len(general) == rows(home, "SELECT count(*) FROM infrastructure WHERE school_code = ?", code)[0][0]


def test_the_pages_never_name_a_personal_column():
    """The door refuses personal columns anyway; the four-area and school pages do not even ask."""
    personal = ("citizen_id", "full_name", "reporter_name", "reporter_phone")
    for path in (PAGE, ROOT / "dashboards" / "app_pages" / "admin.py"):
        source = path.read_text(encoding="utf-8")
        assert not [c for c in personal if c in source], path.name
    assert "admin_staff " not in "\n".join(
        line for line in (ROOT / "dashboards" / "data.py").read_text(encoding="utf-8").splitlines()
        if "FROM" in line or "JOIN" in line)
