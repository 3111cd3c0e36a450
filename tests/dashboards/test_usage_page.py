"""The usage page (สถิติการใช้งานระบบ, dashboards/app_pages/usage.py), run headless with AppTest, logged in
through the real form, on a data root of its own whose audit log was written through `record` at fixed
times last month: the figures shown are pipelines/audit/usage.py's of the months picked, the pages nobody
opened are listed by their Thai titles, and the CSV download is the window's log, itself recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
import streamlit

from dashboards import access
from dashboards.labels import thai_month
from pipelines import audit, config
from pipelines.audit import chain
from tests.dashboards import test_access_request_page as request_page
from tests.dashboards.login import ACCOUNTS
from tests.dashboards.page_text import texts
from tests.dashboards.test_access_request_page import open_page

root = request_page.root  # fixture: the test's own data root


@pytest.fixture
def logged(root) -> config.Home:
    """Last month (Bangkok): page views, refused views, SQL, an export, logins; Thai and messy names."""
    first = (datetime.now(UTC) + timedelta(hours=7)).date().replace(day=1)
    last_month = (first - timedelta(days=1)).replace(day=1)
    t = datetime(last_month.year, last_month.month, 2, 3, tzinfo=UTC)
    entries = [
        ("login", "สมหญิง", "analyst", None, "ok"), ("page_view", "สมหญิง", "analyst", "dltv", "ok"),
        ("page_view", "สมหญิง", "analyst", "dltv", "ok"), ("page_view", "ผอ.วิชัย", "director", "overview", "ok"),
        ("page_view", "school_1040866403", "school", "quality", "refused"),
        ("sql", "สมหญิง", "analyst", "SELECT * FROM schools JOIN dltv_equipment USING (school_code)", "ok"),
        ("sql", "สมหญิง", "analyst", "select reporter_name from dltv_equipment", "refused"),
        ("report", "ict1", "ict", "/srv/รายงาน.pdf", "ok"),
        ("login_failed", None, None, None, "failed"), ("login_failed", "ผอ.วิชัย", "director", None, "failed"),
    ]
    with pytest.MonkeyPatch.context() as clock:  # the clock back afterwards: the login that follows is now
        for i, (action, user, role, target, outcome) in enumerate(entries):
            clock.setattr(chain, "utcnow", lambda i=i: t + timedelta(minutes=i))
            audit.record(root, action, user=user, role=role, target=target, outcome=outcome)
    return root


@pytest.fixture
def clicks(monkeypatch) -> dict:
    """The `data` each download button was given, by its key (AppTest does not click downloads)."""
    seen: dict = {}
    original = streamlit.download_button

    def recording(label, data, *args, **kwargs):
        seen[kwargs.get("key")] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return seen


def test_the_figures_of_the_months_picked_and_the_pages_nobody_opened(logged):
    at = open_page("usage", "ict")
    last = at.select_slider(key="usage_months").value[1]
    assert last == (datetime.now(UTC) + timedelta(hours=7)).date().replace(day=1), "up to this month"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["การเปิดหน้า (page views)"] == "4"  # three of last month, and this page now
    assert metrics["คำสั่ง SQL (statements)"] == "2" and metrics["การส่งออก (exports)"] == "1"
    assert metrics["เข้าสู่ระบบไม่สำเร็จ (failed logins)"] == "2"
    shown = texts(at)
    unopened = next(m.value for m in at.markdown if "(map)" in m.value)
    for key in ("platform", "quality", "map", "access_request"):
        assert f"{access.PAGES[key].label[0]} ({key})" in unopened
    for key in ("dltv", "overview", "usage"):
        assert f"({key})" not in unopened
    assert "schools" in shown and "dltv_equipment" in shown and "สมหญิง" in shown and "ไม่ระบุ (none)" in shown
    assert thai_month(date.fromisoformat(f"{audit.read(logged)['time'][0]:%Y-%m}-01")) in shown


def test_a_window_of_this_month_only_leaves_last_months_entries_out(logged):
    at = open_page("usage", "director")
    this_month = at.select_slider(key="usage_months").value[1]
    at.select_slider(key="usage_months").set_value((this_month, this_month)).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["คำสั่ง SQL (statements)"] == "0" and metrics["เข้าสู่ระบบไม่สำเร็จ (failed logins)"] == "0"
    assert metrics["การเปิดหน้า (page views)"] == "1"  # this page


def test_the_csv_download_is_the_windows_log_and_is_recorded(logged, clicks):
    at = open_page("usage", "ict")
    before = audit.read(logged).height
    data = clicks["usage_audit_csv"]()  # the click
    assert data.startswith("\ufeff".encode()) and "ผู้ใช้ / user".encode() in data and "สมหญิง".encode() in data
    assert data.count(b"\r\n") == before + 1, "a heading and every entry of the window"
    [entry] = audit.read(logged).filter(pl.col("action") == "audit_export").to_dicts()
    assert (entry["user"], entry["role"], entry["outcome"]) == (ACCOUNTS["ict"][0], "ict", "ok")
    assert audit.verify(logged) == []
    assert at.get("download_button")[0].proto.label.startswith("ดาวน์โหลดบันทึกการใช้งาน")


@pytest.mark.parametrize("role", ["analyst", "school"])
def test_other_roles_are_refused(logged, role):
    at = open_page("usage", role)
    assert at.error and "ไม่อยู่ในสิทธิ์" in at.error[0].value and not at.metric
