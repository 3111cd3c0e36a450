"""The director's sign-off in a real browser (`streamlit run dashboards/app.py` + headless Chromium), then
the real `khlang release` (issue 9 point 8): the director logs in through the form, opens อนุมัติการส่งออก
สพฐ., sees the export awaiting approval with its Thai summary and approves it; `khlang release DIR --to DEST`
then copies it out with the approval in its manifest. One byte of the approved CSV is then changed:
`khlang release` refuses it (exit 1, the Thai line saying it changed after approval) and the page, reloaded,
shows it under ถูกแก้ไข with no approve button. An analyst's sidebar has no such page.

The data root is the small published warehouse of tests/warehouse/test_signoff.py (no nightly run of its
own), with one export prepared as `khlang export obec` prepares it (as test_approvals_page.py does).
Screenshots in SCREENSHOTS_DIR: dashboards_approvals_approved.png, dashboards_approvals_changed.png.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboards import access
from dashboards import labels as L
from pipelines import config
from pipelines.audit import ENV_AUDIT_KEY_FILE
from pipelines.pii import ENV_KEY_FILE
from pipelines.users import ENV_USERS_FILE
from tests.browser import launch_chromium, offline_context, require_chromium
from tests.dashboards.login import ACCOUNTS, log_in_browser
from tests.dashboards.test_browser import settle, streamlit_app, whole_page_shot
from tests.dashboards.test_login_browser import NAV_LINK, shows
from tests.warehouse import test_signoff
from warehouse.export import signoff
from warehouse.export.folder import APPROVAL, MANIFEST

pytestmark = pytest.mark.browser

published, h = test_signoff.published, test_signoff.h  # fixtures: the test's own small published data root
SURVEY, PERIOD = test_signoff.SURVEY, 2569
CSV = f"{SURVEY}_{PERIOD}.csv"
KHLANG = Path(sys.executable).with_name("khlang")


def khlang_release(root: config.Home, folder: Path, to: Path) -> subprocess.CompletedProcess:
    """The real CLI, as ICT staff run it, on the test's data root with the session's keys and users file."""
    env = {**os.environ, config.ENV_HOME: str(root.root)}
    assert all(env.get(k) for k in (ENV_AUDIT_KEY_FILE, ENV_KEY_FILE, ENV_USERS_FILE))  # tests/conftest.py
    return subprocess.run([str(KHLANG), "release", str(folder), "--to", str(to)], env=env, cwd=root.root.parent,
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_director_approves_in_chromium_the_release_works_and_a_tampered_export_is_refused(h, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    require_chromium()
    export = tmp_path / f"obec_{PERIOD}"
    signoff.prepare(h, SURVEY, PERIOD, export, user="staff1", role="ict")
    prepared = signoff.status(h, export)
    heading = L.EXPORT_OF.format(survey=prepared.manifest["survey_th"], period=PERIOD)
    rule = prepared.manifest["rules"][0]

    outside: list[str] = []
    with streamlit_app("dashboards/app.py", h, tmp_path / "streamlit.log") as url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = offline_context(browser, outside).new_page()
            log_in_browser(page, f"{url}/approvals", "director")
            page.get_by_role("heading", name=L.PAGE_APPROVALS[0]).wait_for(timeout=60_000)

            # ---- awaiting approval, with the manifest's summary in Thai
            expect(page.get_by_role("tab", name=f"{L.TAB_AWAITING} (1)")).to_be_visible(timeout=30_000)
            shows(page, heading)
            for text in (L.M_EXPORTED, L.M_RULES_FAILED, L.M_COVERAGE_RULE.format(rule="COV-01"),
                         L.rule_text(rule["rule_id"], rule["rule_th"]),
                         L.MANIFEST_SHA.format(sha=prepared.manifest_sha256)):
                shows(page, text)

            # ---- approve
            page.get_by_role("button", name=L.APPROVE_BUTTON).click()
            shows(page, L.DONE_APPROVED.format(what=heading))
            page.get_by_role("tab", name=f"{L.TAB_APPROVED} (1)").click()
            decided_by = L.DECIDED_BY.split(" เมื่อ")[0]  # who, without the time
            shows(page, decided_by.format(decision=L.TAB_APPROVED, name=f"ทดสอบ {L.role('director')}",
                                          user=ACCOUNTS["director"][0]))
            assert page.get_by_role("button", name=L.APPROVE_BUTTON).count() == 0
            assert page.locator('[data-testid="stException"]').count() == 0
            settle(page)
            whole_page_shot(page, "approvals_approved")
            doc = json.loads((export / APPROVAL).read_text(encoding="utf-8"))
            assert (doc["decision"], doc["by"], doc["role"]) == ("approved", ACCOUNTS["director"][0], "director")
            assert doc["manifest_sha256"] == prepared.manifest_sha256

            # ---- the real `khlang release` sends on what was approved
            sent = tmp_path / "to_obec"
            done = khlang_release(h, export, sent)
            assert done.returncode == 0, done.stderr
            assert "ready to send to OBEC" in done.stdout
            names = [f["name"] for f in prepared.manifest["files"]]
            assert sorted(p.name for p in sent.iterdir()) == sorted([*names, MANIFEST])
            assert all((sent / n).read_bytes() == (export / n).read_bytes() for n in names)
            manifest = json.loads((sent / MANIFEST).read_text(encoding="utf-8"))
            approval = manifest["approval"]
            assert (approval["decision"], approval["by"], approval["role"]) == ("approved", ACCOUNTS["director"][0],
                                                                                "director")
            assert approval["manifest_sha256"] == prepared.manifest_sha256 == doc["manifest_sha256"]

            # ---- one byte of the approved CSV changed: refused, and the page says so
            csv = export / CSV
            data = bytearray(csv.read_bytes())
            at = data.index(b"1")
            data[at] = ord("2")
            csv.write_bytes(bytes(data))
            refused = khlang_release(h, export, tmp_path / "to_obec_again")
            assert refused.returncode == 1, (refused.stdout, refused.stderr)
            assert "ไฟล์ถูกแก้ไขหลัง ผอ.สพท. ตัดสิน" in refused.stderr and "การอนุมัติจึงเป็นโมฆะ" in refused.stderr
            assert CSV in refused.stderr and "so it is void" in refused.stderr
            assert not (tmp_path / "to_obec_again").exists()

            page.reload(wait_until="domcontentloaded")
            page.get_by_role("heading", name=L.PAGE_APPROVALS[0]).wait_for(timeout=60_000)
            page.get_by_role("tab", name=f"{L.TAB_CHANGED} (1)").click()
            warning = page.locator('[data-testid="stAlert"]').filter(has_text="การอนุมัติจึงเป็นโมฆะ")
            expect(warning).to_contain_text(CSV, timeout=30_000)
            expect(page.get_by_role("tab", name=f"{L.TAB_APPROVED} (0)")).to_be_visible()
            assert page.get_by_role("button", name=L.APPROVE_BUTTON).count() == 0
            settle(page)
            whole_page_shot(page, "approvals_changed")
            page.context.close()

            # ---- an analyst has no such page in the sidebar
            page = offline_context(browser, outside).new_page()
            log_in_browser(page, url, "analyst")
            page.locator(NAV_LINK).first.wait_for(timeout=60_000)
            shown = [a.inner_text().strip().splitlines()[-1] for a in page.locator(NAV_LINK).all()]
            assert access.PAGES["approvals"].label[0] not in shown and len(shown) > 1, shown
            page.context.close()
        finally:
            browser.close()
    assert outside == []
