"""คุณภาพข้อมูล — for the ICT group (data stewards): which OBEC rules fail, which files were read
and what became of every row, the quarantined rows with their Thai reasons, who has not submitted (sent
nothing, or sent but rejected), the digital platforms' daily files against their event logs
(contract 3.4: they must agree), and the Great Expectations Data Docs. Every figure is of the selected
period; the register and files of no known year have their own choice ("no period"), so every input
row and landing entry is accounted for somewhere here.

How a file gets a period: from the fiscal years its rows carry; a file with no rows (rejected whole,
or a skipped landing entry) from the one BE year written in its folder or file name, said as such in
the by-file table; otherwise none (see `file_accounting_by_period` in warehouse/SCHEMA.md).
"""

from __future__ import annotations

from pathlib import PurePosixPath

import polars as pl
import streamlit as st

from dashboards import access, charts, data, fmt, ui
from dashboards import labels as L

access.require("quality")  # first: the role may open this page, before anything is read

ui.heading(L.PAGE_QUALITY)
ui.require_published()
choices = data.periods()
if not choices:
    st.info(L.NO_ROWS)
    st.stop()
opening = data.latest_accepted_period()
period = st.sidebar.selectbox(L.PERIOD, choices, index=choices.index(opening) if opening in choices else 0, key="quality_period",
                              format_func=lambda p: L.no_period_label() if p == data.NO_PERIOD else str(p))
dated = period != data.NO_PERIOD
shown_period = str(period) if dated else L.NO_PERIOD

summary = data.file_summary(period)
files = data.files(period)
quarantine = data.quarantine(period)
coverage = data.coverage(period) if dated else pl.DataFrame()
missing = data.missing_submissions(period) if dated else pl.DataFrame()

m = st.columns(4)
m[0].metric(f"{L.M_PASS_RATE} ({shown_period})", fmt.percent(data.pass_rate(period)), border=True,
            help=L.HELP_PASS_RATE)
m[1].metric(f"{L.M_QUARANTINED} ({shown_period})", fmt.number(quarantine.height), border=True)
m[2].metric(f"{L.M_FILE_ERRORS} ({shown_period})", fmt.number(summary["file_errors"]), border=True,
            help=L.HELP_FILE_ERRORS)
m[3].metric(f"{L.M_SKIPPED} ({shown_period})", fmt.number(summary["skipped"]), border=True, help=L.HELP_SKIPPED)
if dated:
    c = st.columns(4)
    pct = (coverage["coverage_pct"][0] if coverage.height == 1 else  # several coverage entries: pooled
           100 * coverage["submitted"].sum() / coverage["population"].sum() if coverage.height else None)
    c[0].metric(f"{L.M_SUBMITTED_PCT} ({shown_period})", fmt.percent(pct), border=True)
    c[1].metric(f"{L.M_MISSING} ({shown_period})", fmt.number(missing.height), border=True)
    c[2].metric(f"{L.M_REJECTED} ({shown_period})", fmt.number(missing.filter(pl.col("status") == "rejected").height),
                border=True, help=L.HELP_REJECTED)
    c[3].metric(f"{L.M_NOT_SENT} ({shown_period})", fmt.number(missing.filter(pl.col("status") == "not_sent").height),
                border=True, help=L.HELP_NOT_SENT)
    undated = data.file_summary(data.NO_PERIOD)
    undated_rows = data.quarantine(data.NO_PERIOD).height
    if undated_rows or undated["file_errors"] or undated["skipped"]:
        st.caption(L.NOT_IN_PERIOD.format(period=period, tables=L.undated_tables(), rows=fmt.number(undated_rows),
                                          files=fmt.number(undated["file_errors"]),
                                          skipped=fmt.number(undated["skipped"])))

by_rule, by_file, quarantined, not_submitted, reconcile, docs = st.tabs(
    [L.H_BY_RULE, L.H_BY_FILE, L.H_QUARANTINE, L.H_MISSING, L.TAB_RECONCILIATION, "Data Docs"]
)


def file_name(path: str | None) -> str | None:
    return PurePosixPath(path).name if path else path


def folder(path: str | None) -> str | None:
    return str(PurePosixPath(path).parent) if path else path


with by_rule:
    results = data.rule_results(period)
    if results.height == 0:
        st.info(L.NO_ROWS)
    for table_name in results["table_name"].unique(maintain_order=True):
        part = results.filter(pl.col("table_name") == table_name).with_columns(
            pl.struct("rule_id", "rule_th").map_elements(
                lambda r: L.rule_label(r["rule_id"], r["rule_th"]), return_dtype=pl.String).alias("rule_label"),
            pl.struct("rule_id", "rule_th").map_elements(
                lambda r: L.rule_text(r["rule_id"], r["rule_th"]), return_dtype=pl.String).alias("rule_text"),
            pl.col("severity").replace_strict(L.SEVERITIES, default=pl.col("severity")).alias("severity_th"),
        )
        st.markdown(f"**{L.table(table_name)}**")
        st.altair_chart(charts.rules_failed(part), width="stretch")
        ui.wrapped_table(
            part.with_columns(
                pl.col("rows_checked").map_elements(fmt.number, return_dtype=pl.String),
                pl.col("rows_failed").map_elements(fmt.number, return_dtype=pl.String),
                pl.col("pass_rate").map_elements(fmt.percent, return_dtype=pl.String),
            ),
            {
                "rule_label": L.C_RULE,
                "rule_text": L.C_RULE_TEXT,
                "severity_th": L.C_SEVERITY,
                "rows_checked": L.C_ROWS_CHECKED,
                "rows_failed": L.C_ROWS_FAILED,
                "pass_rate": L.C_PASS_RATE,
            },
        )

with by_file:
    read = files.filter(pl.col("error_kind").is_null() | (pl.col("error_kind") != "skipped"))
    if read.height == 0:
        st.info(L.NO_ROWS)
    else:
        ui.table(
            read.with_columns(
                pl.col("source_file").map_elements(file_name, return_dtype=pl.String).alias("file"),
                pl.col("source_file").map_elements(folder, return_dtype=pl.String).alias("folder"),
                pl.col("table_name").map_elements(L.table, return_dtype=pl.String),
                pl.col("period_from").replace_strict(L.PERIOD_FROM, default=L.PERIOD_FROM_NONE),
            ).select("file", "rows_in", "valid", "flagged", "quarantined", "superseded", "pass_rate", "error_th",
                     "period_from", "folder", "table_name"),
            {
                "file": st.column_config.TextColumn(L.C_SOURCE_FILE, width="medium"),
                "rows_in": ui.count_col(L.C_ROWS_IN),
                "valid": ui.count_col(L.C_VALID),
                "flagged": ui.count_col(L.C_FLAGGED),
                "quarantined": ui.count_col(L.C_QUARANTINED),
                "superseded": ui.count_col(L.C_SUPERSEDED),
                "pass_rate": ui.percent_col(L.C_PASS_RATE),
                "error_th": st.column_config.TextColumn(L.C_ERROR, width="large"),
                "period_from": st.column_config.TextColumn(L.C_PERIOD_FROM, help=L.HELP_PERIOD_FROM),
                "folder": ui.text_col(L.C_FOLDER),
                "table_name": ui.text_col(L.TABLE),
            },
        )
    st.markdown(f"**{L.H_FILE_ERRORS}**")
    errors = files.filter(pl.col("error_kind").is_not_null() & (pl.col("error_kind") != "skipped"))
    if errors.height == 0:
        st.success(L.NO_FILE_ERRORS)
    for e in errors.iter_rows(named=True):
        where = " ".join(
            f"{label} {e[k]}" for k, label in (("error_sheet", L.C_SHEET), ("error_row", L.C_ROW),
                                               ("error_column", L.C_COLUMN)) if e[k] is not None
        )
        st.error(f"**{e['source_file']}** — {e['error_th'] or e['error_kind']}" + (f" ({where})" if where else ""))
    skipped = files.filter(pl.col("error_kind") == "skipped")
    if skipped.height:
        st.markdown(f"**{L.H_SKIPPED}**")
        for e in skipped.iter_rows(named=True):
            st.info(e["error_th"], icon=":material/block:")

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
    # One table per contract table, named once above it: the reason comes right after the school and
    # wraps within its column, and the file is its name only (the folder is in the by-file tab).
    for table_name in rows["table_name"].unique(maintain_order=True):
        part = rows.filter(pl.col("table_name") == table_name)
        st.markdown(f"**{L.table(table_name)}** · {L.N_ROWS.format(n=fmt.number(part.height))}")
        ui.wrapped_table(
            part.with_columns(
                pl.col("rule_ids").list.join(", "),
                pl.col("source_file").map_elements(file_name, return_dtype=pl.String),
                pl.col("row_number").cast(pl.String),
            ),
            {
                "school_code": L.column("schools", "school_code"),
                "reason_th": L.C_REASON,
                "rule_ids": L.C_RULE_ID,
                "source_file": L.C_SOURCE_FILE,
                "sheet": L.C_SHEET,
                "row_number": L.C_ROW,
            },
        )

with not_submitted:
    if not dated:
        st.info(L.NO_COVERAGE_WITHOUT_PERIOD)
    for c in coverage.iter_rows(named=True):
        st.markdown(
            f"**{c['survey_th'] or L.table(c['survey'])}{L.coverage_part(c['survey'], c['rule_id'], c['part'])}** "
            f"({c['rule_id']}): {L.SUBMITTED} "
            + L.COVERAGE_NOTE.format(submitted=fmt.number(c["submitted"]), population=fmt.number(c["population"]))
            + f" ({fmt.percent(c['coverage_pct'])}) · {L.M_REJECTED} {fmt.number(c['rejected'])}"
            + f" · {L.M_NOT_SENT} {fmt.number(c['not_sent'])}"
        )
    if dated and missing.height == 0:
        st.success(L.ALL_SUBMITTED)
    elif dated:
        school = {
            "school_code": ui.text_col(L.column("schools", "school_code")),
            "school_name": ui.text_col(L.column("schools", "school_name")),
            "district": ui.text_col(L.column("schools", "district")),
        }
        whole = files.filter(pl.col("error_kind").is_not_null() & (pl.col("error_kind") != "skipped"))
        # which survey (and semester) each line is missing: a school may miss several
        missing = missing.with_columns(pl.struct("survey", "rule_id", "part").map_elements(
            lambda m: L.table(m["survey"]) + L.coverage_part(m["survey"], m["rule_id"], m["part"]),
            return_dtype=pl.String).alias("survey_label"))
        school["survey_label"] = ui.text_col(L.C_SURVEY)
        rejected = missing.filter(pl.col("status") == "rejected")
        st.markdown(f"**{L.H_REJECTED}** · {L.N_SCHOOLS.format(n=fmt.number(rejected.height))}")
        if rejected.height == 0:
            st.success(L.NO_REJECTED)
        else:
            ui.wrapped_table(
                rejected.with_columns(
                    pl.col("rejected_rule_ids").map_elements(
                        lambda ids: ", ".join(L.rule_label(i) for i in ids), return_dtype=pl.String),
                    pl.col("rejected_files").map_elements(
                        lambda paths: ", ".join(file_name(p) for p in paths), return_dtype=pl.String),
                    pl.col("rejected_rows").cast(pl.String),
                ),
                {
                    "survey_label": L.C_SURVEY,
                    "school_code": L.column("schools", "school_code"),
                    "school_name": L.column("schools", "school_name"),
                    "district": L.column("schools", "district"),
                    "rejected_rule_ids": L.C_REJECTED_RULES,
                    "rejected_rows": L.C_REJECTED_ROWS,
                    "rejected_files": L.C_REJECTED_FILES,
                },
            )
        not_sent = missing.filter(pl.col("status") == "not_sent")
        st.markdown(f"**{L.H_NOT_SENT}** · {L.N_SCHOOLS.format(n=fmt.number(not_sent.height))}")
        if not_sent.height == 0:
            st.success(L.NO_NOT_SENT)
        else:
            # A hint for the ICT group, not an attribution: a file rejected whole whose name holds the
            # school's code may be its submission; it stays "sent nothing" until a readable file comes.
            whole_names = [file_name(f) for f in whole["source_file"]]
            ui.table(
                not_sent.with_columns(pl.col("school_code").map_elements(
                    lambda code: ", ".join(n for n in whole_names if code in n), return_dtype=pl.String,
                ).alias("named_in")).select("survey_label", "school_code", "school_name", "district", "students_total",
                                            "named_in"),
                {**school, "students_total": ui.count_col(L.column("schools", "students_total")),
                 "named_in": st.column_config.TextColumn(L.C_NAMED_IN, help=L.HELP_NAMED_IN, width="large")},
            )
        if whole.height:
            st.markdown(f"**{L.H_WHOLE_FILES}** · {fmt.number(whole.height)}")
            st.caption(L.WHOLE_FILES_NOTE)
            st.markdown("\n".join(f"- `{e['source_file']}` — {e['error_th'] or e['error_kind']}"
                                  for e in whole.iter_rows(named=True)))

with reconcile:
    # Contract 3.4: the daily aggregates derived from events must equal the platform's own daily file.
    st.markdown(f"**{L.H_RECONCILIATION}**")
    st.caption(L.NOTE_RECONCILIATION)
    rec = data.platform_reconciliation(period) if dated else pl.DataFrame()
    if rec.height == 0:
        st.info(L.NO_RECONCILIATION)
    else:
        counts = st.columns(len(L.RECONCILIATION_STATUSES))
        for where, (status, label) in zip(counts, L.RECONCILIATION_STATUSES.items(), strict=True):
            where.metric(f"{label} ({L.N_DAYS})", fmt.number(rec.filter(pl.col("status") == status).height),
                         border=True)
        both = rec.filter(pl.col("status").is_in(["match", "differs"]))
        if both.height:
            left, right = st.columns(2)
            left.markdown(L.H_DIFF_USERS)
            left.altair_chart(charts.reconciliation(both, "diff_active_users", L.C_DIFF_USERS), width="stretch")
            right.markdown(L.H_DIFF_SESSIONS)
            right.altair_chart(charts.reconciliation(both, "diff_sessions", L.C_DIFF_SESSIONS), width="stretch")
        off = rec.filter(pl.col("status") != "match")
        if off.height == 0:
            st.success(L.ALL_RECONCILED)
        else:
            st.markdown(f"**{L.H_RECONCILIATION_OFF}** · {fmt.number(off.height)}")
            ui.table(
                off.with_columns(
                    pl.col("date").map_elements(L.thai_date, return_dtype=pl.String),
                    pl.col("platform").map_elements(L.platform_name, return_dtype=pl.String),
                    pl.col("status").replace_strict(L.RECONCILIATION_STATUSES, default=pl.col("status")),
                ).select("date", "platform", "status", "daily_active_users", "events_active_users", "diff_active_users",
                         "daily_sessions", "events_sessions", "diff_sessions"),
                {"date": ui.text_col(L.C_DATE), "platform": ui.text_col(L.PLATFORM), "status": ui.text_col(L.C_STATUS),
                 "daily_active_users": ui.count_col(L.C_DAILY_USERS),
                 "events_active_users": ui.count_col(L.C_EVENTS_USERS),
                 "diff_active_users": ui.count_col(L.C_DIFF_USERS),
                 "daily_sessions": ui.count_col(L.C_DAILY_SESSIONS),
                 "events_sessions": ui.count_col(L.C_EVENTS_SESSIONS),
                 "diff_sessions": ui.count_col(L.C_DIFF_SESSIONS)},
            )

with docs:
    st.markdown(f"**{L.H_DATA_DOCS}**")
    url = data.data_docs_url()
    if url:
        st.link_button(L.DATA_DOCS_OPEN, url, icon=":material/open_in_new:")
        st.caption(url)
    else:
        st.warning(L.DATA_DOCS_NOT_SERVED, icon=":material/link_off:")
    path = data.data_docs_path(data.current_home())
    if path is None:
        st.caption(L.DATA_DOCS_MISSING)
    elif not url:
        st.caption(L.DATA_DOCS_BUILT_AT)
        st.code(str(path), language=None)
