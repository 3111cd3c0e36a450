"""การใช้งานดิจิทัลแพลตฟอร์ม — how schools and the public use DLTV, DLIT, the office's e-learning and its
media library (contract 3.4), for the director and the ICT group: use by day and by month, when in the
week people use them, how many distinct people each month, the most used content, the share of
schools active each week, and the schools that have not used any platform for 30 days.

Every figure comes from the platform marts (warehouse/marts/platform_*.sql) through `dashboards.data`:
the event rows themselves, with their pseudonymous user ids, are never published. Use by day and month
takes a platform's own daily file where it sent one and the event log elsewhere ("ไม่ระบุ" user type);
active users summed over days are user-days, so distinct people are shown per month only.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import streamlit as st

from dashboards import access, charts, data, fmt, ui
from dashboards import labels as L

access.require("platform")  # first: the role may open this page, before anything is read

ui.heading(L.PAGE_PLATFORM)
ui.require_published()
bounds = data.platform_bounds()
if bounds["first"] is None:
    st.info(L.NO_PLATFORM_DATA, icon=":material/info:")
    st.stop()

# ---------------------------------------------------------------- filters (sidebar)
first, last = bounds["first"], bounds["last"]
seen = set(bounds["platforms"] or [])
platform_keys = [k for k in L.platforms() if k in seen] + sorted(seen - set(L.platforms()))
user_type_keys = list(L.user_types())
default = data.default_platform_filter(first, last, platform_keys, user_type_keys)

picked = st.sidebar.date_input(L.DATE_RANGE, value=(default.start, default.end), min_value=first, max_value=last,
                               format="DD/MM/YYYY", key="platform_range")
picked = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
start, end = (picked[0], picked[-1]) if picked else (default.start, default.end)  # one day while picking the end
platforms = st.sidebar.multiselect(L.PLATFORM, platform_keys, format_func=L.platform_name, placeholder=L.ALL,
                                   key="platform_platforms") or platform_keys
user_types = st.sidebar.multiselect(L.USER_TYPE, user_type_keys, format_func=L.user_types().get, placeholder=L.ALL,
                                    key="platform_user_types") or user_type_keys
f = data.PlatformFilter(start, end, tuple(platforms), tuple(user_types))
# one line for "the chosen platforms": the platform itself, or every platform counted once
focus = platforms[0] if len(platforms) == 1 else L.ALL_PLATFORMS

st.caption(L.RANGE_NOTE.format(first=L.thai_date(first), last=L.thai_date(last), start=L.thai_date(start),
                               end=L.thai_date(end), days=fmt.number((end - start).days + 1)))

by_day = data.platform_use_by_day(f)
monthly_users = data.platform_monthly_users(f)
weekly = data.platform_schools_weekly(f)
inactive = data.platform_inactive_schools()

# ---------------------------------------------------------------- headline figures
top = st.columns(4)
for where, measure in zip(top, L.MEASURES, strict=True):
    help_text = L.HELP_USER_DAYS if measure == "active_users" else None
    ui.metric(where, L.MEASURES[measure], fmt.number(by_day[measure].sum() if by_day.height else 0), help=help_text)

second = st.columns(3)
month_focus = monthly_users.filter(pl.col("platform") == focus).sort("month")
if month_focus.height:
    latest = month_focus.row(-1, named=True)
    ui.metric(second[0], L.M_MONTH_USERS.format(month=L.thai_month(latest["month"])), fmt.number(latest["active_users"]),
              help=f"{L.platform_name(focus)} · {L.HELP_MONTH_USERS}")
else:
    ui.metric(second[0], L.M_MONTH_USERS.format(month="–"), "–", help=L.HELP_MONTH_USERS)
week_focus = weekly.filter(pl.col("platform") == focus).sort("complete", "week_start")  # the last whole week
if week_focus.height:
    wk = week_focus.row(-1, named=True)
    ui.metric(second[1], L.M_SCHOOLS_ACTIVE.format(week=L.thai_date(wk["week_start"])), fmt.percent(wk["share_pct"]),
              help=f"{fmt.number(wk['active_schools'])} / {fmt.number(wk['register_schools'])} · "
                   f"{L.platform_name(focus)} · {L.HELP_SCHOOLS_ACTIVE}")
else:
    ui.metric(second[1], L.M_SCHOOLS_ACTIVE.format(week="–"), "–", help=L.HELP_SCHOOLS_ACTIVE)
ui.metric(second[2], L.M_INACTIVE, fmt.number(inactive.height), help=L.HELP_INACTIVE)

# ---------------------------------------------------------------- use by day and by month
measure = st.radio(L.MEASURE, list(L.MEASURES), format_func=L.MEASURES.get, horizontal=True, key="platform_measure")

st.subheader(L.H_TREND_DAY)
st.caption(L.NOTE_TREND)
if by_day.height == 0:
    st.info(L.NO_USE_IN_RANGE)
else:
    st.altair_chart(charts.use_by_day(by_day, measure, start, end, platforms), width="stretch")

st.subheader(L.H_TREND_MONTH)
st.caption(L.NOTE_MONTH)
by_month = data.platform_use_by_month(f)
if by_month.height == 0:
    st.info(L.NO_USE_IN_RANGE)
else:
    st.altair_chart(charts.use_by_month(by_month, measure), width="stretch")
    with st.expander(L.TABLE):
        ui.table(
            by_month.with_columns(
                pl.col("month").map_elements(L.thai_month, return_dtype=pl.String).alias("month_th"),
                pl.col("platform").map_elements(L.platform_name, return_dtype=pl.String),
                pl.col("user_type").replace_strict(L.user_types(), default=pl.col("user_type")),
            ).select("month_th", "platform", "user_type", *L.MEASURES),
            {"month_th": ui.text_col(L.MONTH), "platform": ui.text_col(L.PLATFORM), "user_type": ui.text_col(L.USER_TYPE),
             **{m: ui.count_col(label) for m, label in L.MEASURES.items()}},
        )

# ---------------------------------------------------------------- when: weekday x hour
st.subheader(L.H_HEATMAP)
st.caption(L.NOTE_EVENTS_ONLY)
heat = data.platform_heatmap(f)
if heat.height == 0:
    st.info(L.NO_USE_IN_RANGE)
else:
    st.altair_chart(charts.weekday_hour(heat), width="stretch")

# ---------------------------------------------------------------- distinct people per month
st.subheader(L.H_MONTHLY_USERS)
st.caption(L.NOTE_EVENTS_ONLY)
if monthly_users.height == 0:
    st.info(L.NO_USE_IN_RANGE)
else:
    st.altair_chart(charts.monthly_users(monthly_users), width="stretch")
    with st.expander(L.TABLE):
        months_wide = (
            monthly_users.with_columns(pl.col("platform").map_elements(L.platform_name, return_dtype=pl.String))
            .pivot(on="platform", index="month", values="active_users", sort_columns=False)
            .sort("month")
            .with_columns(pl.col("month").map_elements(L.thai_month, return_dtype=pl.String))
        )
        ui.table(months_wide, {"month": ui.text_col(L.MONTH),
                               **{c: ui.count_col(c) for c in months_wide.columns if c != "month"}})

# ---------------------------------------------------------------- top content
st.subheader(L.H_TOP_CONTENT)
months = sorted(set(monthly_users["month"].to_list()), reverse=True)
if not months:
    st.info(L.NO_USE_IN_RANGE)
else:
    month = st.selectbox(L.MONTH, months, index=0, format_func=L.thai_month, key="platform_month")
    st.caption(f"{L.NOTE_TOP_CONTENT} · {L.NOTE_EVENTS_ONLY}")
    content = data.platform_top_content(replace(f, month=month))
    if content.height == 0:
        st.info(L.NO_USE_IN_RANGE)
    else:
        st.altair_chart(charts.top_content(content), width="stretch")
        ui.table(
            content.with_columns(
                pl.col("platform").map_elements(L.platform_name, return_dtype=pl.String),
                (pl.col("total_duration_s") / 3600).round(1).alias("hours"),
            ).select("content_id", "platform", "views", "downloads", "quiz_submits", "users", "hours"),
            {"content_id": ui.text_col(L.C_CONTENT), "platform": ui.text_col(L.PLATFORM),
             "views": ui.count_col(L.C_VIEWS), "downloads": ui.count_col(L.C_DOWNLOADS),
             "quiz_submits": ui.count_col(L.C_QUIZ), "users": ui.count_col(L.C_USERS),
             "hours": st.column_config.NumberColumn(L.C_HOURS, format="%,.1f")},
        )

# ---------------------------------------------------------------- schools active each week
st.subheader(L.H_SCHOOLS_WEEKLY)
st.caption(L.HELP_SCHOOLS_ACTIVE)
if weekly.height == 0:
    st.info(L.NO_USE_IN_RANGE)
else:
    st.altair_chart(charts.schools_weekly(weekly), width="stretch")

# ---------------------------------------------------------------- schools without use for 30 days
st.subheader(L.H_INACTIVE)
if inactive.height == 0:
    st.success(L.NO_INACTIVE)
else:
    info = inactive.row(0, named=True)
    st.caption(L.NOTE_INACTIVE.format(as_of=L.thai_date(info["as_of_date"]), start=L.thai_date(info["window_start"])))
    districts = st.multiselect(L.DISTRICT, inactive["district"].drop_nulls().unique().sort().to_list(),
                               placeholder=L.ALL, key="platform_inactive_district")
    rows = inactive.filter(pl.col("district").is_in(districts)) if districts else inactive
    headers = {
        "school_code": L.column("schools", "school_code"),
        "school_name": L.column("schools", "school_name"),
        "district": L.column("schools", "district"),
        "subdistrict": L.column("schools", "subdistrict"),
        "students_total": L.column("schools", "students_total"),
        "last_active": L.C_LAST_ACTIVE,
        "days_inactive": L.C_DAYS_INACTIVE,
    }
    shown = rows.with_columns(
        pl.col("last_active_date").map_elements(L.thai_date, return_dtype=pl.String).fill_null(L.NEVER)
        .alias("last_active"),
    ).select(list(headers))
    st.caption(L.N_SCHOOLS.format(n=fmt.number(shown.height)))
    ui.table(shown, {"school_code": ui.text_col(headers["school_code"]),
                     "school_name": ui.text_col(headers["school_name"]),
                     "district": ui.text_col(headers["district"]),
                     "subdistrict": ui.text_col(headers["subdistrict"]),
                     "students_total": ui.count_col(headers["students_total"]),
                     "last_active": ui.text_col(L.C_LAST_ACTIVE),
                     "days_inactive": ui.count_col(L.C_DAYS_INACTIVE)})
    st.download_button(
        L.DOWNLOAD_CSV, data=data.csv_bytes(shown.rename(headers)), file_name=f"inactive_schools_{info['as_of_date']}.csv",
        mime="text/csv", icon=":material/download:", on_click="ignore",
    )
