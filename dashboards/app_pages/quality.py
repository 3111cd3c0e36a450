"""คุณภาพข้อมูล — for the ICT group (data stewards): which OBEC rules fail, which files were read
and what became of every row, the quarantined rows with their Thai reasons, who has not submitted,
and where the Great Expectations Data Docs are. Every input row is accounted for somewhere here."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import charts, data, fmt, ui
from dashboards import labels as L

ui.heading(L.PAGE_QUALITY)
ui.require_published()
period = ui.pick_year(data.periods(), L.PERIOD, key="quality_period")
if period is None:
    st.stop()

files = data.file_accounting()
quarantine = data.quarantine()
missing = data.missing_submissions(period)
file_errors = files.filter(pl.col("error_kind").is_not_null() | pl.col("error_th").is_not_null())

m = st.columns(4)
m[0].metric(L.M_PASS_RATE, fmt.percent(data.pass_rate()), border=True)
m[1].metric(L.M_QUARANTINED, fmt.number(quarantine.height), border=True)
m[2].metric(L.M_FILE_ERRORS, fmt.number(file_errors.height), border=True)
m[3].metric(f"{L.M_MISSING} ({period})", fmt.number(missing.height), border=True)

by_rule, by_file, quarantined, not_submitted, docs = st.tabs(
    [L.H_BY_RULE, L.H_BY_FILE, L.H_QUARANTINE, L.H_MISSING, "Data Docs"]
)

with by_rule:
    results = data.rule_results(period).with_columns(
        pl.struct("rule_id", "rule_th").map_elements(
            lambda r: L.rule_text(r["rule_id"], r["rule_th"]), return_dtype=pl.String
        ).alias("rule_text"),
        pl.col("table_name").map_elements(L.table, return_dtype=pl.String).alias("table_th"),
        pl.col("severity").replace_strict(L.SEVERITIES, default=pl.col("severity")).alias("severity_th"),
    )
    if results.height == 0:
        st.info(L.NO_ROWS)
    else:
        st.altair_chart(charts.rules_failed(results), width="stretch")
        ui.table(
            results.select("table_th", "rule_id", "rule_text", "severity_th", "rows_checked", "rows_failed",
                           "pass_rate"),
            {
                "table_th": ui.text_col(L.TABLE),
                "rule_id": ui.text_col(L.C_RULE_ID),
                "rule_text": st.column_config.TextColumn(L.C_RULE_TEXT, width="large"),
                "severity_th": ui.text_col(L.C_SEVERITY),
                "rows_checked": ui.count_col(L.C_ROWS_CHECKED),
                "rows_failed": ui.count_col(L.C_ROWS_FAILED),
                "pass_rate": ui.percent_col(L.C_PASS_RATE),
            },
        )

with by_file:
    ui.table(
        files.with_columns(pl.col("table_name").map_elements(L.table, return_dtype=pl.String)).select(
            "source_file", "table_name", "rows_in", "valid", "flagged", "quarantined", "superseded", "error_th"
        ),
        {
            "source_file": ui.text_col(L.C_SOURCE_FILE),
            "table_name": ui.text_col(L.TABLE),
            "rows_in": ui.count_col(L.C_ROWS_IN),
            "valid": ui.count_col(L.C_VALID),
            "flagged": ui.count_col(L.C_FLAGGED),
            "quarantined": ui.count_col(L.C_QUARANTINED),
            "superseded": ui.count_col(L.C_SUPERSEDED),
            "error_th": st.column_config.TextColumn(L.C_ERROR, width="large"),
        },
    )
    st.markdown(f"**{L.H_FILE_ERRORS}**")
    if file_errors.height == 0:
        st.success(L.NO_FILE_ERRORS)
    for e in file_errors.iter_rows(named=True):
        where = " ".join(
            f"{label} {e[k]}" for k, label in (("error_sheet", L.C_SHEET), ("error_row", L.C_ROW),
                                               ("error_column", L.C_COLUMN)) if e[k] is not None
        )
        st.error(f"**{e['source_file']}** — {e['error_th'] or e['error_kind']}" + (f" ({where})" if where else ""))

with quarantined:
    f = st.columns(2)
    tables = f[0].multiselect(L.TABLE, quarantine["table_name"].unique().sort().to_list(),
                              format_func=L.table, placeholder=L.ALL, key="q_table")
    rule_ids = sorted(set(quarantine["rule_ids"].explode().drop_nulls().to_list()))
    rules = f[1].multiselect(L.RULE, rule_ids, format_func=L.rule_label, placeholder=L.ALL, key="q_rule")
    rows = quarantine
    if tables:
        rows = rows.filter(pl.col("table_name").is_in(tables))
    if rules:
        rows = rows.filter(pl.col("rule_ids").list.set_intersection(rules).list.len() > 0)
    st.caption(L.N_ROWS.format(n=fmt.number(rows.height)))
    if quarantine.height == 0:
        st.success(L.NO_QUARANTINE)
    ui.table(
        rows.with_columns(pl.col("rule_ids").list.join(", "),
                          pl.col("table_name").map_elements(L.table, return_dtype=pl.String)).select(
            "table_name", "period", "source_file", "sheet", "row_number", "school_code", "rule_ids", "reason_th"
        ),
        {
            "table_name": ui.text_col(L.TABLE),
            "period": st.column_config.NumberColumn(L.C_PERIOD, format="%d"),
            "source_file": ui.text_col(L.C_SOURCE_FILE),
            "sheet": ui.text_col(L.C_SHEET),
            "row_number": st.column_config.NumberColumn(L.C_ROW, format="%d"),
            "school_code": ui.text_col(L.column("dltv_equipment", "school_code")),
            "rule_ids": ui.text_col(L.C_RULE_ID),
            "reason_th": st.column_config.TextColumn(L.C_REASON, width="large"),
        },
    )

with not_submitted:
    for c in data.coverage(period).iter_rows(named=True):
        st.markdown(
            f"**{c['rule_id']}** {c['survey_th'] or L.table(c['survey'])}: {L.SUBMITTED} "
            + L.COVERAGE_NOTE.format(submitted=fmt.number(c["submitted"]), population=fmt.number(c["population"]))
            + f" ({fmt.percent(c['coverage_pct'])})"
        )
    if missing.height == 0:
        st.success(L.ALL_SUBMITTED)
    else:
        ui.table(
            missing.with_columns(pl.col("survey").map_elements(L.table, return_dtype=pl.String)).select(
                "school_code", "school_name", "district", "students_total", "rule_id", "survey"
            ),
            {
                "school_code": ui.text_col(L.column("schools", "school_code")),
                "school_name": ui.text_col(L.column("schools", "school_name")),
                "district": ui.text_col(L.column("schools", "district")),
                "students_total": ui.count_col(L.column("schools", "students_total")),
                "rule_id": ui.text_col(L.C_RULE_ID),
                "survey": ui.text_col(L.C_SURVEY),
            },
        )

with docs:
    st.markdown(f"**{L.H_DATA_DOCS}**")
    path = data.data_docs_path(data.current_home())
    if path is None:
        st.caption(L.DATA_DOCS_MISSING)
    else:
        st.markdown(f"{L.DATA_DOCS_HINT} [{path.name}]({path.as_uri()})")
        st.code(str(path), language=None)
