"""ขอสิทธิ์เข้าถึงข้อมูล — the office's แบบคำร้องขอเข้าถึงข้อมูลสารสนเทศ (request for access to information) as
a page, for everyone logged in (school users too): who asks (name and role from the account), what (a page
of the dashboards, or a role; a school with its code), why, and for how many days (1-365); then the
person's own requests with their status, and what they hold now until when.

ICT staff or the director decide on app_pages/access_review.py. The rules live in
pipelines/access_requests.py, not here: what may be asked, the days, one pending request for the same
thing, each step recorded in the audit log. A person with no account asks ICT staff to make one.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from dashboards import access, data, fmt, ui
from dashboards import labels as L
from pipelines import access_requests as ar
from pipelines.users import ROLES

user = access.require("access_request")  # first: the role may open this page, before anything is read

INTRO = ("ใช้แบบคำร้องนี้เมื่อต้องการเข้าถึงข้อมูลมากกว่าที่บทบาทของบัญชีให้ไว้ ระบุสิ่งที่ขอ เหตุผล และจำนวนวันที่ต้องใช้ "
         "เจ้าหน้าที่ ICT หรือ ผอ.สพท. จะพิจารณาอนุมัติหรือไม่อนุมัติพร้อมเหตุผล เมื่ออนุมัติจะใช้ได้ตามจำนวนวันนับจากวันที่อนุมัติ "
         "แล้วสิ้นสุดเอง ผู้ที่ยังไม่มีบัญชีโปรดติดต่อเจ้าหน้าที่ ICT เพื่อสร้างบัญชีก่อน "
         "(ask for more than your role gives: what, why and for how many days; ICT staff or the director decide; "
         "an approval lasts that many days from the decision; no account yet? ask ICT staff to make one)")
H_FORM = "แบบคำร้องขอเข้าถึงข้อมูลสารสนเทศ (request for access to information)"
NAME = "ชื่อ-สกุล (name)"
POSITION = "ตำแหน่ง/บทบาท (position / role)"
KIND = "ประเภทสิทธิ์ที่ขอ (asking for)"
KIND_OPTIONS = {"page": "หน้าข้อมูลหนึ่งหน้า (one page)", "role": "บทบาท (a role: all of its pages)"}
WHICH_PAGE = "หน้าที่ขอ (page)"
WHICH_ROLE = "บทบาทที่ขอ (role)"
SCHOOL_CODE = "รหัสสถานศึกษา 10 หลัก (school code, for the school role)"
REASON = "เหตุผลและความจำเป็น (reason)"
DAYS = f"จำนวนวันที่ขอใช้ ({ar.MIN_DAYS}–{ar.MAX_DAYS} วัน; days)"
SUBMIT = "ส่งคำร้อง (Send the request)"
SENT = "ส่งคำร้องเลขที่ {id} แล้ว รอเจ้าหน้าที่ ICT หรือ ผอ.สพท. พิจารณา (sent; awaiting a decision)"
NOTHING_TO_ASK = "บทบาทของบัญชีนี้เปิดได้ทุกหน้าแล้ว (your role opens every page already)"
H_MINE = "คำร้องของฉัน (my requests)"
NO_REQUESTS = "ยังไม่มีคำร้อง (no requests yet)"
H_GRANTS = "สิทธิ์เพิ่มเติมที่ใช้ได้อยู่ (what I hold now, beyond my role)"
NO_GRANTS = "ไม่มีสิทธิ์เพิ่มเติมที่ใช้ได้อยู่ (none)"
SENT_KEY = "access_request_sent"  # session state: the request just sent, said after the rerun
FIELDS = ("access_request_page", "access_request_role", "access_request_school", "access_request_reason",
          "access_request_days")  # the form's fields, emptied once a request is sent

home = data.current_home()
titles = {key: page.label[0] for key, page in access.PAGES.items()}
own = access.ROLE_PAGES.get(user.role, ())
pages = [p for p in ar.table_pages(access.ROLE_PAGES) if p not in own]
roles = [r for r in ROLES if r != user.role or r == "school"]

ui.heading(L.PAGE_ACCESS_REQUEST)
st.caption(INTRO)
if SENT_KEY in st.session_state:
    st.success(SENT.format(id=st.session_state.pop(SENT_KEY)), icon=":material/task_alt:")

st.subheader(H_FORM)
who = st.columns(2)
who[0].text_input(NAME, value=user.name, disabled=True, key="access_request_name")
who[1].text_input(POSITION, value=ar.role_text(user.role, user.school_code), disabled=True,
                  key="access_request_position")
kind = st.radio(KIND, list(KIND_OPTIONS), format_func=KIND_OPTIONS.get, horizontal=True, key="access_request_kind",
                index=0 if pages else 1)
with st.form("access_request"):  # kept as typed when refused, emptied once sent
    school_code = None
    if kind == "page":
        key = st.selectbox(WHICH_PAGE, pages, format_func=lambda p: f"{titles.get(p, p)} ({access.PAGES[p].label[1]})"
                           if p in access.PAGES else p, key="access_request_page", placeholder=NOTHING_TO_ASK)
    else:
        key = st.selectbox(WHICH_ROLE, roles, format_func=ar.role_text, key="access_request_role")
        school_code = st.text_input(SCHOOL_CODE, max_chars=10, key="access_request_school").strip() or None
    reason = st.text_area(REASON, max_chars=ar.MAX_REASON, key="access_request_reason")
    days = st.number_input(DAYS, min_value=ar.MIN_DAYS, max_value=ar.MAX_DAYS, value=30, step=1,
                           key="access_request_days")
    sent = st.form_submit_button(SUBMIT, type="primary", icon=":material/send:", key="access_request_submit")
if sent:
    try:
        made = ar.submit(home, user, ar.Asked(kind, key or "", school_code), reason, int(days),
                         role_pages=access.ROLE_PAGES)
    except ar.RequestProblem as problem:
        st.error(f"{problem.th}  \n{problem.en}", icon=":material/block:")
    else:
        st.session_state[SENT_KEY] = made.id
        for field in FIELDS:
            st.session_state.pop(field, None)
        st.rerun()

now = datetime.now(UTC)
st.subheader(H_GRANTS)
granted = ar.grants_for(home, user.username, now)
if granted:
    ui.wrapped_table(ar.shown_grants(granted, titles, fmt.thai_datetime),
                     {k: ar.HEADINGS[k] for k in ("what", "start", "until", "id")})
else:
    st.caption(NO_GRANTS)
st.subheader(H_MINE)
mine = ar.requests(home, user.username)
if mine:
    ui.wrapped_table(ar.shown_requests(mine, now, titles, fmt.thai_datetime),
                     {k: ar.HEADINGS[k] for k in ("id", "time", "what", "days", "reason", "status", "by",
                                                  "decision_reason", "until")})
else:
    st.caption(NO_REQUESTS)
