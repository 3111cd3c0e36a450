"""The dashboards in a real browser: `streamlit run` + Debian's headless Chromium via Playwright.

AppTest checks the page logic; this checks what a director actually sees: the app starts, the chart
is drawn, and Thai is rendered with a Thai font (not as boxes). The font check asks Chromium itself,
through the DevTools protocol, which platform fonts it used for the Thai heading.
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboards import labels as L
from pipelines import config
from tests.browser import launch_chromium, require_chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHART = ", ".join(f'[data-testid="{t}"] {e}' for t in ("stVegaLiteChart", "stArrowVegaLiteChart")
                  for e in ("canvas", "svg"))
# Used when fontconfig cannot be asked: Debian's fonts-thai-tlwg, Google's and Windows' Thai fonts.
KNOWN_THAI_FONTS = {"Loma", "Garuda", "Waree", "Norasi", "Kinnari", "Laksaman", "Umpush", "Sawasdee", "Purisa",
                    "Tlwg Typo", "Tlwg Typist", "Tlwg Mono", "Tlwg Typewriter", "Sarabun", "Noto Sans Thai",
                    "Noto Serif Thai", "Noto Sans Thai Looped", "Tahoma", "Leelawadee UI"}


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
def server(home: config.Home, tmp_path):
    """`streamlit run dashboards/app.py` on a free port, reading the test warehouse."""
    require_chromium()  # skip (or, under CI=true, fail) before starting anything
    port = free_port()
    env = {**os.environ, config.ENV_HOME: str(home.root), "PYTHONPATH": str(ROOT)}
    log = open(tmp_path / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboards/app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{(tmp_path / 'streamlit.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not answer within 60 s:\n" + (tmp_path / "streamlit.log").read_text())
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


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


def test_overview_in_chromium_shows_thai_and_the_chart(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 2000}, locale="th-TH")
            page.goto(server, wait_until="domcontentloaded")
            page.get_by_role("heading", name=L.PAGE_OVERVIEW[0], exact=True).wait_for(timeout=60_000)
            page.get_by_text(L.H_NEEDS_BY_ITEM).first.wait_for(timeout=60_000)
            page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
            page.get_by_text(L.M_PASS_RATE).first.wait_for(timeout=30_000)
            page.wait_for_timeout(1000)  # let Vega finish drawing on the canvas
            # (Streamlit scrolls inside its own container, so the tall viewport is what makes the shot whole)
            assert page.locator('[data-testid="stException"]').count() == 0

            shot = tmp_path / "overview.png"
            page.screenshot(path=str(shot), full_page=True)
            width, height = png_size(shot)
            assert width >= 1000 and height >= 900
            assert shot.stat().st_size > 40_000, "screenshot is nearly blank"

            used = fonts_rendering(page, L.PAGE_OVERVIEW[0])
            thai = {name: n for name, n in used.items() if name in thai_font_families()}
            assert thai and sum(thai.values()) >= len(L.PAGE_OVERVIEW[0]) - 1, f"Thai drawn with {used}"

            for path, title in (("dltv", L.PAGE_DLTV[0]), ("quality", L.PAGE_QUALITY[0])):
                page.goto(f"{server}/{path}", wait_until="domcontentloaded")
                page.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)
                page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
                page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible", timeout=60_000)
                page.wait_for_timeout(1500)
                assert page.locator('[data-testid="stException"]').count() == 0
                page.screenshot(path=str(tmp_path / f"{path}.png"), full_page=True)
        finally:
            browser.close()
    if os.environ.get("KHLANG_KEEP_SCREENSHOTS"):
        dest = Path(os.environ["KHLANG_KEEP_SCREENSHOTS"])
        dest.mkdir(parents=True, exist_ok=True)
        for png in tmp_path.glob("*.png"):
            shutil.copy(png, dest / png.name)
