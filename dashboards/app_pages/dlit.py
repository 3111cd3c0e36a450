"""การใช้งาน DLIT — how the district's schools use DLIT (contract 3.3), for the director and the ICT group,
one semester at a time: how many register schools reported (COV-02), how many teachers use DLIT, for how
many hours and how satisfied, beside the semester before; which of the five services the schools use and
the share of teachers using DLIT per district (both semesters of the year side by side); the trend over
every semester; the schools' own rows (filterable by district, downloadable for Excel); and the schools
that did not report: sent nothing, or sent only rows that were quarantined.

A school reports once per semester, so the semester is the unit everywhere on the page. Figures count
the current valid and flagged rows of register schools, as the dlit_adoption mart does.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import access, charts, data, fmt, ui
from dashboards import labels as L

access.require("dlit")  # first: the role may open this page, before anything is read

SEMESTER = L.column("dlit_usage", "semester")


def pick_term(terms: pl.DataFrame) -> tuple[int, int]:
    """Academic year (newest first) and semester in the sidebar. The semester opens on the year's latest
    one with accepted rows: a semester that so far has only a coverage line (0%) has nothing to show."""
    years = sorted(set(terms["academic_year"].to_list()), reverse=True)
    year = ui.pick_year(years, f"{L.column('dlit_usage', 'academic_year')} (พ.ศ.)", key="dlit_year")
    of_year = terms.filter(pl.col("academic_year") == year)
    semesters = of_year["semester"].to_list()
    reported = of_year.filter(pl.col("schools_reporting") > 0)["semester"].to_list()
    default = semesters.index(reported[-1]) if reported else 0
    # one key per year: a newly picked year opens on its own latest semester
    semester = st.sidebar.radio(SEMESTER, semesters, index=default, horizontal=True, key=f"dlit_semester_{year}")
    return year, semester


def headline(now: dict, before: dict | None, before_term: tuple[int, int]) -> None:
    """Reporting (COV-02), teachers using DLIT and their share; then mean hours, satisfaction and internet
    speed: each with its change from the semester before when the warehouse has that semester. Two rows
    of three, so the Thai labels and the "from semester ..." notes are read whole."""
    prev = before or {}
    versus = L.HELP_DELTA_TERM.format(term=L.term(*before_term)) if before else None

    def show(where, label: str, key: str, value: str, digits: int = 0, unit: str = "", help: str | None = None):
        ui.metric(where, label, value, now=now[key], before=prev.get(key), versus=versus, digits=digits, unit=unit,
                  help=help)

    top, second = st.columns(3), st.columns(3)
    show(top[0], L.M_DLIT_REPORTING, "coverage_pct", fmt.percent(now["coverage_pct"]), 1, L.POINTS,
         L.HELP_DLIT_REPORTING.format(rule=data.dlit_coverage_rule()))
    show(top[1], L.column("dlit_usage", "teachers_using"), "teachers_using", fmt.number(now["teachers_using"]),
         unit=L.PEOPLE, help=L.HELP_DLIT_TEACHERS.format(using=fmt.number(now["teachers_using"]),
                                                         total=fmt.number(now["teachers_total"])))
    show(top[2], L.M_DLIT_SHARE, "teachers_using_pct", fmt.percent(now["teachers_using_pct"]), 1, L.POINTS,
         L.HELP_DLIT_SHARE)
    show(second[0], L.column("dlit_usage", "hours_per_week"), "mean_hours_per_week",
         fmt.decimal(now["mean_hours_per_week"]), 1, L.HOURS, L.HELP_DLIT_MEAN)
    show(second[1], L.M_DLIT_SATISFACTION, "mean_satisfaction", fmt.decimal(now["mean_satisfaction"], 2), 2,
         help=L.HELP_DLIT_MEAN)
    show(second[2], L.M_DLIT_INTERNET, "mean_internet_mbps", fmt.number(now["mean_internet_mbps"]), unit=L.MBPS,
         help=L.HELP_DLIT_MEAN)
    st.caption(L.DLIT_REPORTING_NOTE.format(
        submitted=fmt.number(now["submitted"]), population=fmt.number(now["population"]),
        not_sent_label=L.M_NOT_SENT, not_sent=fmt.number(now["not_sent"]),
        rejected_label=L.M_REJECTED, rejected=fmt.number(now["rejected"])))
    if before is None:
        st.caption(L.NO_PREVIOUS_TERM.format(term=L.term(*before_term)))


def services_section(of_year: pl.DataFrame, term: str) -> None:
    """Schools using each service, every semester of the year that has accepted rows."""
    st.subheader(L.H_DLIT_SERVICES)
    reported = of_year.filter(pl.col("schools_reporting") > 0)
    if reported.height == 0:
        st.info(L.NO_DLIT_IN_TERM.format(term=term))
    else:
        st.altair_chart(charts.dlit_services(reported), width="stretch")


def district_section(year: int, semester: int, term: str) -> None:
    """Teachers-using share per district for the year's semesters; the chosen semester's figures as a table."""
    st.subheader(L.H_DLIT_BY_DISTRICT)
    adoption = data.dlit_adoption(year)
    if adoption.height == 0:
        st.info(L.NO_DLIT_IN_TERM.format(term=term))
        return
    st.altair_chart(charts.dlit_share_by_district(adoption), width="stretch")
    rows = adoption.filter(pl.col("semester") == semester)
    with st.expander(f"{L.TABLE} {term}"):
        if rows.height == 0:
            st.info(L.NO_DLIT_IN_TERM.format(term=term))
            return
        ui.table(
            rows.select("district", "schools_reporting", "teachers_total", "teachers_using", "teachers_using_pct",
                        "schools_using", "mean_hours_per_week", "mean_internet_mbps", "mean_satisfaction"),
            {"district": ui.text_col(L.DISTRICT), "schools_reporting": ui.count_col(L.C_SCHOOLS_REPORTING),
             "teachers_total": ui.count_col(L.column("dlit_usage", "teachers_total")),
             "teachers_using": ui.count_col(L.column("dlit_usage", "teachers_using")),
             "teachers_using_pct": ui.percent_col(L.C_TEACHERS_USING_PCT),
             "schools_using": ui.count_col(L.C_SCHOOLS_USING),
             "mean_hours_per_week": ui.percent_col(L.C_MEAN_HOURS),
             "mean_internet_mbps": ui.percent_col(L.C_MEAN_INTERNET),
             "mean_satisfaction": st.column_config.NumberColumn(L.C_MEAN_SATISFACTION, format="%.2f")},
        )


def trend_section(terms: pl.DataFrame) -> None:
    """Every semester with accepted rows, in order: teachers-using share and reporting (COV-02), to see
    adoption move. A semester with no accepted row is left out: the coverage views count both semesters
    as soon as any file of the year arrives, so until semester 2 is due it would read as 0% reporting."""
    st.subheader(L.H_DLIT_TREND)
    st.caption(L.NOTE_DLIT_TREND.format(rule=data.dlit_coverage_rule()))
    reported = terms.filter(pl.col("schools_reporting") > 0)
    if reported.height == 0:
        st.info(L.NO_ROWS)
    else:
        st.altair_chart(charts.dlit_trend(reported), width="stretch")


def services_text(df: pl.DataFrame) -> pl.Expr:
    """The Thai names of the services a school ticked, comma separated (empty when none)."""
    names = [pl.when(pl.col(col)).then(pl.lit(th)) for col, th in L.dlit_services().items()]
    return pl.concat_list(names).list.drop_nulls().list.join(", ")


def schools_section(year: int, semester: int, term: str) -> None:
    """The semester's rows, one per school, filterable by district and downloadable as CSV."""
    st.subheader(f"{L.H_DLIT_SCHOOLS} {term}")
    schools = data.dlit_schools(year, semester)
    if schools.height == 0:
        st.info(L.NO_DLIT_IN_TERM.format(term=term))
        return
    districts = st.multiselect(L.DISTRICT, schools["district"].drop_nulls().unique().sort().to_list(),
                               placeholder=L.ALL, key="dlit_district")
    if districts:
        schools = schools.filter(pl.col("district").is_in(districts))
    headers = {
        "school_code": L.column("dlit_usage", "school_code"),
        "school_name": L.column("dlit_usage", "school_name"),
        "district": L.column("schools", "district"),
        **{c: L.column("dlit_usage", c) for c in ("teachers_total", "teachers_using")},
        "services_used": L.C_SERVICES_USED.format(n=len(L.dlit_services())),
        "services": L.C_SERVICE_NAMES,
        **{c: L.column("dlit_usage", c) for c in ("hours_per_week", "internet_mbps", "satisfaction")},
        "outcome": L.OUTCOME,
        "rule_ids": L.C_RULE_ID,
    }
    shown = schools.with_columns(
        services_text(schools).alias("services"),
        pl.col("outcome").replace_strict(L.OUTCOMES, default=pl.col("outcome")),
        pl.col("rule_ids").list.join(", "),
    ).select(list(headers)).rename(headers)
    st.caption(L.N_SCHOOLS.format(n=fmt.number(shown.height)))
    ui.table(shown, {L.C_SERVICE_NAMES: st.column_config.TextColumn(L.C_SERVICE_NAMES, width="large")})
    st.download_button(
        L.DOWNLOAD_CSV, data=data.csv_bytes(shown), file_name=f"dlit_{year}_{semester}.csv", mime="text/csv",
        icon=":material/download:", on_click="ignore", key="dlit_schools_csv",
    )


def missing_section(year: int, semester: int, term: str) -> None:
    """Register schools with no accepted row this semester (COV-02), sent nothing or sent but rejected,
    with the rules and files behind a rejection, so the ICT group knows whom to call and about what."""
    st.subheader(f"{L.H_DLIT_MISSING} {term}")
    missing = data.dlit_missing(year, semester)
    if missing.height == 0:
        st.success(L.ALL_REPORTED.format(term=term))
        return
    counts = {s: missing.filter(pl.col("status") == s).height for s in L.STATUSES}
    st.caption(" · ".join(f"{L.STATUSES[s]} {L.N_SCHOOLS.format(n=fmt.number(n))}" for s, n in counts.items()))
    districts = st.multiselect(L.DISTRICT, missing["district"].drop_nulls().unique().sort().to_list(),
                               placeholder=L.ALL, key="dlit_missing_district")
    if districts:
        missing = missing.filter(pl.col("district").is_in(districts))
    headers = {
        "school_code": L.column("schools", "school_code"),
        "school_name": L.column("schools", "school_name"),
        "district": L.column("schools", "district"),
        "students_total": L.column("schools", "students_total"),
        "status": L.C_STATUS,
        "rejected_rule_ids": L.C_REJECTED_RULES,
        "rejected_files": L.C_REJECTED_FILES,
    }
    shown = missing.with_columns(
        pl.col("status").replace_strict(L.STATUSES, default=pl.col("status")),
        pl.col("rejected_rule_ids").map_elements(lambda ids: ", ".join(L.rule_label(i) for i in ids),
                                                 return_dtype=pl.String).fill_null(""),
        pl.col("rejected_files").list.eval(pl.element().str.split("/").list.last()).list.join(", ").fill_null(""),
    ).select(list(headers)).rename(headers)
    ui.table(shown, {L.C_REJECTED_RULES: st.column_config.TextColumn(L.C_REJECTED_RULES, width="large")})
    st.download_button(
        L.DOWNLOAD_CSV, data=data.csv_bytes(shown), file_name=f"dlit_missing_{year}_{semester}.csv",
        mime="text/csv", icon=":material/download:", on_click="ignore", key="dlit_missing_csv",
    )


ui.heading(L.PAGE_DLIT)
ui.require_published()
terms = data.dlit_terms()
if terms.height == 0:
    st.info(L.NO_DLIT_DATA, icon=":material/info:")
    st.stop()

year, semester = pick_term(terms)
term = L.term(year, semester)
before = data.term_before(year, semester)
st.caption(L.NOTE_DLIT)
st.subheader(term)
headline(data.term_row(terms, year, semester), data.term_row(terms, *before), before)
services_section(terms.filter(pl.col("academic_year") == year), term)
district_section(year, semester, term)
trend_section(terms)
schools_section(year, semester, term)
missing_section(year, semester, term)
