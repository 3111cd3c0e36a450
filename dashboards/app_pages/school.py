"""โปรไฟล์โรงเรียน — everything the warehouse holds about one school, across surveys and years: for the
ICT group on the phone with a school, and for a supervisor before a visit.

Pick a school (the box searches code, SMIS code and name; `?school=<code>` opens one directly; a school's
own account gets its own school, no picker), then:
its register row; its latest four-area figures; its DLTV surveys by fiscal year; its DLIT use by semester;
the four areas year by year; its quarantined rows with the Thai reasons; and its status on every coverage
rule and period (sent, sent but rejected, sent nothing, or not asked to send).

Only named columns are read: the DLTV survey's reporter name and phone and the staff roster never are.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import access, charts, data, fmt, ui
from dashboards import labels as L

user = access.require("school")  # first: the role may open this page, before anything is read

REGISTER = ("school_code", "smis_code", "school_name", "district", "subdistrict", "province", "students_total",
            "size_class", "is_dltv_school")


def pick_school() -> str | None:
    """The school picked in the search box; `?school=<code>` in the address picks it first."""
    schools = data.school_list()
    if schools.height == 0:
        st.info(L.NO_SCHOOLS)
        st.stop()
    names = {r["school_code"]: f"{r['school_code']} · {r['school_name']} · {r['district']} (SMIS {r['smis_code']})"
             for r in schools.iter_rows(named=True)}
    codes = list(names)
    asked = st.query_params.get("school")
    code = st.selectbox(L.PICK_SCHOOL, codes, index=codes.index(asked) if asked in names else None,
                        format_func=names.get, placeholder=L.PICK_SCHOOL_HINT, key="school_code")
    if code is not None:
        st.query_params["school"] = code  # the address opens this school again
    return code


def written(value) -> str:
    """A register value as a table cell: numbers with separators, yes/no in Thai, "–" when blank."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return L.TRUE_FALSE[value]
    if isinstance(value, int):
        return fmt.number(value)
    if isinstance(value, float):
        return f"{value:.5f}"
    return str(value)


def register_section(p: dict) -> None:
    st.subheader(L.H_REGISTER)
    fields = [(L.column("schools", c), written(p[c])) for c in REGISTER]
    fields += [(L.C_ELIGIBLE, written(p["dltv_eligible"])),
               (L.column("schools", "lat"), written(p["lat"])), (L.column("schools", "lon"), written(p["lon"])),
               (L.OUTCOME, L.OUTCOMES.get(p["register_outcome"], p["register_outcome"] or "–")),
               (L.C_RULE, ", ".join(L.rule_label(r) for r in p["register_rule_ids"] or []) or "–")]
    half = (len(fields) + 1) // 2
    for where, part in zip(st.columns(2), (fields[:half], fields[half:])):
        with where:
            ui.wrapped_table(pl.DataFrame(part, schema=["field", "value"], orient="row"),
                             {"field": L.C_FIELD, "value": L.C_VALUE}, most_rows=len(part))


def latest_admin_section(p: dict) -> None:
    """The latest figures of each four-area sheet (each with its own academic year)."""
    st.subheader(L.H_LATEST_ADMIN)
    if p["admin_academic_year"] is None and p["admin_personnel_year"] is None and p["admin_general_year"] is None:
        st.info(L.NO_ADMIN_FOR_SCHOOL)
        return

    def of(year):
        return L.LATEST_OF.format(year=year) if year is not None else None

    top, second = st.columns(3), st.columns(3)
    ui.metric(top[0], L.M_STUDENTS_COUNTED, fmt.number(p["admin_students_counted"]), help=of(p["admin_academic_year"]))
    ui.metric(top[1], L.M_TEACHERS, fmt.number(p["admin_teachers"]), help=of(p["admin_personnel_year"]))
    shortage = p["admin_teacher_shortage"]
    ratio = fmt.decimal(p["admin_students_per_teacher"])
    if shortage is not None:
        ratio += f" · {L.SHORTAGE_LABELS[shortage]}"
    ui.metric(top[2], L.M_STUDENTS_PER_TEACHER, ratio, help=of(p["admin_personnel_year"]))
    internet = L.HAS.get(p["admin_internet"], "–")
    if p["admin_internet_mbps"] is not None:
        internet += f" · {fmt.decimal(p['admin_internet_mbps'])} {L.MBPS}"
    ui.metric(second[0], L.column("admin_general", "internet"), internet, help=of(p["admin_general_year"]))
    computers = [c for c in (p["admin_computers_teaching"], p["admin_computers_admin"]) if c is not None]
    ui.metric(second[1], L.M_COMPUTERS, fmt.number(sum(computers)) if computers else "–",
              help=of(p["admin_general_year"]))
    ui.metric(second[2], L.column("admin_general", "building_condition"),
              f"{p['admin_building_condition'] or '–'} · {fmt.number(p['admin_buildings'])} "
              f"{L.column('admin_general', 'buildings')}", help=of(p["admin_general_year"]))


def outcome_columns(df: pl.DataFrame) -> pl.DataFrame:
    """outcome in Thai and rule_ids as their Thai meaning with the code."""
    return df.with_columns(
        pl.col("outcome").replace_strict(L.OUTCOMES, default=pl.col("outcome")),
        pl.col("rule_ids").map_elements(lambda ids: ", ".join(L.rule_label(i) for i in ids), return_dtype=pl.String),
    )


def shown(df: pl.DataFrame, headers: dict[str, str]) -> None:
    """The frame's `headers` columns under their Thai names, or the no-rows note."""
    if df.height == 0:
        st.info(L.NO_SCHOOL_ROWS)
        return
    ui.table(df.select(list(headers)).rename(headers))


def dltv_section(code: str) -> None:
    st.subheader(L.H_SCHOOL_DLTV)
    rows = data.school_dltv(code)
    if rows.height:
        rows = outcome_columns(rows).with_columns(
            pl.col("item").replace_strict(L.items(), default=pl.col("item")),
            pl.col("survey_date").map_elements(L.thai_date, return_dtype=pl.String))
    subs = ("total", "working", "broken", "request_replace", "request_repair")
    shown(rows, {"fiscal_year": L.column("dltv_equipment", "fiscal_year"),
                 "survey_date": L.column("dltv_equipment", "survey_date"),
                 "dltv_classrooms": L.column("dltv_equipment", "dltv_classrooms"),
                 "item": L.column("dltv_allocation", "item"), **{s: L.subcolumn(s) for s in subs},
                 "outcome": L.OUTCOME, "rule_ids": L.C_RULE})


def dlit_section(code: str) -> None:
    st.subheader(L.H_SCHOOL_DLIT)
    rows = data.school_dlit(code)
    if rows.height:
        names = [pl.when(pl.col(c)).then(pl.lit(th)) for c, th in L.dlit_services().items()]
        rows = outcome_columns(rows).with_columns(
            pl.struct("academic_year", "semester").map_elements(lambda t: L.term(t["academic_year"], t["semester"]),
                                                                return_dtype=pl.String).alias("term"),
            pl.concat_list(names).list.drop_nulls().list.join(", ").alias("services"))
    numbers = ("teachers_total", "teachers_using", "hours_per_week", "internet_mbps", "student_devices", "satisfaction")
    shown(rows, {"term": L.column("dlit_usage", "semester"), **{c: L.column("dlit_usage", c) for c in numbers},
                 "services": L.C_SERVICE_NAMES, "outcome": L.OUTCOME, "rule_ids": L.C_RULE})


def admin_section(code: str) -> None:
    """The four areas year by year, a tab per sheet."""
    st.subheader(L.H_SCHOOL_ADMIN)
    academic, budget, personnel, general = st.tabs(
        [L.sheet(t) for t in ("admin_academic", "admin_budget", "admin_personnel", "admin_general")])
    year = L.column("admin_academic", "academic_year")
    with academic:
        by_grade = data.school_grades(code)
        if by_grade.height:  # the latest year's pupils by grade and sex, as the four-area page draws the area's
            latest = by_grade["academic_year"].max()
            st.caption(f"{L.C_STUDENTS} {year} {latest}")
            order = {k: i for i, k in enumerate(L.coded("grades"))}
            st.altair_chart(charts.students_by_grade(by_grade.filter(pl.col("academic_year") == latest).with_columns(
                grade_th=pl.col("grade").replace_strict(L.coded("grades"), default=pl.col("grade")),
                grade_order=pl.col("grade").replace_strict(order, default=None, return_dtype=pl.Int64))), width="stretch")
        grades = by_grade.with_columns(
            pl.col("grade").replace_strict(L.coded("grades"), default=pl.col("grade")))
        shown(grades, {"academic_year": year, "grade": L.C_GRADE, "male": L.M_BOYS, "female": L.M_GIRLS,
                       "total": L.C_STUDENTS})
        shown(data.school_onet(code), {
            "academic_year": year, "level_th": L.ONET_LEVEL, "subject_th": L.C_SUBJECT, "score": L.C_SCORE,
            "district_mean": L.C_DISTRICT_MEAN, "diff_from_district": L.C_DIFF_DISTRICT, "area_mean": L.C_AREA_MEAN,
            "diff_from_area": L.C_DIFF_AREA})
    with budget:
        rows = data.school_budget(code)
        if rows.height:
            rows = outcome_columns(rows).with_columns(
                pl.col("category").replace_strict(L.coded("budget_categories"), default=pl.col("category")))
        shown(rows, {**{c: L.column("admin_budget", c) for c in ("fiscal_year", "category", "received_baht",
                                                                   "spent_baht")},
                     "spent_pct": L.C_SPENT_PCT, "outcome": L.OUTCOME, "rule_ids": L.C_RULE})
    with personnel:
        rows = data.school_personnel(code)
        if rows.height:
            rows = outcome_columns(rows).with_columns(pl.col("shortage").replace_strict(L.TRUE_FALSE,
                                                                                        return_dtype=pl.String))
        shown(rows, {"academic_year": year, "students_total": L.column("schools", "students_total"),
                     "teachers": L.C_TEACHERS, "students_per_teacher": L.C_STUDENTS_PER_TEACHER,
                     "shortage": L.C_SHORTAGE, "teacher_vacancies": L.C_TEACHER_VACANCIES,
                     "vacancies": L.C_VACANCIES, "staff_in_post": L.C_STAFF_IN_POST,
                     "outcome": L.OUTCOME, "rule_ids": L.C_RULE})
        counts = L.coded("personnel_counts")
        positions = data.school_positions(code).with_columns(
            pl.col("position").replace_strict(L.coded("positions"), default=pl.col("position")))
        shown(positions, {"academic_year": year, "position": L.column("admin_staff", "position"),
                          "actual": counts["actual"], "vacant": counts["vacant"]})
    with general:
        rows = data.school_infrastructure(code)
        if rows.height:
            rows = outcome_columns(rows).with_columns(
                pl.col("internet", "electricity").replace_strict(L.HAS, return_dtype=pl.String))
        columns = ("academic_year", "buildings", "building_condition", "computers_teaching", "computers_admin",
                   "internet", "internet_mbps", "electricity", "distance_km")
        shown(rows, {**{c: L.column("admin_general", c) for c in columns}, "outcome": L.OUTCOME,
                     "rule_ids": L.C_RULE})


def quarantine_section(code: str) -> None:
    st.subheader(L.H_SCHOOL_QUARANTINE)
    rows = data.school_quarantine(code)
    if rows.height == 0:
        st.success(L.NO_SCHOOL_QUARANTINE)
        return
    st.caption(L.N_ROWS.format(n=fmt.number(rows.height)))
    rows = rows.with_columns(
        pl.col("table_name").replace_strict({t: L.table(t) for t in rows["table_name"].unique()}),
        pl.col("rule_ids").map_elements(lambda ids: ", ".join(L.rule_label(i) for i in ids), return_dtype=pl.String),
        pl.col("period").cast(pl.String).fill_null("–"))
    ui.wrapped_table(rows, {"table_name": L.TABLE, "period": L.C_PERIOD, "source_file": L.C_SOURCE_FILE,
                            "sheet": L.C_SHEET, "row_number": L.C_ROW, "rule_ids": L.C_RULE,
                            "reason_th": L.C_REASON})


def coverage_section(code: str) -> None:
    """Every coverage rule and period the warehouse counts, with this school's status in it."""
    st.subheader(L.H_SCHOOL_COVERAGE)
    rows = data.school_coverage(code)
    if rows.height == 0:
        st.info(L.NO_ROWS)
        return
    missing = rows.filter(pl.col("status").is_in(list(L.STATUSES)))
    if missing.height == 0:
        st.success(L.NO_SCHOOL_MISSING)
    else:
        counts = {s: missing.filter(pl.col("status") == s).height for s in L.STATUSES}
        st.warning(L.SCHOOL_MISSING_NOTE.format(
            n=fmt.number(missing.height), not_sent_label=L.M_NOT_SENT, not_sent=fmt.number(counts["not_sent"]),
            rejected_label=L.M_REJECTED, rejected=fmt.number(counts["rejected"])))
    table = rows.with_columns(
        pl.struct("survey", "rule_id", "part").map_elements(
            lambda r: L.table(r["survey"]) + L.coverage_part(r["survey"], r["rule_id"], r["part"]),
            return_dtype=pl.String).alias("survey"),
        pl.col("status").replace_strict(L.COVERAGE_STATUSES, default=pl.col("status")),
        pl.col("rejected_rule_ids").map_elements(lambda ids: ", ".join(L.rule_label(i) for i in ids),
                                                 return_dtype=pl.String).fill_null(""),
        pl.col("rejected_files").list.eval(pl.element().str.split("/").list.last()).list.join(", ").fill_null(""))
    ui.table(table.select("rule_id", "survey", "period", "status", "rejected_rule_ids", "rejected_files").rename(
        {"rule_id": L.C_RULE_ID, "survey": L.C_SURVEY, "period": L.C_PERIOD, "status": L.C_STATUS,
         "rejected_rule_ids": L.C_REJECTED_RULES, "rejected_files": L.C_REJECTED_FILES}))


def own_school(code: str) -> str:
    """A school user's page: its own school only, no picker; an address naming another school is not
    followed (the address is set back to its own)."""
    if st.query_params.get("school", code) != code:
        st.info(L.OWN_SCHOOL_ONLY, icon=":material/lock:")
    st.query_params["school"] = code
    if data.school_list().filter(pl.col("school_code") == code).height == 0:
        st.warning(L.SCHOOL_NOT_IN_REGISTER.format(code=code))
        st.stop()
    return code


ui.heading(L.PAGE_SCHOOL)
ui.require_published()
code = own_school(user.school_code) if user.role == "school" else pick_school()
if code is None:
    st.info(L.CHOOSE_SCHOOL, icon=":material/search:")
    st.stop()
profile = data.school_profile(code)
register_section(profile)
latest_admin_section(profile)
dltv_section(code)
dlit_section(code)
admin_section(code)
quarantine_section(code)
coverage_section(code)
