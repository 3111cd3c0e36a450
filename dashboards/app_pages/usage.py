"""สถิติการใช้งานระบบ — how the system is used, from the audit log (issue 9, point 6), for ICT staff and the
director: in the months picked (Bangkok months), who opened which page, by month and by role; the tables the
analysts queried (`khlang sql`); what was exported (OBEC exports and their sign-off, the director's report,
the audit log itself); logins and failed logins; and the pages nobody opened. The window's entries can be
downloaded as CSV (`pipelines.audit.export_csv`: Thai headings for Excel; the download is itself recorded).

The figures are pipelines/audit/usage.py's; this page only picks the window and draws them. It reads the
audit log, not the warehouse, so it works before anything is published.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import altair as alt
import polars as pl
import streamlit as st

from dashboards import access, charts, data, fmt, ui
from dashboards import labels as L
from pipelines.access_requests import role_text, table_pages
from pipelines.audit import ACTIONS, OUTCOMES, export_csv
from pipelines.audit.chain import month_files
from pipelines.audit.usage import usage
from pipelines.config import TIMEZONE
from pipelines.users import ROLES

user = access.require("usage")  # first: only ICT staff and the director see this page

INTRO = ("สรุปจากบันทึกการใช้งาน (audit log): ใครเปิดหน้าใด ใช้ตารางใด ส่งออกอะไร แยกตามเดือนและบทบาท "
         "และหน้าที่ไม่มีใครเปิดในช่วงที่เลือก (who used which page, table and export, by month and role)")
NO_LOG = "ยังไม่มีบันทึกการใช้งาน (the audit log is empty)"
MONTHS = "ช่วงเดือน (months, Bangkok time)"
M_VIEWS = "การเปิดหน้า (page views)"
M_PEOPLE = "ผู้ใช้ (distinct users)"
M_SQL = "คำสั่ง SQL (statements)"
M_EXPORTS = "การส่งออก (exports)"
M_LOGINS = "เข้าสู่ระบบ (logins)"
M_FAILED = "เข้าสู่ระบบไม่สำเร็จ (failed logins)"
H_PAGES = "การเปิดหน้าแยกตามหน้าและบทบาท (page views by page and role)"
H_USERS = "จำนวนผู้ใช้แยกตามเดือนและบทบาท (users by month and role)"
H_UNOPENED = "หน้าที่ไม่มีใครเปิด (pages nobody opened)"
ALL_OPENED = "ทุกหน้ามีผู้เปิดในช่วงนี้ (every page was opened)"
H_SQL = "การใช้ตารางผ่าน SQL (khlang sql: statements and tables)"
H_EXPORTS = "การส่งออกและรายงาน (exports and reports)"
H_LOGINS = "การเข้าสู่ระบบ (logins)"
H_DOWNLOAD = "ดาวน์โหลดบันทึกการใช้งานของช่วงนี้ (CSV)"
HELP_DOWNLOAD = ("ทุกรายการของบันทึกการใช้งานในช่วงเดือนที่เลือก เปิดด้วย Excel ได้ (ภาษาไทยครบ) "
                 "การดาวน์โหลดจะถูกบันทึกไว้ด้วย (every entry of the window as CSV; the download is recorded)")
NOTHING = "ไม่มีรายการ (none)"
C_PAGE, C_ROLE, C_MONTH = "หน้า (page)", "บทบาท (role)", "เดือน (month)"
C_VIEWS, C_USERS, C_REFUSED = "ครั้งที่เปิด (views)", "ผู้ใช้ (users)", "ถูกปฏิเสธ (refused)"
C_USER, C_STATEMENTS, C_TABLE = "ผู้ใช้ (user)", "คำสั่ง (statements)", "ตาราง (table)"
C_TIME, C_ACTION, C_TARGET, C_OUTCOME = "เวลา (time)", "การกระทำ (action)", "สิ่งที่กระทำ (target)", "ผล (outcome)"
C_LOGINS, C_FAILED = "เข้าสู่ระบบ (logins)", "ไม่สำเร็จ (failed)"
C_OK, C_ERROR = "สำเร็จ (ok)", "ผิดพลาด (error)"


def months_of_log() -> list[date]:
    """The months the picker offers: from the log's first month file to this month (Bangkok)."""
    files = month_files(data.current_home())
    if not files:
        return []
    month = date.fromisoformat(f"{files[0].name[:7]}-01")
    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    last = max(date.fromisoformat(f"{files[-1].name[:7]}-01"), today.replace(day=1))
    found = []
    while month <= last:
        found.append(month)
        month = next_month(month)
    return found


def next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def named(frame: pl.DataFrame) -> pl.DataFrame:
    """Roles, pages, actions and months as a person reads them (Thai first)."""
    titles = {k: f"{p.label[0]} ({k})" for k, p in access.PAGES.items()}
    out = frame
    if "role" in out.columns:
        out = out.with_columns(pl.col("role").map_elements(role_text, return_dtype=pl.String, skip_nulls=False))
    if "page" in out.columns:
        out = out.with_columns(pl.col("page").replace_strict(titles, default=pl.col("page"), return_dtype=pl.String))
    if "action" in out.columns:
        out = out.with_columns(pl.col("action").replace_strict({a: f"{th} ({a})" for a, (th, _) in ACTIONS.items()},
                                                               default=pl.col("action"), return_dtype=pl.String))
    if "outcome" in out.columns:
        out = out.with_columns(pl.col("outcome").replace_strict({o: f"{th} ({en})" for o, (th, en) in OUTCOMES.items()},
                                                                default=pl.col("outcome"), return_dtype=pl.String))
    if "month" in out.columns:
        out = out.with_columns(pl.col("month").map_elements(L.thai_month, return_dtype=pl.String))
    return out


def role_colour() -> alt.Color:
    """The same colour for a role in every chart of the page (the dashboards' palette; grey for none)."""
    shown = [role_text(r) for r in (*ROLES, None)]
    return alt.Color("role:N", title=C_ROLE, legend=alt.Legend(orient="bottom"),
                     scale=alt.Scale(domain=shown, range=[*charts.ITEM_COLOURS, "#cccccc"]))


def views_chart(views: pl.DataFrame) -> alt.TopLevelMixin:
    """Horizontal bars: views of each page in the window, stacked by role, the most viewed on top."""
    shown = named(views.group_by("page", "role").agg(pl.col("views").sum()).filter(pl.col("views") > 0))
    order = shown.group_by("page").agg(pl.col("views").sum()).sort("views", descending=True)["page"].to_list()
    chart = (alt.Chart(shown).mark_bar()
             .encode(y=alt.Y("page:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)),
                     x=alt.X("views:Q", title=C_VIEWS, axis=alt.Axis(format=charts.NUM)),
                     color=role_colour(),
                     tooltip=[alt.Tooltip("page:N", title=C_PAGE), alt.Tooltip("role:N", title=C_ROLE),
                              alt.Tooltip("views:Q", title=C_VIEWS, format=charts.NUM)])
             .properties(height=30 * max(len(order), 1) + charts.LEGEND_BELOW))
    return charts.themed(chart)


def users_chart(users: pl.DataFrame) -> alt.TopLevelMixin:
    """Bars side by side: distinct users of each month, one bar per role."""
    months = [L.thai_month(m) for m in users["month"].unique().sort().to_list()]
    chart = (alt.Chart(named(users)).mark_bar()
             .encode(x=alt.X("month:N", title=C_MONTH, sort=months, axis=alt.Axis(labelAngle=0)),
                     xOffset=alt.XOffset("role:N"),
                     y=alt.Y("users:Q", title=C_USERS, axis=alt.Axis(format=charts.NUM, tickMinStep=1)),
                     color=role_colour(),
                     tooltip=[alt.Tooltip("month:N", title=C_MONTH), alt.Tooltip("role:N", title=C_ROLE),
                              alt.Tooltip("users:Q", title=C_USERS, format=charts.NUM)])
             .properties(height=260 + charts.LEGEND_BELOW))
    return charts.themed(chart)


def download(since: datetime, until: datetime, first: date, last: date) -> None:
    """The window's entries as CSV, written by export_csv (which records the download) when clicked."""
    home = data.current_home()

    def audit_csv() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "audit.csv"
            export_csv(home, out, since, until, user=user.username, role=user.role)
            return out.read_bytes()

    st.download_button(H_DOWNLOAD, data=audit_csv, file_name=f"บันทึกการใช้งาน_{first:%Y-%m}_{last:%Y-%m}.csv",
                       mime="text/csv", on_click="ignore", help=HELP_DOWNLOAD, icon=":material/download:",
                       key="usage_audit_csv")


ui.heading(L.PAGE_USAGE)
st.caption(INTRO)
offered = months_of_log()
if not offered:
    st.info(NO_LOG, icon=":material/info:")
    st.stop()
first, last = st.sidebar.select_slider(MONTHS, offered, value=(offered[max(0, len(offered) - 3)], offered[-1]),
                                       format_func=L.thai_month, key="usage_months")
since, until = datetime.combine(first, datetime.min.time()), datetime.combine(next_month(last), datetime.min.time())
u = usage(data.current_home(), since, until, table_pages(access.ROLE_PAGES))  # naive: Bangkok time

m = [*st.columns(3), *st.columns(3)]
m[0].metric(M_VIEWS, fmt.number(u.page_views["views"].sum()), border=True)
m[1].metric(M_PEOPLE, fmt.number(u.people), border=True)
m[2].metric(M_SQL, fmt.number(u.queries["statements"].sum()), border=True)
m[3].metric(M_EXPORTS, fmt.number(u.export_list.height), border=True)
m[4].metric(M_LOGINS, fmt.number(u.logins["logins"].sum()), border=True)
m[5].metric(M_FAILED, fmt.number(u.logins["failed"].sum()), border=True)
download(since, until, first, last)

st.subheader(H_UNOPENED)
if u.unopened:
    st.markdown("\n".join(f"- {access.PAGES[p].label[0] if p in access.PAGES else p} ({p})" for p in u.unopened))
else:
    st.caption(ALL_OPENED)

st.subheader(H_PAGES)
if u.page_views.filter(pl.col("views") > 0).height:
    st.altair_chart(views_chart(u.page_views), width="stretch")
if u.page_views.height:
    ui.table(named(u.page_views), {"month": C_MONTH, "page": C_PAGE, "role": C_ROLE, "views": ui.count_col(C_VIEWS),
                                   "users": ui.count_col(C_USERS), "refused": ui.count_col(C_REFUSED)})
else:
    st.caption(NOTHING)

st.subheader(H_USERS)
if u.users.height:
    st.altair_chart(users_chart(u.users), width="stretch")
    ui.table(named(u.users), {"month": C_MONTH, "role": C_ROLE, "users": ui.count_col(C_USERS)})
else:
    st.caption(NOTHING)

st.subheader(H_SQL)
if u.queries.height:
    left, right = st.columns(2)
    with left:
        ui.table(named(u.queries), {"month": C_MONTH, "role": C_ROLE, "user": C_USER,
                                    "statements": ui.count_col(C_STATEMENTS), "ok": ui.count_col(C_OK),
                                    "refused": ui.count_col(C_REFUSED), "error": ui.count_col(C_ERROR)})
    with right:
        ui.table(named(u.tables), {"month": C_MONTH, "table": C_TABLE, "statements": ui.count_col(C_STATEMENTS),
                                   "users": ui.count_col(C_USERS)})
else:
    st.caption(NOTHING)

st.subheader(H_EXPORTS)
if u.export_list.height:
    shown = named(u.export_list.with_columns(pl.col("time").map_elements(fmt.thai_datetime, return_dtype=pl.String)))
    ui.table(shown.drop("month"), {"time": C_TIME, "user": C_USER, "role": C_ROLE, "action": C_ACTION,
                                   "target": C_TARGET, "outcome": C_OUTCOME})
else:
    st.caption(NOTHING)

st.subheader(H_LOGINS)
if u.logins.height:
    ui.table(named(u.logins), {"month": C_MONTH, "role": C_ROLE, "logins": ui.count_col(C_LOGINS),
                               "users": ui.count_col(C_USERS), "failed": ui.count_col(C_FAILED)})
else:
    st.caption(NOTHING)
