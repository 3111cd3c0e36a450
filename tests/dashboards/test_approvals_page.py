"""The director's sign-off page (อนุมัติการส่งออก สพฐ., dashboards/app_pages/approvals.py), run headless with
AppTest, logged in through the real form (tests/dashboards/login.py).

Its data root is a small published warehouse of its own (test_export.build_tables, with a coverage mart),
where two exports are prepared the way `khlang export obec` prepares them: what the page shows is checked
against their manifests, and each button's decision against approval.json and the audit log.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import access, fmt
from dashboards import labels as L
from pipelines import audit, config
from tests.dashboards.login import ACCOUNTS, log_in
from tests.dashboards.page_text import texts
from tests.warehouse import test_signoff
from warehouse.export import signoff
from warehouse.export.folder import APPROVAL

SURVEY = test_signoff.SURVEY
published, h = test_signoff.published, test_signoff.h  # fixtures: the test's own small published data root

PAGE = Path(__file__).resolve().parents[2] / "dashboards" / "app_pages" / "approvals.py"
DIRECTOR = ACCOUNTS["director"][0]


def test_only_the_director_has_the_page():
    assert [role for role, pages in access.ROLE_PAGES.items() if "approvals" in pages] == ["director"]
    assert access.PAGES["approvals"].file == "app_pages/approvals.py"


@pytest.fixture
def root(h, tmp_path) -> config.Home:
    """The test's data root (a small published warehouse) with two exports awaiting approval: 2569, then 2568."""
    for year in (2569, 2568):
        signoff.prepare(h, SURVEY, year, tmp_path / f"obec_{year}", user="staff1", role="ict")
    return h


def folder(h: config.Home, year: int) -> Path:
    return h.root.parent / f"obec_{year}"


def key(path: Path) -> str:
    return hashlib.sha256(str(path).encode()).hexdigest()[:12]


def open_page(role: str = "director") -> AppTest:
    at = log_in(AppTest.from_file(str(PAGE), default_timeout=60), role)
    assert not at.exception, [e.value for e in at.exception]
    return at


def tab_labels(at: AppTest) -> list[str]:
    return [t.label for t in at.tabs]


def entries(h: config.Home, action: str) -> list[dict]:
    return audit.read(h).filter(pl.col("action") == action).to_dicts()


def test_the_director_sees_each_export_awaiting_approval_with_its_manifest_summary(root):
    at = open_page()
    assert tab_labels(at) == [f"{L.TAB_AWAITING} (2)", f"{L.TAB_APPROVED} (0)", f"{L.TAB_RETURNED} (0)",
                              f"{L.TAB_CHANGED} (0)"]
    shown = texts(at)
    for year in (2569, 2568):
        st = signoff.status(root, folder(root, year))
        m = st.manifest
        assert L.EXPORT_OF.format(survey=m["survey_th"], period=year) in shown
        assert st.manifest_sha256 in shown and str(st.folder) in shown
        assert L.VERSION_OF.format(version="v0001", when=fmt.thai_datetime(
            datetime.fromisoformat(m["warehouse"]["published_at"]))) in shown
        for rule in m["rules"]:
            assert L.rule_text(rule["rule_id"], rule["rule_th"]) in shown
    m2569 = signoff.status(root, folder(root, 2569)).manifest
    metrics = {(x.label, x.value) for x in at.metric}
    rows = m2569["rows"]
    for label, value in ((L.M_EXPORTED, rows["exported"]), (L.C_VALID, rows["valid"]), (L.C_FLAGGED, rows["flagged"]),
                         (L.C_QUARANTINED, rows["quarantined"]), (L.C_SUPERSEDED, rows["superseded"])):
        assert (label, fmt.number(value)) in metrics
    failed = sum(r["rows_failed"] > 0 for r in m2569["rules"])
    assert (L.M_RULES_FAILED, fmt.number(failed)) in metrics and failed
    assert (L.M_RULES_PASSED, fmt.number(len(m2569["rules"]) - failed)) in metrics
    assert (L.M_COVERAGE_RULE.format(rule="COV-01"), L.COVERAGE_VALUE.format(submitted=4, population=6, pct="66.7%")) in metrics
    assert at.button(key=f"approve-{key(folder(root, 2569))}") and at.button(key=f"approve-{key(folder(root, 2568))}")


def test_approving_records_the_logged_in_director_and_moves_the_export(root):
    since = datetime.now(UTC)
    at = open_page()
    target = folder(root, 2569)
    at.button(key=f"approve-{key(target)}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    doc = json.loads((target / APPROVAL).read_text(encoding="utf-8"))
    assert (doc["decision"], doc["by"], doc["role"], doc["name"]) == ("approved", DIRECTOR, "director", "ทดสอบ " + L.role("director"))
    assert doc["manifest_sha256"] == hashlib.sha256((target / "manifest.json").read_bytes()).hexdigest()
    [entry] = entries(root, "export_approved")
    assert (entry["user"], entry["role"], entry["target"], entry["outcome"]) == (DIRECTOR, "director", str(target), "ok")
    assert tab_labels(at)[:2] == [f"{L.TAB_AWAITING} (1)", f"{L.TAB_APPROVED} (1)"]
    shown = texts(at)
    assert L.DONE_APPROVED.split(" {what}")[0] in shown
    assert L.READY_TO_RELEASE.format(folder=target) in shown
    assert [b.key for b in at.button if b.key and b.key.startswith("approve-")] == [f"approve-{key(folder(root, 2568))}"]
    assert audit.read(root, since).height >= 2 and not audit.verify(root)


def test_a_return_needs_a_reason_and_records_it(root):
    at = open_page()
    target = folder(root, 2568)
    at.button(key=f"FormSubmitter:return-{key(target)}-{L.RETURN_BUTTON}").click().run()
    assert L.REASON_REQUIRED in [w.value for w in at.warning]
    assert not (target / APPROVAL).exists() and entries(root, "export_returned") == []
    at.text_area(key=f"reason-{key(target)}").input("จำนวนห้องเรียนไม่ตรงกับทะเบียน")
    at.button(key=f"FormSubmitter:return-{key(target)}-{L.RETURN_BUTTON}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    doc = json.loads((target / APPROVAL).read_text(encoding="utf-8"))
    assert (doc["decision"], doc["reason"], doc["by"]) == ("returned", "จำนวนห้องเรียนไม่ตรงกับทะเบียน", DIRECTOR)
    [entry] = entries(root, "export_returned")
    assert (entry["user"], entry["role"]) == (DIRECTOR, "director")
    assert json.loads(entry["details"])["reason"] == "จำนวนห้องเรียนไม่ตรงกับทะเบียน"
    assert tab_labels(at)[2] == f"{L.TAB_RETURNED} (1)"
    assert L.RETURN_REASON_SHOWN.format(reason="จำนวนห้องเรียนไม่ตรงกับทะเบียน") in texts(at)


def test_an_export_changed_after_approval_is_shown_void_with_no_buttons(root):
    target = folder(root, 2569)
    signoff.approve(root, target, user=DIRECTOR, role="director")
    csv = target / f"{SURVEY}_2569.csv"
    csv.write_bytes(csv.read_bytes() + b"edited\r\n")
    at = open_page()
    assert tab_labels(at)[3] == f"{L.TAB_CHANGED} (1)"
    assert any("การอนุมัติจึงเป็นโมฆะ" in w.value and csv.name in w.value for w in at.warning)
    assert f"approve-{key(target)}" not in [b.key for b in at.button]


def test_a_click_on_an_export_another_session_decided_decides_nothing(root):
    at = open_page()
    target = folder(root, 2569)
    signoff.send_back(root, target, user="other", role="director", reason="ตรวจซ้ำ")
    at.button(key=f"approve-{key(target)}").click().run()
    assert not at.exception and json.loads((target / APPROVAL).read_text(encoding="utf-8"))["decision"] == "returned"
    assert entries(root, "export_approved") == [] and tab_labels(at)[2] == f"{L.TAB_RETURNED} (1)"


def test_a_decision_the_audit_log_cannot_record_is_not_taken_and_says_why(root, monkeypatch):
    at = open_page()
    target = folder(root, 2569)

    def broken(*args, **kwargs):
        raise audit.AuditError("ล็อกของบันทึกการใช้งานไม่ว่าง", "the audit log's lock is busy")

    monkeypatch.setattr(signoff, "record", broken)
    at.button(key=f"approve-{key(target)}").click().run()
    assert any("บันทึกการใช้งานไม่ได้ จึงไม่ดำเนินการ" in e.value and "audit log cannot be written" in e.value
               for e in at.error)
    assert not (target / APPROVAL).exists()


@pytest.mark.parametrize("role", ["ict", "analyst", "school"])
def test_other_roles_are_refused_before_anything_is_read(root, role):
    at = open_page(role)
    assert any(L.PAGE_REFUSED.split("“")[0] in e.value for e in at.error)
    assert not at.tabs and not [b for b in at.button if b.key and b.key.startswith("approve-")]


def test_no_export_yet_says_how_one_is_made(h):
    at = open_page()
    assert L.NO_EXPORTS in [i.value for i in at.info] and not at.tabs
