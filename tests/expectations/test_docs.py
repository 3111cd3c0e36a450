"""GX Data Docs work with no internet: built by a real nightly run, served by `expectations.docs`.

The site of `demo_home` (the sample district through the real nightly job: the runner's checkpoints
build it) is served read-only by `docs.make_server` on a free port and opened in Debian's headless
Chromium. Every request the pages make is recorded and must stay on 127.0.0.1, with the browser's
Content-Security-Policy turned off (`bypass_csp`) so that a CDN link would show up as a request
instead of being silently blocked; the pages are opened in light and dark colour schemes (GX's dark
stylesheet named GX's S3 bucket). Screenshots go to `screenshots/` for reviewers.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from expectations import docs
from expectations.datadocs import vendor
from pipelines import config
from warehouse.contracts import contracts

RUN_NAME = re.compile(r"^nightly-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# A resource a page would load from elsewhere: <script src>, <link href>, <img src>, CSS url(), @import.
REMOTE = re.compile(
    r"""(?:<(?:script|img|iframe|source|embed)\b[^>]*\bsrc|<link\b[^>]*\bhref)\s*=\s*["']?(?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def site(home: config.Home) -> Path:
    return docs.site_dir(home)


def validation_pages(home: config.Home) -> list[str]:
    """The site path of every validation result GX keeps for the data root."""
    root = home.gx / "uncommitted" / "validations"
    return sorted(p.relative_to(root).with_suffix(".html").as_posix() for p in root.rglob("*.json"))


def rule_messages(table: str) -> dict[str, str]:
    return {c.rule_id: c.th for c in contracts()[table].checks}


@pytest.fixture(scope="module")
def served(demo_home):
    """The demo root's Data Docs on a free 127.0.0.1 port (read-only: the server only reads)."""
    server = docs.make_server(demo_home, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield docs.url(server)
    server.shutdown()
    server.server_close()


def get(base: str, path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    """A raw GET (http.client sends the path as written: no client-side normalising of `..`)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.headers, response.read()  # headers: any case
    finally:
        conn.close()


# ------------------------------------------------------------------ the vendored libraries
def test_vendored_files_are_the_npm_releases_named_in_the_manifest():
    listed = vendor.manifest()["packages"]
    assert set(listed) == set(vendor.PACKAGES), "run `python -m expectations.datadocs.vendor`"
    for spec, entry in listed.items():
        assert set(entry["files"]) == set(vendor.PACKAGES[spec].values()), spec
        for dest, digest in entry["files"].items():
            assert hashlib.sha256((vendor.VENDOR / dest).read_bytes()).hexdigest() == digest, dest
    on_disk = {p.relative_to(vendor.VENDOR).as_posix() for p in vendor.VENDOR.rglob("*") if p.is_file()}
    assert on_disk == {d for e in listed.values() for d in e["files"]}, "files outside the manifest"


# ------------------------------------------------------------------ the built site
def test_the_built_site_loads_nothing_from_elsewhere(demo_home):
    pages = [p for p in site(demo_home).rglob("*") if p.suffix in (".html", ".css")]
    assert any(p.name == "index.html" for p in pages)
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        assert not REMOTE.search(text), f"{page.relative_to(site(demo_home))} loads {REMOTE.search(text)[0]!r}"
        assert "amazonaws" not in text and "dataContextId" not in text, page
    for name in ("jquery/jquery.min.js", "bootstrap/css/bootstrap.min.css", "fontawesome/webfonts/fa-solid-900.woff2"):
        assert (site(demo_home) / "static" / "vendor" / name).is_file(), name


def test_runs_are_named_and_suite_pages_say_what_a_parameter_is(demo_home):
    runs = {Path(p).parts[1] for p in validation_pages(demo_home)}
    assert runs and all(RUN_NAME.match(r) for r in runs), runs  # not GX's __none__
    for page in site(demo_home).rglob("*.html"):
        assert "$PARAMETER" not in page.read_text(encoding="utf-8"), page
    suite = (site(demo_home) / "expectations" / "dltv_equipment.html").read_text(encoding="utf-8")
    for name in ("today",):
        assert docs.parameter_label(name) in suite


def test_run_name_comes_from_the_dagster_run_or_the_date():
    from datetime import date

    assert docs.run_name({"today": date(2026, 12, 1)}) == "khlang-2026-12-01"


# ------------------------------------------------------------------ the server
def test_server_serves_only_the_site_folder(served, demo_home):
    status, headers, body = get(served, "/index.html")
    assert status == 200 and b"<html" in body
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    status, headers, _ = get(served, "/static/vendor/fontawesome/webfonts/fa-solid-900.woff2")
    assert status == 200 and headers["Content-Type"] == "font/woff2"
    assert get(served, "/")[0] == 200  # the index
    secret = (demo_home.gx / "great_expectations.yml").read_bytes()
    for path in ("/../great_expectations.yml", "/../../great_expectations.yml", "/%2e%2e/%2e%2e/great_expectations.yml",
                 "/static/../../../great_expectations.yml", "/..%2f..%2f..%2fgreat_expectations.yml",
                 "//etc/passwd", "/../../../../../../etc/passwd", "/static/", "/expectations/"):
        status, _, body = get(served, path)
        assert status == 404, path
        assert secret not in body and b"root:" not in body, path


def test_server_does_not_follow_links_out_of_the_site_and_waits_for_a_first_run(tmp_path):
    home = config.home(tmp_path / "root")
    server = docs.make_server(home)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        status, _, body = get(docs.url(server), "/index.html")
        assert status == 503 and "ยังไม่มีผลตรวจ" in body.decode("utf-8")
        folder = site(home)
        folder.mkdir(parents=True)
        (folder / "index.html").write_text("<html>ok</html>", encoding="utf-8")
        (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
        (folder / "link.txt").symlink_to(tmp_path / "outside.txt")
        assert get(docs.url(server), "/index.html")[0] == 200
        assert get(docs.url(server), "/link.txt")[0] == 404
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(ValueError):
        docs.make_server(home, "0.0.0.0", 0)


# ------------------------------------------------------------------ in a browser
@pytest.mark.browser
def test_pages_in_a_browser_load_only_from_localhost_and_show_every_suite_run_and_thai_rule(served, demo_home):
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium, require_chromium

    require_chromium()
    pages = validation_pages(demo_home)
    assert len(pages) == len(contracts())  # one nightly run: one result per table
    requests: list[str] = []
    failed: list[str] = []
    config.SCREENSHOTS_DIR.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            for scheme in ("light", "dark"):
                context = browser.new_context(bypass_csp=True, color_scheme=scheme,
                                              viewport={"width": 1400, "height": 900})
                page = context.new_page()
                page.on("request", lambda r: requests.append(r.url))
                page.on("requestfailed", lambda r: failed.append(r.url))
                page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

                # The index: both tables filled by bootstrap-table (JavaScript), Bootstrap's CSS applied.
                page.goto(served + "index.html", wait_until="networkidle")
                suites = page.locator("table.ge-index-page-expectation_suites-table tbody tr")
                runs = page.locator("table.ge-index-page-validation-results-table tbody tr")
                # bootstrap-table shows ten rows a page: every row is in its data, the first page drawn
                every = "(t) => $(t).bootstrapTable('getData', {useCurrentPage: false})"
                suite_rows = page.evaluate(every, "table.ge-index-page-expectation_suites-table")
                assert len(suite_rows) == len(contracts())
                assert len(page.evaluate(every, "table.ge-index-page-validation-results-table")) == len(pages)
                assert suites.count() == min(len(contracts()), 10) and runs.count() == min(len(pages), 10)
                listed = json.dumps(suite_rows, ensure_ascii=False)
                assert all(table in listed for table in contracts())
                run_table = runs.first.locator("xpath=ancestor::table").inner_text(timeout=5000)
                for path in pages:
                    assert path.split("/")[1] in run_table  # the run's name
                assert page.evaluate("getComputedStyle(document.querySelector('.container-fluid')).paddingLeft") == "48px"
                assert "คลังข้อมูล" in page.locator("nav").first.inner_text()
                if scheme == "light":
                    page.screenshot(path=str(config.SCREENSHOTS_DIR / "data_docs_index.png"), full_page=True)

                # A suite page: each rule's Thai message visible, parameters labelled.
                page.goto(served + "expectations/dltv_equipment.html", wait_until="networkidle")
                for rule_id, th in rule_messages("dltv_equipment").items():
                    note = page.get_by_text(re.compile(re.escape(rule_id) + r" · ")).first
                    assert note.is_visible(), rule_id
                assert page.get_by_text(docs.parameter_label("today")).first.is_visible()
                text = page.locator("body").inner_text()
                assert all(th.split(":")[0] in text for th in rule_messages("dltv_equipment").values())
                if scheme == "light":
                    page.screenshot(path=str(config.SCREENSHOTS_DIR / "data_docs_suite.png"), full_page=True)

                # Every validation page: the rule and Thai message above each expectation, icons drawn.
                for path in pages:
                    table = path.split("/")[0]
                    page.goto(served + "validations/" + path, wait_until="networkidle")
                    text = page.locator("body").inner_text()
                    assert "__none__" not in text
                    for rule_id, th in rule_messages(table).items():
                        assert f"{rule_id} · " in text, (table, rule_id)
                        assert th.split(":")[0] in text, (table, rule_id)
                    assert page.evaluate(
                        "document.fonts.ready.then(() => [...document.fonts].some("
                        "f => f.family.includes('Font Awesome') && f.status === 'loaded'))"
                    ), "Font Awesome's icons are not drawn"
                    if scheme == "light" and table == "dltv_equipment":
                        page.screenshot(path=str(config.SCREENSHOTS_DIR / "data_docs_validation.png"),
                                        clip={"x": 0, "y": 0, "width": 1400, "height": 1400}, full_page=True)
                context.close()
        finally:
            browser.close()
    outside = sorted({u for u in requests if urlsplit(u).scheme not in ("data", "blob")
                      and urlsplit(u).hostname not in LOCAL_HOSTS})
    assert requests and not outside, f"requests leaving the machine: {outside}"
    assert not failed, f"failed or missing: {failed}"
