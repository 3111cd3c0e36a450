"""ส่งไฟล์ข้อมูล — a school sends its survey file (issue 9, point 3), for the school role.

The school picks its file and presses ตรวจและส่งไฟล์: the file is checked exactly as `khlang check` checks
it and the page shows the same data: a result line (ผ่าน / ไม่ผ่าน) with the rows per outcome, then every
message as a table (sheet, row, column, rule, Thai, English). A file is filed in landing/ only when it
passes; the page then says where it was filed and when. Every decision (what is accepted, where it lands,
the record and the audit entries) is `pipelines.upload.accept`; this page only draws it.

The same file is sent once: after the button, the result stays on the page while that file stays in the
box, and the button is off until another file is chosen (a second click files nothing twice).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import access, data, fmt, ui
from dashboards import labels as L
from pipelines.cli.check import OUTCOME_LABELS, FileCheck
from pipelines.upload import ALLOWED_SUFFIXES, MAX_BYTES, UploadResult, accept

user = access.require("upload")  # first: the role may open this page, before anything is read

# the messages table: its columns, named as the data quality page names the quarantine's
COLUMNS = {"sheet": L.C_SHEET, "row": L.C_ROW, "column": L.C_COLUMN, "rule": L.C_RULE_ID, "severity": L.C_RESULT,
           "th": L.C_REASON, "en": L.C_ENGLISH}
RESULT_KEY = "upload_result"  # session state: (file_id, UploadResult) of the last file sent


def messages_table(result: UploadResult) -> pl.DataFrame:
    """The check's messages as the page lists them (text columns: a blank is `–`, not `None`)."""
    rows = [{"sheet": m.sheet or "–", "row": "–" if m.row is None else str(m.row), "column": m.column or "–",
             "rule": m.rule_id or m.kind or "–", "severity": L.UPLOAD_SEVERITY.get(m.severity, m.severity),
             "th": m.th, "en": m.en} for m in result.messages]
    return pl.DataFrame(rows, schema={k: pl.String for k in COLUMNS})


def counts_lines(check: FileCheck) -> list[str]:
    """Per table: its rows and how many ended in each outcome, in the CLI's words."""
    return [L.UPLOAD_TABLE_COUNTS.format(table=t.th, rows=t.rows.height, counts=", ".join(
        f"{label} {t.counts[o]:,}" for o, label in OUTCOME_LABELS.items() if t.counts.get(o))) for t in check.tables]


def show(result: UploadResult) -> None:
    if result.accepted:
        st.success(L.UPLOAD_PASS, icon=":material/check_circle:")
        st.markdown(L.UPLOAD_FILED.format(name=result.filename, path=result.landed, when=fmt.thai_datetime(result.time)))
        st.caption(L.UPLOAD_FINGERPRINT.format(size=result.size, sha=result.sha256))
        flagged = result.record.get("flagged", 0)
        if flagged:
            st.warning(L.UPLOAD_FLAGGED.format(n=flagged), icon=":material/rate_review:")
    else:
        st.error(f"{L.UPLOAD_FAIL}  \n{result.refusal.th}  \n({result.refusal.en})", icon=":material/block:")
    if result.check is None:
        return
    for line in counts_lines(result.check):
        st.markdown(line)
    for note in result.check.notes:
        st.caption(L.UPLOAD_NOTE.format(note=note))
    st.subheader(L.UPLOAD_MESSAGES)
    table = messages_table(result)
    if table.is_empty():
        st.caption(L.UPLOAD_NO_MESSAGES)
    else:
        ui.wrapped_table(table, COLUMNS)


ui.heading(L.PAGE_UPLOAD)
ui.require_published()
st.markdown(L.UPLOAD_INTRO.format(mb=MAX_BYTES // (1024 * 1024)))
if user.role != "school" or not user.school_code:  # the table gives this page to school accounts only
    st.info(L.UPLOAD_SCHOOLS_ONLY, icon=":material/info:")
    st.stop()
st.caption(L.UPLOAD_SCHOOL_OF.format(name=user.name, code=user.school_code))
uploaded = st.file_uploader(L.UPLOAD_FILE, type=[s.lstrip(".") for s in ALLOWED_SUFFIXES],
                            max_upload_size=MAX_BYTES // (1024 * 1024), key="upload_file")
last = st.session_state.get(RESULT_KEY)
sent = last is not None and uploaded is not None and last[0] == uploaded.file_id
clicked = st.button(L.UPLOAD_BUTTON, type="primary", disabled=uploaded is None or sent, key="upload_send",
                    icon=":material/upload:")
if clicked and uploaded is not None and not sent:
    with st.spinner(L.UPLOAD_CHECKING):
        result = accept(data.current_home(), user, user.school_code, uploaded.name, uploaded.getvalue())
    st.session_state[RESULT_KEY] = (uploaded.file_id, result)
    st.rerun()  # drawn again: the button off for this file, the result below it
if sent:
    show(last[1])
