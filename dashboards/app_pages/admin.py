"""ข้อมูล 4 ด้าน — the schools' four-area information (contract 3.5), for the director and the planning group,
one year at a time, a tab per sheet of the workbook:
- academic (academic year): students by grade and sex; O-NET means per subject and district against the
  mean of the whole area, and each school's scores against both;
- budget (fiscal year, picked apart: the budget sheet runs by fiscal year): received against spent per
  category and district;
- personnel (academic year): students per teacher per school and the schools short of teachers (PER-03);
- general administration (academic year): internet, computers and building condition by district.

Figures count the current valid and flagged rows of register schools, read from the four-area marts.
The staff roster sheet is never read here: it exists for the check of citizen IDs (PER-02), and its rows
are personal data.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import access, charts, data, fmt, ui
from dashboards import labels as L

access.require("admin")  # first: the role may open this page, before anything is read

TABLES = ("admin_academic", "admin_budget", "admin_personnel", "admin_general")


def nothing_in(table: str, year_text: str) -> None:
    st.info(L.NO_ADMIN_IN_YEAR.format(what=L.sheet(table), year=year_text))


def district_filter(df: pl.DataFrame, key: str) -> pl.DataFrame:
    """`df` limited to the districts picked (all when none is)."""
    picked = st.multiselect(L.DISTRICT, df["district"].drop_nulls().unique().sort().to_list(), placeholder=L.ALL,
                            key=key)
    return df.filter(pl.col("district").is_in(picked)) if picked else df


def reporting(year: int) -> None:
    """COV-03 of the academic year: how many register schools sent a workbook that passed."""
    cov = data.admin_coverage(year)
    if cov:
        st.caption(L.ADMIN_REPORTING_NOTE.format(
            submitted=fmt.number(cov["submitted"]), population=fmt.number(cov["population"]),
            rule=data.admin_coverage_rule(), not_sent_label=L.M_NOT_SENT, not_sent=fmt.number(cov["not_sent"]),
            rejected_label=L.M_REJECTED, rejected=fmt.number(cov["rejected"])))


def academic_tab(year: int) -> None:
    year_text = L.IN_ACADEMIC_YEAR.format(year=year)
    grades = data.students_by_grade(year)
    if grades.height == 0:
        nothing_in("admin_academic", year_text)
        return
    grades = district_filter(grades, "admin_academic_district")
    top = st.columns(3)
    ui.metric(top[0], L.M_STUDENTS_COUNTED, fmt.number(grades["total"].sum()), help=L.HELP_STUDENTS_COUNTED)
    ui.metric(top[1], L.M_BOYS, fmt.number(grades["male"].sum()))
    ui.metric(top[2], L.M_GIRLS, fmt.number(grades["female"].sum()))
    st.subheader(f"{L.H_STUDENTS_BY_GRADE} {year_text}")
    st.altair_chart(charts.students_by_grade(grades), width="stretch")
    with st.expander(f"{L.TABLE} {L.H_STUDENTS_BY_GRADE}"):
        ui.table(grades.select("district", "grade_th", "schools", "male", "female", "total"),
                 {"district": ui.text_col(L.DISTRICT), "grade_th": ui.text_col(L.C_GRADE),
                  "schools": ui.count_col(L.C_SCHOOLS), "male": ui.count_col(L.M_BOYS),
                  "female": ui.count_col(L.M_GIRLS), "total": ui.count_col(L.C_STUDENTS)})
    onet_section(year, year_text)


def onet_section(year: int, year_text: str) -> None:
    """One level at a time (ป.6 or ม.3): the districts' means per subject against the area's, then each school."""
    st.subheader(f"{L.H_ONET} {year_text}")
    onet = data.onet_by_subject(year)
    if onet.height == 0:
        st.info(L.NO_ROWS)
        return
    levels = [k for k in L.coded("onet_levels") if k in set(onet["level"])]
    level = st.radio(L.ONET_LEVEL, levels, format_func=L.coded("onet_levels").get, horizontal=True,
                     key="admin_onet_level")
    st.altair_chart(charts.onet_by_subject(onet.filter(pl.col("level") == level)), width="stretch")
    st.caption(L.NOTE_ONET)
    schools = data.onet_by_school(year, level)
    with st.expander(L.H_ONET_SCHOOLS):
        shown = district_filter(schools, "admin_onet_district")
        headers = {"school_code": L.column("schools", "school_code"), "school_name": L.column("schools", "school_name"),
                   "district": L.DISTRICT, "subject_th": L.C_SUBJECT, "score": L.C_SCORE,
                   "district_mean": L.C_DISTRICT_MEAN, "diff_from_district": L.C_DIFF_DISTRICT,
                   "area_mean": L.C_AREA_MEAN, "diff_from_area": L.C_DIFF_AREA}
        table = shown.select(list(headers)).rename(headers)
        ui.table(table, {h: st.column_config.NumberColumn(h, format="%.2f")
                         for h in (L.C_SCORE, L.C_DISTRICT_MEAN, L.C_DIFF_DISTRICT, L.C_AREA_MEAN, L.C_DIFF_AREA)})
        st.download_button(L.DOWNLOAD_CSV, data=data.csv_bytes(table), file_name=f"onet_{year}_{level}.csv",
                           mime="text/csv", icon=":material/download:", on_click="ignore", key="admin_onet_csv")


def budget_tab(fiscal: int | None) -> None:
    if fiscal is None:
        st.info(L.NO_ROWS)
        return
    year_text = L.IN_FISCAL_YEAR.format(year=fiscal)
    budget = data.budget_by_category(fiscal)
    if budget.height == 0:
        nothing_in("admin_budget", year_text)
        return
    budget = district_filter(budget, "admin_budget_district")
    received, spent = budget["received_baht"].sum(), budget["spent_baht"].sum()
    top = st.columns(3)
    ui.metric(top[0], L.M_RECEIVED, fmt.baht(received))
    ui.metric(top[1], L.M_SPENT, fmt.baht(spent))
    ui.metric(top[2], L.M_SPENT_PCT, fmt.percent(100.0 * spent / received if received else None), help=L.HELP_SPENT_PCT)
    st.subheader(f"{L.H_BUDGET} {year_text}")
    st.altair_chart(charts.budget_by_category(budget), width="stretch")
    with st.expander(L.H_BUDGET_BY_DISTRICT):
        ui.table(budget.select("district", "category_th", "schools", "received_baht", "spent_baht", "spent_pct"),
                 {"district": ui.text_col(L.DISTRICT), "category_th": ui.text_col(L.column("admin_budget", "category")),
                  "schools": ui.count_col(L.C_SCHOOLS),
                  "received_baht": ui.baht_col(L.column("admin_budget", "received_baht")),
                  "spent_baht": ui.baht_col(L.column("admin_budget", "spent_baht")),
                  "spent_pct": ui.percent_col(L.C_SPENT_PCT)})


def personnel_tab(year: int) -> None:
    year_text = L.IN_ACADEMIC_YEAR.format(year=year)
    staff = data.teacher_shortage(year)
    if staff.height == 0:
        nothing_in("admin_personnel", year_text)
        return
    staff = district_filter(staff, "admin_personnel_district")
    threshold = data.shortage_threshold()
    short = staff.filter(pl.col("shortage"))
    taught = staff.filter(pl.col("teachers") > 0)
    ratio = taught["students_total"].sum() / taught["teachers"].sum() if taught.height else None
    top = st.columns(3)
    ui.metric(top[0], L.M_TEACHERS, fmt.number(staff["teachers"].sum()), unit=L.PEOPLE)
    ui.metric(top[1], L.M_STUDENTS_PER_TEACHER, fmt.decimal(ratio), help=L.HELP_STUDENTS_PER_TEACHER)
    ui.metric(top[2], L.M_SHORTAGE, L.N_SCHOOLS.format(n=fmt.number(short.height)),
              help=L.HELP_SHORTAGE.format(threshold=threshold, n=fmt.number(staff.height)))
    st.subheader(f"{L.H_STUDENTS_PER_TEACHER.format(threshold=threshold)} {year_text}")
    st.altair_chart(charts.students_per_teacher(staff, threshold), width="stretch")
    st.subheader(f"{L.H_SHORTAGE_LIST} {year_text}")
    if short.height == 0:
        st.success(L.NO_SHORTAGE)
        return
    headers = {"school_code": L.column("schools", "school_code"), "school_name": L.column("schools", "school_name"),
               "district": L.DISTRICT, "students_total": L.column("schools", "students_total"),
               "teachers": L.C_TEACHERS, "students_per_teacher": L.C_STUDENTS_PER_TEACHER,
               "teacher_vacancies": L.C_TEACHER_VACANCIES, "vacancies": L.C_VACANCIES}
    table = short.select(list(headers)).rename(headers)
    st.caption(L.N_SCHOOLS.format(n=fmt.number(table.height)))
    ui.table(table, {L.C_STUDENTS_PER_TEACHER: st.column_config.NumberColumn(L.C_STUDENTS_PER_TEACHER, format="%.1f")})
    st.download_button(L.DOWNLOAD_CSV, data=data.csv_bytes(table), file_name=f"teacher_shortage_{year}.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore", key="admin_shortage_csv")


def general_tab(year: int) -> None:
    year_text = L.IN_ACADEMIC_YEAR.format(year=year)
    by_district = data.infrastructure_by_district(year)
    if by_district.height == 0:
        nothing_in("admin_general", year_text)
        return
    total = data.infrastructure_totals(year)
    top = st.columns(4)
    ui.metric(top[0], L.M_INTERNET, fmt.percent(total["internet_pct"]),
              help=L.COVERAGE_NOTE.format(submitted=fmt.number(total["schools_internet"]),
                                          population=fmt.number(total["schools"])))
    ui.metric(top[1], L.M_MEAN_MBPS, fmt.decimal(total["mean_internet_mbps"]), help=L.HELP_MEAN_MBPS)
    ui.metric(top[2], L.M_COMPUTERS, fmt.number(total["computers_teaching"] + total["computers_admin"]),
              help=L.HELP_COMPUTERS)
    ui.metric(top[3], L.M_POOR_BUILDINGS, L.N_SCHOOLS.format(n=fmt.number(total["schools_poor"])))
    left, right = st.columns(2)
    with left:
        st.subheader(L.H_INTERNET_BY_DISTRICT)
        st.altair_chart(charts.internet_by_district(by_district), width="stretch")
    with right:
        st.subheader(L.H_CONDITION_BY_DISTRICT)
        st.altair_chart(charts.condition_by_district(by_district), width="stretch")
    st.subheader(f"{L.H_INFRA_BY_DISTRICT} {year_text}")
    ui.table(by_district, {
        "district": ui.text_col(L.DISTRICT), "schools": ui.count_col(L.C_SCHOOLS_REPORTING),
        "schools_internet": ui.count_col(L.C_SCHOOLS_INTERNET), "internet_pct": ui.percent_col(L.C_INTERNET_PCT),
        "mean_internet_mbps": ui.percent_col(L.C_MEAN_MBPS), "schools_no_electricity": ui.count_col(L.C_NO_ELECTRICITY),
        "computers_teaching": ui.count_col(L.column("admin_general", "computers_teaching")),
        "computers_admin": ui.count_col(L.column("admin_general", "computers_admin")),
        "students_per_computer": ui.percent_col(L.C_STUDENTS_PER_COMPUTER),
        "buildings": ui.count_col(L.column("admin_general", "buildings")),
        **{c: ui.count_col(f"{L.column('admin_general', 'building_condition')}: {th}")
           for c, th in L.condition_columns().items()},
        "mean_distance_km": ui.percent_col(L.C_MEAN_DISTANCE)})


ui.heading(L.PAGE_ADMIN)
ui.require_published()
academic_years, fiscal_years = data.admin_academic_years(), data.admin_fiscal_years()
if not academic_years and not fiscal_years:
    st.info(L.NO_ADMIN_DATA, icon=":material/info:")
    st.stop()

year = st.sidebar.selectbox(L.ACADEMIC_YEAR, academic_years, index=0, key="admin_year") if academic_years else None
fiscal = st.sidebar.selectbox(L.FISCAL_YEAR, fiscal_years, index=0, key="admin_fiscal_year") if fiscal_years else None
st.caption(L.NOTE_ADMIN)
if year is not None:
    reporting(year)

tabs = st.tabs([L.sheet(t) for t in TABLES])
with tabs[1]:
    budget_tab(fiscal)
for tab, show in zip((tabs[0], tabs[2], tabs[3]), (academic_tab, personnel_tab, general_tab)):
    with tab:
        if year is None:
            st.info(L.NO_ROWS)
        else:
            show(year)
