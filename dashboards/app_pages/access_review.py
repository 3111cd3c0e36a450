"""พิจารณาคำร้องขอสิทธิ์ — ICT staff and the director decide access requests (app_pages/access_request.py):
each request awaiting a decision with who asked (name, account, role), what, for how many days and why;
approve, or refuse with a reason. Below: the grants in force with their end dates, and the requests decided.

The rules live in pipelines/access_requests.py, not here: only an account whose own role is ICT or
director decides (a grant of either role lets one see this page, not decide), never on one's own request,
a refusal needs a reason, a request is decided once, and each decision is recorded in the audit log before
it is kept. An approval grants exactly what was asked, from the decision, for the days asked.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from dashboards import access, data, fmt, ui
from dashboards import labels as L
from pipelines import access_requests as ar

user = access.require("access_review")  # first: only ICT staff and the director see this page

INTRO = ("คำร้องขอเข้าถึงข้อมูลสารสนเทศที่รอพิจารณา: อนุมัติ (ได้สิทธิ์ตามที่ขอ ตามจำนวนวันนับจากวันที่อนุมัติ) "
         "หรือไม่อนุมัติพร้อมเหตุผล ทุกขั้นตอนบันทึกในบันทึกการใช้งาน "
         "(requests awaiting a decision: approve, granting what was asked for the days asked from now, or refuse "
         "with a reason; every step is in the audit log)")
H_PENDING = "รอพิจารณา (awaiting a decision)"
H_GRANTS = "สิทธิ์ที่ใช้ได้อยู่ (grants in force)"
H_DECIDED = "คำร้องที่พิจารณาแล้ว (decided)"
NONE_HERE = "ไม่มีรายการ (none)"
ASKED_BY = "**{name}** ({user}) · {role} · ยื่นเมื่อ {when}"
ASKS = "ขอ **{what}** เป็นเวลา **{days} วัน** (days)"
REASON_SHOWN = "เหตุผล (reason): {reason}"
APPROVE = "อนุมัติ (Approve)"
REFUSE = "ไม่อนุมัติ (Refuse)"
REFUSE_REASON = "เหตุผลที่ไม่อนุมัติ (reason, required)"
APPROVE_NOTE = "หมายเหตุการอนุมัติ (note, optional)"
OWN_REQUEST = "คำร้องของท่านเอง — ผู้อื่นเป็นผู้พิจารณา (your own request: someone else decides)"
NOT_DECIDER = ("บัญชีนี้ดูคำร้องได้ แต่ผู้พิจารณาต้องเป็นเจ้าหน้าที่ ICT หรือ ผอ.สพท. ตามบทบาทของบัญชีเอง "
               "(you may see the requests; only an ICT or director account decides)")
DONE_APPROVED = "อนุมัติคำร้องเลขที่ {id} แล้ว ใช้ได้ถึง {until} (approved)"
DONE_REFUSED = "ไม่อนุมัติคำร้องเลขที่ {id} แล้ว (refused)"
UNSIGNED = ("พบ {n} บรรทัดในแฟ้มคำร้อง ({file}) ที่ไม่มีลายมือชื่อที่ถูกต้อง (ถูกแก้ไขหรือเขียนด้วยมือ) จึงไม่นับเป็นคำร้องหรือสิทธิ์ "
            "(lines without a good signature are ignored)")
DONE_KEY = "access_review_done"  # session state: what the last decision did, said after the rerun

home = data.current_home()
titles = {key: page.label[0] for key, page in access.PAGES.items()}
deciding = user.role in ar.DECIDERS


def act(request: ar.Request, approve: bool, reason: str) -> None:
    """Decide as the logged-in user with the account's own role; the refusal in Thai and English."""
    try:
        done = ar.decide(home, request.id, user.username, user.role, approve, reason, decider_name=user.name)
    except ar.RequestProblem as problem:
        st.error(f"{problem.th}  \n{problem.en}", icon=":material/block:")
        return
    st.session_state[DONE_KEY] = (DONE_APPROVED.format(id=done.id, until=fmt.thai_datetime(done.decision.until))
                                  if approve else DONE_REFUSED.format(id=done.id))
    st.rerun()


def card(r: ar.Request) -> None:
    with st.container(border=True):
        st.markdown(f"#### {r.id}")
        st.markdown(ASKED_BY.format(name=r.name, user=r.user, role=ar.role_text(r.role, r.school_code),
                                    when=fmt.thai_datetime(r.time)))
        st.markdown(ASKS.format(what=ar.describe(r.asked, titles), days=r.days))
        st.markdown(REASON_SHOWN.format(reason=r.reason))
        if r.user == user.username:
            st.caption(OWN_REQUEST)
            return
        if not deciding:
            return
        yes, no = st.columns(2)
        with yes.form(f"approve-{r.id}"):
            note = st.text_input(APPROVE_NOTE, key=f"note-{r.id}")
            if st.form_submit_button(APPROVE, type="primary", icon=":material/check_circle:", key=f"approve-button-{r.id}"):
                act(r, True, note)
        with no.form(f"refuse-{r.id}"):
            reason = st.text_input(REFUSE_REASON, key=f"reason-{r.id}")
            if st.form_submit_button(REFUSE, icon=":material/cancel:", key=f"refuse-button-{r.id}"):
                act(r, False, reason)


ui.heading(L.PAGE_ACCESS_REVIEW)
st.caption(INTRO)
if DONE_KEY in st.session_state:
    st.success(st.session_state.pop(DONE_KEY), icon=":material/task_alt:")
if not deciding:
    st.info(NOT_DECIDER, icon=":material/info:")
now = datetime.now(UTC)
found = ar.state(home)
if found.unsigned:
    st.warning(UNSIGNED.format(n=found.unsigned, file=home.state / ar.FILE), icon=":material/warning:")
pending = [r for r in found.requests if r.decision is None]
decided = [r for r in found.requests if r.decision is not None]
live = ar.grants_for(home, None, now)
tabs = st.tabs([f"{H_PENDING} ({len(pending)})", f"{H_GRANTS} ({len(live)})", f"{H_DECIDED} ({len(decided)})"])
with tabs[0]:
    for r in reversed(pending):  # the oldest first: first asked, first decided
        card(r)
    if not pending:
        st.caption(NONE_HERE)
with tabs[1]:
    if live:
        ui.wrapped_table(ar.shown_grants(live, titles, fmt.thai_datetime),
                         {k: ar.HEADINGS[k] for k in ("user", "what", "start", "until", "by", "id")})
    else:
        st.caption(NONE_HERE)
with tabs[2]:
    if decided:
        ui.wrapped_table(ar.shown_requests(decided, now, titles, fmt.thai_datetime),
                         {k: ar.HEADINGS[k] for k in ("id", "name", "user", "what", "days", "reason", "status", "by",
                                                      "decided", "decision_reason", "until")})
    else:
        st.caption(NONE_HERE)
