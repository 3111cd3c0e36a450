"""The four-area page (ข้อมูล 4 ด้าน, dashboards/app_pages/admin.py), run headless with Streamlit's AppTest.

The warehouse is the sample district through the real nightly run (tests/dashboards/conftest.py), with
its four-area workbooks of academic year 2568. Every figure the page shows is checked against plain SQL
over the published marts and tables, for the whole area and for one district picked in the filter. A
second warehouse, published from the same tables with no four-area row, shows the Thai empty state.
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
from tests.dashboards.login import log_in
from tests.dashboards.page_text import texts
from warehouse.publish import publish, read_snapshot

PAGE = Path(__file__).resolve().parents[2] / "dashboards" / "app_pages" / "admin.py"
AREA_TABLES = ("admin_academic", "admin_budget", "admin_personnel", "admin_general", "students_by_grade",
               "onet_by_subject", "onet_by_school", "budget_by_category", "teacher_shortage", "infrastructure",
               "infrastructure_by_district")


def open_page(monkeypatch, home: config.Home) -> AppTest:
    monkeypatch.setenv(config.ENV_HOME, str(home.root))
    at = log_in(AppTest.from_file(str(PAGE), default_timeout=60))
    assert not at.exception, [e.value for e in at.exception]
    return at


def rows(home: config.Home, query: str, *params) -> list[tuple]:
    with duckdb.connect(str(home.duckdb_path), read_only=True) as con:
        return con.execute(query, list(params)).fetchall()


def one(home: config.Home, query: str, *params) -> tuple:
    return rows(home, query, *params)[0]


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert len(found) == 1, f"no metric {label!r} in {[m.label for m in at.metric]}"
    return found[0]


def chart_rows(chart) -> pl.DataFrame:
    frames = [pl.from_arrow(pa.ipc.open_stream(d.data.data).read_all()) for d in chart.proto.datasets]
    return pl.concat(frames, how="diagonal") if frames else pl.DataFrame()


def chart_with(at: AppTest, column: str) -> pl.DataFrame:
    found = [rows for c in at.get("vega_lite_chart") if column in (rows := chart_rows(c)).columns]
    assert len(found) == 1, f"{len(found)} charts with {column!r}"
    return found[0]


def table_with(at: AppTest, column: str):
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, f"{len(found)} tables with {column!r}"
    return found[0]


@pytest.fixture(scope="module")
def no_admin_home(published_home, tmp_path_factory) -> config.Home:
    """The same district published again with no four-area row, mart or COV-03 line."""
    target = config.home(tmp_path_factory.mktemp("no_admin"))
    tables = {name: read_snapshot(published_home, name).clear() for name in AREA_TABLES}
    tables |= {name: read_snapshot(published_home, name).filter(pl.col("rule_id") != data.admin_coverage_rule())
               for name in ("coverage", "coverage_by_district", "missing_submissions")}
    tables["schools"] = read_snapshot(published_home, "schools")
    publish(target, tables)
    return target


def test_every_area_of_the_latest_year_against_the_warehouse(monkeypatch, home):
    at = open_page(monkeypatch, home)
    assert at.title[0].value == L.PAGE_ADMIN[0]
    year = one(home, "SELECT max(academic_year) FROM admin_academic")[0]
    fiscal = one(home, "SELECT max(fiscal_year) FROM admin_budget")[0]
    assert at.sidebar.selectbox(key="admin_year").value == year
    assert at.sidebar.selectbox(key="admin_fiscal_year").value == fiscal
    assert [t.label for t in at.tabs] == [L.sheet(t) for t in ("admin_academic", "admin_budget", "admin_personnel",
                                                                "admin_general")]
    shown = texts(at)

    # COV-03 of the year
    submitted, population = one(home, "SELECT submitted, population FROM coverage WHERE rule_id = ? AND period = ?",
                                data.admin_coverage_rule(), year)
    assert f"ส่งแล้ว {fmt.number(submitted)} จาก {fmt.number(population)} โรงเรียน" in shown

    # academic: students by grade and sex
    total, boys, girls = one(home, "SELECT sum(total), sum(male), sum(female) FROM students_by_grade "
                                   "WHERE academic_year = ?", year)
    counted = one(home, "SELECT sum(coalesce(male, 0) + coalesce(female, 0)) FROM admin_academic_grades "
                        "WHERE academic_year = ?", year)[0]
    assert total == boys + girls == counted
    assert metric(at, L.M_STUDENTS_COUNTED) == fmt.number(total)
    assert (metric(at, L.M_BOYS), metric(at, L.M_GIRLS)) == (fmt.number(boys), fmt.number(girls))
    grades = chart_with(at, "grade_th")
    assert grades["students"].sum() == total
    assert list(dict.fromkeys(grades["grade_th"])) == [g for g in L.coded("grades").values()
                                                       if g in set(grades["grade_th"])]

    # O-NET: the first level's district means and the area's, as the mart holds them
    level = at.radio(key="admin_onet_level").value
    assert level == next(k for k in L.coded("onet_levels")
                         if one(home, "SELECT count(*) FROM onet_by_subject WHERE academic_year = ? AND level = ?",
                                year, k)[0])
    onet = chart_with(at, "mean_score")
    assert onet.height == one(home, "SELECT count(*) FROM onet_by_subject WHERE academic_year = ? AND level = ?",
                              year, level)[0]
    assert sorted(onet["area_mean"].unique()) == sorted(r[0] for r in rows(
        home, "SELECT DISTINCT area_mean FROM onet_by_subject WHERE academic_year = ? AND level = ?", year, level))
    schools = table_with(at, L.C_DIFF_DISTRICT)
    assert len(schools) == one(home, "SELECT count(*) FROM onet_by_school WHERE academic_year = ? AND level = ?",
                               year, level)[0]

    # budget: received against spent
    received, spent = one(home, "SELECT sum(received_baht), sum(spent_baht) FROM admin_budget WHERE fiscal_year = ?",
                          fiscal)
    assert (metric(at, L.M_RECEIVED), metric(at, L.M_SPENT)) == (fmt.baht(received), fmt.baht(spent))
    assert metric(at, L.M_SPENT_PCT) == fmt.percent(100 * spent / received)
    budget = chart_with(at, "baht")
    assert budget["baht"].sum() == pytest.approx(received + spent)

    # personnel: students per teacher and the schools short of teachers (PER-03)
    teachers, students, short, reporting = one(
        home, "SELECT sum(teachers), sum(students_total) FILTER (teachers > 0), count(*) FILTER (shortage), count(*) "
              "FROM teacher_shortage WHERE academic_year = ?", year)
    assert metric(at, L.M_TEACHERS) == fmt.number(teachers)
    assert metric(at, L.M_STUDENTS_PER_TEACHER) == fmt.decimal(students / teachers)
    assert metric(at, L.M_SHORTAGE) == L.N_SCHOOLS.format(n=fmt.number(short))
    listed = table_with(at, L.C_TEACHER_VACANCIES)
    expected = {r[0] for r in rows(  # PER-03's threshold, or students and no teacher in post
        home, "SELECT school_code FROM teacher_shortage WHERE academic_year = ? AND (students_total * 1.0 / "
              "nullif(teachers, 0) > ? OR (teachers = 0 AND students_total > 0))", year, data.shortage_threshold())}
    assert set(listed[L.column("schools", "school_code")]) == expected and len(expected) == short > 0
    dots = chart_with(at, "students_per_teacher").drop_nulls("school_code")  # not the threshold line
    assert dots.height == reporting - one(home, "SELECT count(*) FROM teacher_shortage WHERE academic_year = ? "
                                                "AND students_per_teacher IS NULL", year)[0]

    # general administration: internet, computers, buildings
    pct, mbps, computers, poor = one(
        home, "SELECT 100.0 * count(*) FILTER (internet) / count(*), avg(internet_mbps) FILTER (internet), "
              "sum(computers_teaching) + sum(computers_admin), count(*) FILTER (building_condition_en = 'poor') "
              "FROM infrastructure WHERE academic_year = ?", year)
    assert (metric(at, L.M_INTERNET), metric(at, L.M_MEAN_MBPS)) == (fmt.percent(pct), fmt.decimal(mbps))
    assert metric(at, L.M_COMPUTERS) == fmt.number(computers)
    assert metric(at, L.M_POOR_BUILDINGS) == L.N_SCHOOLS.format(n=fmt.number(poor))
    conditions = chart_with(at, "condition")
    assert conditions["n"].sum() == one(home, "SELECT count(*) FROM infrastructure WHERE academic_year = ? "
                                              "AND building_condition IS NOT NULL", year)[0]
    assert set(conditions["condition"]) <= set(L.coded("building_conditions").values())
    assert len(at.get("vega_lite_chart")) == 6
    assert "citizen" not in shown and "h1:" not in shown  # the staff roster is never read


def test_a_district_picked_narrows_the_academic_figures(monkeypatch, home):
    at = open_page(monkeypatch, home)
    year = at.sidebar.selectbox(key="admin_year").value
    district = one(home, "SELECT district FROM students_by_grade WHERE academic_year = ? ORDER BY district DESC "
                         "LIMIT 1", year)[0]
    at.multiselect(key="admin_academic_district").set_value([district]).run()
    assert not at.exception
    total, boys = one(home, "SELECT sum(total), sum(male) FROM students_by_grade WHERE academic_year = ? "
                            "AND district = ?", year, district)
    assert (metric(at, L.M_STUDENTS_COUNTED), metric(at, L.M_BOYS)) == (fmt.number(total), fmt.number(boys))
    assert chart_with(at, "grade_th")["students"].sum() == total


def test_each_academic_year_picked_shows_that_years_figures(monkeypatch, home):
    at = open_page(monkeypatch, home)
    offered = at.sidebar.selectbox(key="admin_year").options
    years = [r[0] for r in rows(home, "SELECT academic_year FROM admin_academic UNION SELECT academic_year "
                                      "FROM admin_personnel UNION SELECT academic_year FROM admin_general UNION "
                                      "SELECT period FROM coverage WHERE rule_id = ? ORDER BY 1 DESC",
                                data.admin_coverage_rule())]
    assert [int(y) for y in offered] == years
    for year in years:
        at.sidebar.selectbox(key="admin_year").set_value(year).run()
        assert not at.exception
        teachers = one(home, "SELECT sum(teachers) FROM teacher_shortage WHERE academic_year = ?", year)[0]
        if teachers is None:
            assert L.NO_ADMIN_IN_YEAR.format(what=L.sheet("admin_personnel"),
                                             year=L.IN_ACADEMIC_YEAR.format(year=year)) in texts(at)
        else:
            assert metric(at, L.M_TEACHERS) == fmt.number(teachers)
            assert L.IN_ACADEMIC_YEAR.format(year=year) in texts(at)


def test_nothing_published_for_the_four_areas_says_so_in_thai(monkeypatch, no_admin_home):
    at = open_page(monkeypatch, no_admin_home)
    assert [i.value for i in at.info] == [L.NO_ADMIN_DATA]
    assert not at.tabs and not at.metric and not at.get("vega_lite_chart")
