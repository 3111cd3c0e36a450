"""The upload page in a real browser (`streamlit run dashboards/app.py` + headless Chromium): the test school
logs in through the form, opens ส่งไฟล์ข้อมูล, picks a good DLIT file in the page's file box and sends it (it
is filed, the page says where), then a bad one (refused, its rows and rules in the table). One server on a
writable copy of the published warehouse; a screenshot of each result in SCREENSHOTS_DIR."""

from __future__ import annotations

import shutil

import pytest

from dashboards import labels as L
from pipelines import config
from pipelines.upload import records
from tests.browser import launch_chromium, offline_context, require_chromium
from tests.dashboards.login import log_in_browser
from tests.dashboards.test_browser import settle, streamlit_app, whole_page_shot
from tests.dashboards.test_login_browser import shows
from tests.dashboards.test_upload_page import BAD, dlit_csv

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def upload_root(published_home, tmp_path_factory) -> config.Home:
    root = tmp_path_factory.mktemp("upload_browser") / "root"
    shutil.copytree(published_home.warehouse, root / "warehouse")
    return config.home(root)


@pytest.fixture(scope="module")
def app_url(upload_root, tmp_path_factory):
    require_chromium()
    with streamlit_app("dashboards/app.py", upload_root, tmp_path_factory.mktemp("upload_log") / "streamlit.log") as url:
        yield url


def send(page, name: str, data: bytes) -> None:
    """Pick the file in the page's box (as the file dialog would) and press the button once it is on."""
    from playwright.sync_api import expect

    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    button = page.get_by_role("button", name=L.UPLOAD_BUTTON)
    expect(button).to_be_enabled(timeout=30_000)
    button.click()


def test_a_school_uploads_a_good_file_and_a_bad_one(app_url, upload_root, own_school):
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = offline_context(browser, outside).new_page()
            log_in_browser(page, f"{app_url}/upload", "school")
            page.get_by_role("heading", name=L.PAGE_UPLOAD[0]).wait_for(timeout=60_000)

            send(page, "DLIT_2568_ภาค1.csv", dlit_csv(own_school))
            shows(page, L.UPLOAD_PASS)
            [record] = records(upload_root)
            shows(page, f"landing/{record['path']}")
            settle(page)
            whole_page_shot(page, "upload_accepted")

            send(page, "DLIT_2568_แก้ไข.csv", dlit_csv(own_school, *BAD))
            shows(page, L.UPLOAD_FAIL)
            table = page.locator('[data-testid="stTable"]').last
            for rule in ("DLIT-01", "DLIT-02"):
                table.get_by_text(rule).wait_for(timeout=30_000)
            assert "ครูที่ใช้ DLIT (15 คน)" in table.inner_text()
            settle(page)
            whole_page_shot(page, "upload_refused")
            assert page.locator('[data-testid="stException"]').count() == 0
            assert len(records(upload_root)) == 1, "the refused file is not filed"
            page.context.close()
        finally:
            browser.close()
    assert outside == []
