"""The review page of access requests (พิจารณาคำร้องขอสิทธิ์, dashboards/app_pages/access_review.py), run
headless with AppTest, logged in through the real form, on a data root of its own: ICT staff approve and
refuse (with a reason) the requests awaiting a decision, and what each button did is checked against
pipelines/access_requests.py and the audit log; one's own request has no buttons; other roles are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from dashboards import access, fmt
from pipelines import access_requests as ar
from pipelines import audit
from tests.dashboards import test_access_request_page as request_page
from tests.dashboards.login import ACCOUNTS
from tests.dashboards.page_text import texts
from tests.dashboards.test_access_request_page import account, open_page

root = request_page.root  # fixture: the test's own data root


@pytest.fixture
def asked(root) -> list[ar.Request]:
    """Two requests awaiting a decision (a school user's page, an analyst's role) and the ICT user's own."""
    made = [ar.submit(root, account("school"), ar.Asked("page", "dltv"), "ประชุมเครือข่าย", 14,
                      role_pages=access.ROLE_PAGES),
            ar.submit(root, account("analyst"), ar.Asked("role", "school", "1040866403"), "ตรวจเยี่ยม", 3,
                      role_pages=access.ROLE_PAGES)]
    made.append(ar.submit(root, account("ict"), ar.Asked("role", "director"), "รักษาราชการแทน", 1,
                          role_pages=access.ROLE_PAGES))
    return made


def test_ict_staff_see_each_request_awaiting_a_decision(root, asked):
    at = open_page("access_review", "ict")
    shown = texts(at)
    for r in asked:
        assert r.id in shown and r.reason in shown
    assert "หน้า “DLTV ความต้องการอุปกรณ์”" in shown and "บทบาท โรงเรียน (School) 1040866403" in shown
    assert "**14 วัน**" in shown and "(3)" in at.tabs[0].label
    assert "คำร้องของท่านเอง" in shown
    assert {b.proto.label for b in at.get("button")} >= {"อนุมัติ (Approve)", "ไม่อนุมัติ (Refuse)"}
    assert len([b for b in at.get("button") if b.proto.label == "อนุมัติ (Approve)"]) == 2, "none on one's own request"


def test_approving_grants_what_was_asked_and_refusing_needs_a_reason(root, asked):
    school, analyst = asked[:2]
    at = open_page("access_review", "ict")
    at.button(key=f"approve-button-{school.id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    [g] = ar.grants_for(root, school.user, datetime.now(UTC))
    assert g.asked == school.asked and g.until - g.start == timedelta(days=14)
    assert f"อนุมัติคำร้องเลขที่ {school.id} แล้ว ใช้ได้ถึง {fmt.thai_datetime(g.until)}" in texts(at)

    refuse = f"refuse-button-{analyst.id}"
    at.button(key=refuse).click().run()
    assert any("กรุณาระบุเหตุผลที่ไม่อนุมัติ" in e.value for e in at.error)
    assert ar.requests(root, analyst.user)[0].decision is None
    at.text_input(key=f"reason-{analyst.id}").input("ไม่อยู่ในภารกิจที่ได้รับมอบหมาย")
    at.button(key=refuse).click().run()
    assert ar.requests(root, analyst.user)[0].status() == "refused"
    ict = ACCOUNTS["ict"][0]
    log = audit.read(root).filter(pl.col("action").is_in(["access_approved", "access_refused"]))
    assert log.select("user", "action", "target", "outcome").rows() == [
        (ict, "access_approved", school.id, "ok"), (ict, "access_refused", analyst.id, "refused"),
        (ict, "access_refused", analyst.id, "ok")]
    shown = texts(at)
    assert "ไม่อยู่ในภารกิจที่ได้รับมอบหมาย" in shown and fmt.thai_datetime(g.until) in shown
    assert audit.verify(root) == []


@pytest.mark.parametrize("role", ["analyst", "school"])
def test_other_roles_are_refused_and_see_no_request(root, asked, role):
    at = open_page("access_review", role)
    assert at.error and "ไม่อยู่ในสิทธิ์" in at.error[0].value
    shown = texts(at)
    assert not any(r.id in shown or r.reason in shown for r in asked)
    assert all("อนุมัติ" not in b.proto.label for b in at.get("button"))
