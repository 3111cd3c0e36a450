"""The dashboards in a real browser: `streamlit run` + Debian's headless Chromium via Playwright.

AppTest checks the page logic; this checks what a director actually sees: the app starts, the charts
are drawn, Thai is rendered with a Thai font (not as boxes), and the quality page's Data Docs link opens
the Data Docs served over HTTP. The font check asks Chromium itself, through the DevTools protocol,
which platform fonts it used for the Thai heading.

Every run keeps a full-page PNG of every page (and of each tab of the quality page, and of the Data
Docs index reached through the dashboard's link) in `pipelines.config.SCREENSHOTS_DIR` (repo-root
`screenshots/`, git-ignored), named `dashboards_<n>_<what>.png`, so a reviewer can look at them.
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboards import labels as L
from pipelines import config
from tests.browser import launch_chromium, offline_context, require_chromium
from tests.dashboards.login import log_in_browser

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = config.SCREENSHOTS_DIR
CHART = ", ".join(f'[data-testid="{t}"] {e}' for t in ("stVegaLiteChart", "stArrowVegaLiteChart")
                  for e in ("canvas", "svg"))
# Used when fontconfig cannot be asked: Debian's fonts-thai-tlwg, Google's and Windows' Thai fonts.
KNOWN_THAI_FONTS = {"Loma", "Garuda", "Waree", "Norasi", "Kinnari", "Laksaman", "Umpush", "Sawasdee", "Purisa",
                    "Tlwg Typo", "Tlwg Typist", "Tlwg Mono", "Tlwg Typewriter", "Sarabun", "Noto Sans Thai",
                    "Noto Serif Thai", "Noto Sans Thai Looped", "Tahoma", "Leelawadee UI"}
# The quality page's tabs, in order, and the screenshot each one gets.
QUALITY_TABS = [(L.H_BY_RULE, "quality_rules"), (L.H_BY_FILE, "quality_files"),
                (L.H_QUARANTINE, "quality_quarantine"), (L.H_MISSING, "quality_missing"),
                ("Data Docs", "quality_data_docs")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def thai_font_families() -> set[str]:
    """Families fontconfig says cover Thai (`fc-list :lang=th`), plus the well-known ones."""
    families = set(KNOWN_THAI_FONTS)
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=th", "family"], capture_output=True, text=True, check=False).stdout
        families |= {f.strip() for line in out.splitlines() for f in line.split(",") if f.strip()}
    return families


@pytest.fixture
def docs_url(home: config.Home):
    """The Data Docs of the test warehouse served over HTTP on localhost, as `khlang serve` does."""
    from expectations import docs

    server = docs.make_server(home)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield docs.url(server)
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def streamlit_app(script: str, home: config.Home, log_path: Path, env: dict[str, str] | None = None):
    """`streamlit run <script>` (relative to the repo root, or absolute) on a free port, reading `home`;
    yields its address once it answers, stops it after."""
    port = free_port()
    env = {**os.environ, config.ENV_HOME: str(home.root), "PYTHONPATH": str(ROOT), **(env or {})}
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not answer within 60 s:\n" + log_path.read_text())
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def server(home: config.Home, docs_url: str, tmp_path):
    """`streamlit run dashboards/app.py` on a free port, reading the test warehouse, told where the
    Data Docs are served (pipelines.config.ENV_DOCS_URL)."""
    require_chromium()  # skip (or, under CI=true, fail) before starting anything
    with streamlit_app("dashboards/app.py", home, tmp_path / "streamlit.log", {config.ENV_DOCS_URL: docs_url}) as url:
        yield url


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


def fonts_rendering(page, text: str) -> dict[str, int]:
    """Platform font family -> glyph count Chromium used to draw the element whose text is `text`."""
    page.evaluate(
        """(t) => {
            const el = [...document.querySelectorAll('h1, h1 *')].find(e => e.textContent.trim() === t
                && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
            el.setAttribute('data-khlang-probe', '1');
        }""",
        text,
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-khlang-probe]"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {f["familyName"]: f["glyphCount"] for f in fonts}


def whole_page_shot(page, name: str, width: int = 1440) -> Path:
    """A PNG of the whole page in SCREENSHOTS_DIR. Streamlit scrolls inside its own container, so the
    window is first made as tall as that container's content."""
    tallest = page.evaluate(
        """() => Math.max(document.documentElement.scrollHeight,
                ...[...document.querySelectorAll('*')].filter(e => e.scrollHeight > e.clientHeight + 2
                    && ['auto', 'scroll'].includes(getComputedStyle(e).overflowY)).map(e => e.scrollHeight))"""
    )
    page.set_viewport_size({"width": width, "height": min(max(int(tallest) + 40, 900), 16_000)})
    page.wait_for_timeout(1200)  # let Streamlit and Vega lay out and draw at the new size
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"dashboards_{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": 1000})
    return path


def settle(page) -> None:
    """Wait until Streamlit has finished a run (no running indicator) and charts have drawn."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(800)


def one_school(home: config.Home) -> str:
    """A register school with quarantined rows: its profile page has the most to draw."""
    import duckdb

    with duckdb.connect(str(home.duckdb_path), read_only=True) as con:
        return con.execute("SELECT s.school_code FROM schools s SEMI JOIN quarantine q USING (school_code) "
                           "ORDER BY s.school_code LIMIT 1").fetchone()[0]


def test_every_page_in_chromium_thai_charts_links_and_screenshots(server, docs_url, home):
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = offline_context(browser, outside)
            page = context.new_page()

            # ---- overview
            log_in_browser(page, server)
            page.get_by_role("heading", name=L.PAGE_OVERVIEW[0], exact=True).wait_for(timeout=60_000)
            page.get_by_text(L.H_NEEDS_BY_ITEM).first.wait_for(timeout=60_000)
            page.get_by_text(L.H_ALLOC_VS_NEED).first.wait_for(timeout=60_000)
            page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
            settle(page)
            shot = whole_page_shot(page, "1_overview")
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.locator(CHART).count() >= 3, "missing-by-district, cost-by-item, allocation-vs-need"
            width, height = png_size(shot)
            assert width >= 1000 and height >= 1500, "the whole page, not one screen of it"
            assert shot.stat().st_size > 80_000, "screenshot is nearly blank"
            used = fonts_rendering(page, L.PAGE_OVERVIEW[0])
            thai = {name: n for name, n in used.items() if name in thai_font_families()}
            assert thai and sum(thai.values()) >= len(L.PAGE_OVERVIEW[0]) - 1, f"Thai drawn with {used}"

            # ---- DLTV
            page.goto(f"{server}/dltv", wait_until="domcontentloaded")
            page.get_by_role("heading", name=L.PAGE_DLTV[0], exact=True).wait_for(timeout=60_000)
            page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
            page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible", timeout=60_000)
            settle(page)
            whole_page_shot(page, "2_dltv")
            assert page.locator('[data-testid="stException"]').count() == 0

            # ---- the four areas and one school's profile: the heading, then no exception once the run ends
            # (drawn: a chart, or the Thai note of an empty warehouse; the school's tables)
            school = one_school(home)  # opened by its address: the profile drawn, not only the search box
            for path, title, shot, drawn in (
                    ("admin", L.PAGE_ADMIN[0], "2a_admin", f'{CHART}, [data-testid="stAlertContentInfo"]'),
                    (f"school?school={school}", L.PAGE_SCHOOL[0], "2b_school", '[data-testid="stTable"]')):
                page.goto(f"{server}/{path}", wait_until="domcontentloaded")
                page.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)
                page.locator(drawn).first.wait_for(state="visible", timeout=60_000)
                settle(page)
                whole_page_shot(page, shot)
                assert page.locator('[data-testid="stException"]').count() == 0, path
                assert page.locator('[data-testid="stAlertContentError"]').count() == 0, path

            # ---- data quality, one screenshot per tab
            page.goto(f"{server}/quality", wait_until="domcontentloaded")
            page.get_by_role("heading", name=L.PAGE_QUALITY[0], exact=True).wait_for(timeout=60_000)
            page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
            settle(page)
            for n, (tab, name) in enumerate(QUALITY_TABS, start=3):
                page.get_by_role("tab", name=tab).click()
                page.wait_for_timeout(600)
                whole_page_shot(page, f"{n}_{name}")
                assert page.locator('[data-testid="stException"]').count() == 0, tab

            # the Data Docs link is the served HTTP address, and it opens the Data Docs index
            link = page.get_by_role("link", name=L.DATA_DOCS_OPEN)
            assert link.get_attribute("href") == docs_url
            assert page.locator('a[href^="file:"]').count() == 0
            with context.expect_page(timeout=30_000) as opened:  # the button opens a new tab
                link.click()
            docs = opened.value
            docs.wait_for_load_state("load")
            docs.wait_for_timeout(800)
            assert docs.url.startswith(docs_url)
            assert docs.locator("body").inner_text().strip(), "the Data Docs index is empty"
            index = docs.screenshot(path=str(SHOTS / "dashboards_8_data_docs_index.png"), full_page=True)
            assert len(index) > 20_000
        finally:
            browser.close()
    assert outside == [], f"requests left the machine: {outside}"


def test_platform_page_in_chromium_thai_charts_and_screenshot(server):
    """The digital platform page as a director sees it: every chart drawn (trends, heatmap, distinct
    users, top content, schools per week), Thai drawn with a Thai font, nothing fetched from outside;
    and the quality page's reconciliation tab. Screenshots: dashboards_9_platform.png and
    dashboards_10_quality_platform.png."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = offline_context(browser, outside)
            page = context.new_page()
            log_in_browser(page, f"{server}/platform")
            page.get_by_role("heading", name=L.PAGE_PLATFORM[0], exact=True).wait_for(timeout=60_000)
            page.get_by_text(L.H_INACTIVE).first.wait_for(timeout=60_000)
            page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
            settle(page)
            shot = whole_page_shot(page, "9_platform")
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.locator('[data-testid="stAlertContentError"]').count() == 0
            charts = page.locator(", ".join(f'[data-testid="{t}"]' for t in ("stVegaLiteChart", "stArrowVegaLiteChart")))
            assert charts.count() >= 6, "day, month, weekday x hour, distinct users, top content, schools per week"
            width, height = png_size(shot)
            assert width >= 1000 and height >= 2500, "the whole page, not one screen of it"
            assert shot.stat().st_size > 150_000, "screenshot is nearly blank"
            used = fonts_rendering(page, L.PAGE_PLATFORM[0])
            thai = {name: n for name, n in used.items() if name in thai_font_families()}
            assert thai and sum(thai.values()) >= len(L.PAGE_PLATFORM[0]) - 2, f"Thai drawn with {used}"

            page.goto(f"{server}/quality", wait_until="domcontentloaded")
            page.get_by_role("heading", name=L.PAGE_QUALITY[0], exact=True).wait_for(timeout=60_000)
            settle(page)
            page.get_by_role("tab", name=L.TAB_RECONCILIATION).click()
            page.get_by_text(L.H_RECONCILIATION).first.wait_for(timeout=60_000)
            page.set_viewport_size({"width": 1440, "height": 1800})  # the tab, not the other tabs' height
            page.wait_for_timeout(1200)
            page.screenshot(path=str(SHOTS / "dashboards_10_quality_platform.png"))
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            browser.close()
    assert outside == [], f"requests left the machine: {outside}"


def test_dlit_page_in_chromium_thai_charts_tables_and_screenshot(server):
    """The DLIT page as a director sees it: six headline figures, the three charts drawn (services,
    teachers by district, the trend), the schools of the semester and the schools that did not report,
    Thai drawn with a Thai font, nothing fetched from outside. Screenshot: dashboards_11_dlit.png."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = offline_context(browser, outside).new_page()
            log_in_browser(page, f"{server}/dlit")
            page.get_by_role("heading", name=L.PAGE_DLIT[0], exact=True).wait_for(timeout=60_000)
            page.get_by_text(L.H_DLIT_MISSING).first.wait_for(timeout=60_000)
            page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
            settle(page)
            shot = whole_page_shot(page, "11_dlit")
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.locator('[data-testid="stAlertContentError"]').count() == 0
            assert page.locator('[data-testid="stMetric"]').count() == 6
            charts = page.locator('[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"]')
            assert charts.count() == 3, "services, teachers by district, trend"
            assert page.locator(CHART).count() >= 3, "every chart drawn"
            assert page.locator('[data-testid="stDataFrame"]:visible').count() >= 2, "schools, not reported"
            width, height = png_size(shot)
            assert width >= 1000 and height >= 2000, "the whole page, not one screen of it"
            assert shot.stat().st_size > 120_000, "screenshot is nearly blank"
            used = fonts_rendering(page, L.PAGE_DLIT[0])
            thai = {name: n for name, n in used.items() if name in thai_font_families()}
            thai_letters = sum(1 for ch in L.PAGE_DLIT[0] if "\u0e00" <= ch <= "\u0e7f")
            assert thai and sum(thai.values()) >= thai_letters - 2, f"Thai drawn with {used}"
        finally:
            browser.close()
    assert outside == [], f"requests left the machine: {outside}"
