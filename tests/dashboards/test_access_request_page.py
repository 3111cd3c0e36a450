"""The access request page (ขอสิทธิ์เข้าถึงข้อมูล, dashboards/app_pages/access_request.py), run headless with
AppTest, logged in through the real form (tests/dashboards/login.py), on a data root of its own (no
warehouse needed): the form sends a request the way pipelines/access_requests.py keeps it, a bad one gets
its Thai refusal, and the person's own requests and grants are listed with their status and end date.

An approved request reaches the role check (access.pages_of): the app's navigation holds the page granted
for its days. `root` and `open_page` serve the review and usage page tests too."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import access, fmt
from pipelines import access_requests as ar
from pipelines import audit, config
from pipelines.users import User
from tests.dashboards.login import ACCOUNTS, log_in
from tests.dashboards.page_text import texts

ROOT = Path(__file__).resolve().parents[2]
PAGES_DIR = ROOT / "dashboards" / "app_pages"


@pytest.fixture
def root(tmp_path, monkeypatch) -> config.Home:
    """The test's own data root (the pages read only the audit log and the requests), KHLANG_HOME at it."""
    h = config.home(tmp_path / "root")
    h.root.mkdir()
    monkeypatch.setenv(config.ENV_HOME, str(h.root))
    return h


def open_page(page: str, role: str) -> AppTest:
    at = log_in(AppTest.from_file(str(PAGES_DIR / f"{page}.py"), default_timeout=60), role)
    assert not at.exception, [e.value for e in at.exception]
    return at


def account(role: str) -> User:
    from pipelines import users

    return users.user(users.load(), ACCOUNTS[role][0])


def test_a_school_user_sends_a_request_and_sees_it_await_a_decision(root):
    at = open_page("access_request", "school")
    me = account("school")
    assert at.text_input(key="access_request_name").value == me.name
    assert "โรงเรียน (School)" in at.text_input(key="access_request_position").value
    pages = at.selectbox(key="access_request_page").options
    assert "school" not in str(pages) and len(pages) == len(ar.table_pages(access.ROLE_PAGES)) - len(access.ROLE_PAGES["school"])
    at.selectbox(key="access_request_page").set_value("dltv")
    at.text_area(key="access_request_reason").input("ใช้ประกอบการประชุมเครือข่ายโรงเรียน")
    at.number_input(key="access_request_days").set_value(14)
    submit(at)
    [r] = ar.requests(root)
    assert (r.user, r.asked, r.days, r.reason, r.status()) == (me.username, ar.Asked("page", "dltv"), 14,
                                                               "ใช้ประกอบการประชุมเครือข่ายโรงเรียน", "pending")
    shown = texts(at)
    assert f"ส่งคำร้องเลขที่ {r.id} แล้ว" in shown and "รอพิจารณา" in shown
    assert at.text_area(key="access_request_reason").value == "" and at.number_input(key="access_request_days").value == 30
    [entry] = audit.read(root).filter(pl.col("action") == "access_requested").to_dicts()
    assert (entry["user"], entry["role"], entry["target"]) == (me.username, "school", r.id)


def test_once_approved_the_grant_is_listed_with_its_end_date(root):
    me = account("school")
    r = ar.submit(root, me, ar.Asked("page", "overview"), "ดูภาพรวมเขต", 7, role_pages=access.ROLE_PAGES)
    done = ar.decide(root, r.id, "ict_someone", "ict", True, "ตามที่ขอ", decider_name="นายไอซีที")
    at = open_page("access_request", "school")
    shown = texts(at)
    assert fmt.thai_datetime(done.decision.until) in shown and "อนุมัติแล้ว" in shown and "นายไอซีที" in shown
    assert "หน้า “ภาพรวม”" in shown
    assert "overview" in ar.effective_pages(root, me.username, "school", access.ROLE_PAGES, datetime.now(UTC))


def test_a_request_without_a_reason_is_refused_in_thai_and_nothing_is_kept(root):
    at = open_page("access_request", "analyst")
    at.radio(key="access_request_kind").set_value("role").run()
    at.selectbox(key="access_request_role").set_value("school")
    at.text_input(key="access_request_school").input("1040866403")
    submit(at)
    assert any("กรุณาระบุเหตุผลที่ขอ" in e.value for e in at.error)
    assert ar.requests(root) == [] and audit.read(root).filter(pl.col("action") == "access_requested").is_empty()
    assert at.text_input(key="access_request_school").value == "1040866403", "a refused form keeps what was typed"
    at.text_area(key="access_request_reason").input("ตรวจเยี่ยมโรงเรียน")
    submit(at)
    [r] = ar.requests(root)
    assert r.asked == ar.Asked("role", "school", "1040866403") and r.days == 30


def submit(at: AppTest) -> AppTest:
    at.button(key="access_request_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_everyone_may_ask_and_only_ict_staff_and_the_director_decide_and_see_the_usage():
    for role, pages in access.ROLE_PAGES.items():
        assert "access_request" in pages and pages[0] != "access_request", "every role asks; no one's home page"
        assert ("access_review" in pages) == ("usage" in pages) == (role in ar.DECIDERS)


def test_an_approved_page_is_in_the_apps_navigation_for_its_days(root):
    me = account("school")
    r = ar.submit(root, me, ar.Asked("page", "dltv"), "ประชุมเครือข่าย", 2, role_pages=access.ROLE_PAGES)
    app = AppTest.from_file(str(ROOT / "dashboards" / "app.py"), default_timeout=60)
    own = set(access.ROLE_PAGES["school"])
    assert nav(log_in(app, "school")) == own and "dltv" not in own
    ar.decide(root, r.id, "director_someone", "director", True)
    assert nav(app.run()) == own | {"dltv"}


def nav(at: AppTest) -> set[str]:
    """The pages (by key) `st.navigation` was given as files in the last run: the hidden refusals are not."""
    return {Path(str(info["script_path"])).stem for info in at._registered_pages.values() if info.get("script_path")}
