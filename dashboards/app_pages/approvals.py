"""อนุมัติการส่งออก สพฐ. — the director's sign-off (contract section 4): the OBEC exports staff prepared with
`khlang export obec`, each with its manifest's summary (survey and period, rows exported / valid / flagged
/ quarantined / superseded, the rules and how many rows failed each, in Thai, the submission coverage, the
warehouse version it was cut from and when that was published, and the sha256 of the manifest decided on).
The director approves one, or returns it with a reason; ICT staff then release what was approved with
`khlang release`.

Tabs by state: รออนุมัติ (awaiting), อนุมัติแล้ว (approved, and whether released), ส่งกลับแก้ไข (returned,
with the reason), ถูกแก้ไข (changed after export or decision: to be cut again). The exports are those of
the data root's registry, wherever their folders are; each is read and hashed afresh on every run.

The rules live in warehouse/export/signoff.py, not here: only a director may decide (it checks the role
it is given, the logged-in user's), an export changed since it was prepared cannot be approved, and every
decision is an entry of the audit log with the logged-in user before approval.json is written.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import polars as pl
import streamlit as st

from dashboards import access, data, fmt, ui
from dashboards import labels as L
from warehouse.export import ExportError, signoff
from warehouse.export.signoff import State, Status

user = access.require("approvals")  # first: only a director's role opens this page

DONE_KEY = "approvals_done"  # session state: what the last action did, shown after the rerun


def when(stamp: str | None) -> str:
    return fmt.thai_datetime(datetime.fromisoformat(stamp)) if stamp else "–"


def rules_table(manifest: dict) -> pl.DataFrame:
    """The manifest's rules as the director reads them: code, Thai criterion, severity, rows checked and failed."""
    rules = pl.DataFrame(manifest.get("rules") or [], schema={"rule_id": pl.String, "rule_th": pl.String,
                                                               "severity": pl.String, "rows_checked": pl.Int64,
                                                               "rows_failed": pl.Int64})
    return rules.select(
        "rule_id",
        pl.struct("rule_id", "rule_th").map_elements(lambda r: L.rule_text(r["rule_id"], r["rule_th"]),
                                                     return_dtype=pl.String).alias("rule_text"),
        pl.col("severity").replace_strict(L.SEVERITIES, default=pl.col("severity")).alias("severity"),
        "rows_checked", "rows_failed",
        pl.when(pl.col("rows_failed") > 0).then(pl.lit(L.RULE_FAILED)).otherwise(pl.lit(L.RULE_PASSED)).alias("result"),
    )


def title(manifest: dict) -> str:
    return L.EXPORT_OF.format(survey=manifest.get("survey_th") or manifest.get("survey"), period=manifest.get("period"))


def summary(s: Status) -> None:
    """The manifest's summary: rows, coverage, rules, version, and the hash the decision names."""
    m = s.manifest
    rows = m.get("rows") or {}
    counted = rows.get("aggregated_from") or rows  # an export of aggregates (platform events) counts the rows behind them
    cols = st.columns(5)
    for col, label, value in zip(cols, (L.M_EXPORTED, L.C_VALID, L.C_FLAGGED, L.C_QUARANTINED, L.C_SUPERSEDED),
                                 (rows.get("exported"), counted.get("valid"), counted.get("flagged"),
                                  rows.get("quarantined"), rows.get("superseded")), strict=True):
        col.metric(label, fmt.number(value), border=True)
    rules = rules_table(m)
    failed = rules.filter(pl.col("rows_failed") > 0).height
    cols = st.columns(2 + len(m.get("coverage") or []))
    cols[0].metric(L.M_RULES_PASSED, fmt.number(rules.height - failed), border=True)
    cols[1].metric(L.M_RULES_FAILED, fmt.number(failed), border=True)
    for col, cov in zip(cols[2:], m.get("coverage") or [], strict=True):
        col.metric(L.M_COVERAGE_RULE.format(rule=cov["rule_id"]) + L.coverage_part(m.get("survey"), cov["rule_id"], cov.get("part")),
                   L.COVERAGE_VALUE.format(submitted=cov["submitted"], population=cov["population"],
                                           pct=fmt.percent(cov["coverage_pct"])), border=True)
    ui.wrapped_table(rules, {"rule_id": L.C_RULE_ID, "rule_text": L.C_RULE_TEXT, "severity": L.C_SEVERITY,
                             "rows_checked": L.C_ROWS_CHECKED, "rows_failed": L.C_ROWS_FAILED, "result": L.C_RESULT})
    wh = m.get("warehouse") or {}
    st.caption(L.VERSION_OF.format(version=wh.get("version"), when=when(wh.get("published_at"))))
    st.caption(L.MANIFEST_SHA.format(sha=s.manifest_sha256))


def act(s: Status, step, done: str, **kwargs) -> None:
    """Take a decision as the logged-in user; the refusal in Thai and English when signoff refuses."""
    try:
        step(data.current_home(), s.folder, user=user.username, role=user.role, name=user.name, **kwargs)
    except ExportError as e:
        st.error(f"{e.th}  \n{e.en}", icon=":material/block:")
        return
    st.session_state[DONE_KEY] = done.format(what=title(s.manifest))
    st.rerun()


def decide(s: Status) -> None:
    key = hashlib.sha256(str(s.folder).encode()).hexdigest()[:12]  # stable across runs
    approve, back = st.columns(2)
    if approve.button(L.APPROVE_BUTTON, key=f"approve-{key}", type="primary", icon=":material/check_circle:"):
        act(s, signoff.approve, L.DONE_APPROVED)
    with back.form(f"return-{key}", clear_on_submit=False):
        reason = st.text_area(L.RETURN_REASON, key=f"reason-{key}")
        if st.form_submit_button(L.RETURN_BUTTON, icon=":material/undo:"):
            if reason.strip():
                act(s, signoff.send_back, L.DONE_RETURNED, reason=reason)
            else:
                st.warning(L.REASON_REQUIRED)


def decided(s: Status) -> None:
    d = s.decision or {}
    label = L.TAB_APPROVED if d.get("decision") == "approved" else L.TAB_RETURNED
    st.markdown(L.DECIDED_BY.format(decision=label, name=d.get("name"), user=d.get("by"), when=when(d.get("at_utc"))))
    if d.get("reason"):
        st.markdown(L.RETURN_REASON_SHOWN.format(reason=d["reason"]))
    for r in s.releases:
        st.success(L.RELEASED_TO.format(to=r.get("to"), when=when(r.get("time")), user=r.get("user")))
    if s.state is State.APPROVED:
        st.info(L.READY_TO_RELEASE.format(folder=s.folder))


def card(s: Status) -> None:
    with st.container(border=True):
        st.subheader(title(s.manifest))
        prepared = s.prepared or {}
        st.caption(L.EXPORT_FROM.format(folder=s.folder, when=when(prepared.get("time")), user=prepared.get("user")))
        if s.state is State.CHANGED:
            th, en = signoff.why(s)
            st.warning(f"{th}  \n{en}", icon=":material/warning:")
        elif s.decision is not None:
            decided(s)
        summary(s)
        if s.state is State.PREPARED:
            decide(s)


ui.heading(L.PAGE_APPROVALS)
st.caption(L.APPROVALS_INTRO)
if DONE_KEY in st.session_state:
    st.success(st.session_state.pop(DONE_KEY), icon=":material/task_alt:")
found, gone = signoff.listed(data.current_home())
if not found and not gone:
    st.info(L.NO_EXPORTS, icon=":material/info:")
    st.stop()
by_tab = {
    L.TAB_AWAITING: [s for s in found if s.state is State.PREPARED],
    L.TAB_APPROVED: [s for s in found if s.state in (State.APPROVED, State.RELEASED)],
    L.TAB_RETURNED: [s for s in found if s.state is State.RETURNED],
    L.TAB_CHANGED: [s for s in found if s.state is State.CHANGED],
}
for tab, shown in zip(st.tabs([f"{name} ({len(items)})" for name, items in by_tab.items()]), by_tab.values(), strict=True):
    with tab:
        if not shown:
            st.caption(L.NONE_HERE)
        for s in shown:
            card(s)
if gone:
    st.caption(L.FOLDERS_GONE.format(folders=", ".join(folder for folder, _ in gone)))
