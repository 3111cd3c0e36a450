"""Office isolation (dashboards/access.py `office_scope`, dashboards/offices.py), run headless with AppTest as
real users of the session's real users file: a national root of two offices, each a copy of the published
sample root whose school names are marked with its own office code, so a page shows whose data it read.

- a user of office 4001 sees 4001's schools and never 4002's, whatever the session state or the address say;
- national staff (office ALL) pick among the offices in the sidebar, and read the one picked;
- a user of an office the root does not hold, or with no office, gets the Thai refusal and no page;
- a single-office root: users without an office (the file as it was) read it; another office's user is refused.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import access, data
from dashboards import labels as L
from dashboards import offices as national
from pipelines import audit, config, office, users
from tests.dashboards.login import fill_login

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboards" / "app.py"
SCHOOL_PAGE = "app_pages/school.py"
CODES = ("4001", "4002")
PASSWORD = "office-test-password"
# username -> (role, office); the school user's school is the published register's first (own_school)
PEOPLE = {
    "office_4001": ("director", "4001"),
    "office_4002": ("director", "4002"),
    "office_4003": ("director", "4003"),
    "office_none": ("director", None),
    "office_all": ("analyst", users.ALL_OFFICES),
    "office_school_4001": ("school", "4001"),
}


def marked(code: str) -> str:
    return f"[เขต {code}]"


@pytest.fixture(scope="module")
def people(own_school) -> dict:
    import bcrypt
    from unittest import mock

    gensalt = bcrypt.gensalt
    with mock.patch.object(bcrypt, "gensalt", lambda: gensalt(rounds=4)), users.updating(create=True) as cfg:
        for username, (role, code) in PEOPLE.items():
            users.add_user(cfg, username, role=role, password=PASSWORD, office=code,
                           school_code=own_school if role == "school" else None)
    return PEOPLE


@pytest.fixture(scope="module")
def national_root(published_home, tmp_path_factory, people) -> Path:
    """<root>/national.json and offices/4001, offices/4002: each a copy of the published sample root (without
    its audit log and requests), its school names marked with the office's code, then named for its office
    with the marker by the national layout's own `create` (pipelines/national/layout.py)."""
    from pipelines.national import layout

    root = tmp_path_factory.mktemp("national")
    for code in CODES:
        copy = root / "offices" / code
        shutil.copytree(published_home.root, copy, ignore=shutil.ignore_patterns("audit", "state", "dagster_home"))
        with duckdb.connect(str(config.home(copy).versions / "v0001" / "khlang.duckdb")) as con:
            for table in ("school_profile", "schools"):
                con.execute(f"UPDATE {table} SET school_name = school_name || ' {marked(code)}'")
    assert layout.create(root, list(CODES)) == list(CODES)
    assert json.loads((root / national.MARKER).read_text(encoding="utf-8"))["offices"] == list(CODES)
    assert [config.home(root / "offices" / c).office.code for c in CODES] == list(CODES)
    return root


def app(monkeypatch, root: Path, username: str) -> AppTest:
    """app.py on the data root `root`, logged in as `username` (one of PEOPLE or the session's accounts)."""
    monkeypatch.setenv(config.ENV_HOME, str(root))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    fill_login(at, username, PASSWORD)
    assert at.session_state["authentication_status"], [e.value for e in at.error]
    return at


def school_names(at: AppTest) -> list[str]:
    """The school picker's choices, as the page drew them (code · name · district)."""
    assert not at.exception, [e.value for e in at.exception]
    picker = [s for s in at.selectbox if s.key == "school_code"]
    assert picker, [e.value for e in at.error]
    return list(picker[0].options)


def only_office(names: list[str], code: str) -> bool:
    return bool(names) and all(marked(code) in n for n in names) and not any(
        marked(c) in n for c in CODES if c != code for n in names)


def entries(root: Path, username: str, since: datetime) -> list[dict]:
    if not (root / "audit").is_dir():
        return []
    frame = audit.read(config.home(root), since)
    return [r for r in frame.to_dicts() if r["user"] == username]


def test_an_office_user_reads_its_own_office_only_whatever_the_session_says(monkeypatch, national_root):
    since = datetime.now(timezone.utc)
    at = app(monkeypatch, national_root, "office_4001")
    at.query_params["office"] = "4002"
    assert [t.value for t in at.title][0] == L.PAGE_OVERVIEW[0] and not at.error
    assert L.office("4001")[0] in [c.value for c in at.sidebar.caption]
    assert not [s for s in at.sidebar.selectbox if s.key == access.OFFICE_KEY], "no office picker"
    at.switch_page(SCHOOL_PAGE).run()
    assert only_office(school_names(at), "4001")
    # whatever this session is made to say, it reads its own office
    at.session_state[access.OFFICE_KEY] = "4002"
    at.query_params["office"] = "4002"
    at.run()
    assert only_office(school_names(at), "4001")
    a, b = (entries(national_root / "offices" / c, "office_4001", since) for c in CODES)
    assert {e["action"] for e in a} >= {"login", "page_view"} and b == [], "recorded in its office's log only"
    assert {json.loads(e["details"]).get("office") for e in a if e["action"] == "page_view"} == {"4001"}


def test_the_other_office_reads_its_own(monkeypatch, national_root):
    at = app(monkeypatch, national_root, "office_4002")
    at.switch_page(SCHOOL_PAGE).run()
    assert only_office(school_names(at), "4002")


def test_a_school_user_of_an_office_sees_its_own_school_of_its_own_office(monkeypatch, national_root, own_school):
    at = app(monkeypatch, national_root, "office_school_4001")
    assert not at.exception and [t.value for t in at.title] == [L.PAGE_SCHOOL[0]]
    shown = "\n".join(m.value for m in at.markdown) + "\n".join(str(t.value) for t in at.table)
    assert marked("4001") in shown or any(marked("4001") in str(df.value) for df in at.dataframe)
    assert not any(marked("4002") in str(df.value) for df in at.dataframe) and marked("4002") not in shown
    assert at.query_params["school"] == own_school


def test_an_access_grant_widens_pages_within_the_office_never_the_office(monkeypatch, national_root):
    """A grant is kept in, and read from, the office root the user reads: approved in office 4001's root it
    adds its page; one written into office 4002's root gives office 4001's user nothing."""
    from pipelines import access_requests as ar

    me = users.lookup("office_school_4001")
    for code, page in (("4001", "dltv"), ("4002", "overview")):
        h = config.home(national_root / "offices" / code)
        r = ar.submit(h, me, ar.Asked("page", page), "ดูข้อมูลประกอบการประชุม", 7, role_pages=access.ROLE_PAGES)
        ar.decide(h, r.id, f"ict_{code}", "ict", True, "ตามที่ขอ")
    at = app(monkeypatch, national_root, "office_school_4001")
    files = {Path(str(i["script_path"])).name for i in at._registered_pages.values() if i.get("script_path")}
    assert "dltv.py" in files and "overview.py" not in files, files


def test_national_staff_pick_the_office_they_read(monkeypatch, national_root):
    at = app(monkeypatch, national_root, "office_all")
    picker = at.sidebar.selectbox(key=access.OFFICE_KEY)
    assert list(picker.options) == [L.office(c)[0] for c in CODES] and picker.value == "4001"
    at.switch_page(SCHOOL_PAGE).run()
    assert only_office(school_names(at), "4001")
    at.sidebar.selectbox(key=access.OFFICE_KEY).set_value("4002").run()
    assert only_office(school_names(at), "4002")
    at.switch_page("app_pages/overview.py").run()  # the pick holds from page to page
    assert not at.exception and at.sidebar.selectbox(key=access.OFFICE_KEY).value == "4002"
    at.switch_page(SCHOOL_PAGE).run()
    assert only_office(school_names(at), "4002")


@pytest.mark.parametrize("username", ["office_4003", "office_none"])
def test_a_user_of_no_office_of_the_root_gets_the_refusal_and_no_page(monkeypatch, national_root, username):
    since = datetime.now(timezone.utc)
    at = app(monkeypatch, national_root, username)
    th, en = L.office(PEOPLE[username][1])
    assert [e.value for e in at.error] == [access.office_scope(users.lookup(username)).refusal]
    assert th in at.error[0].value and en in at.error[0].value and "ICT" in at.error[0].value
    assert not at.exception and not at.title and not at.metric and not at.dataframe
    assert not [i for i in at._registered_pages.values() if "app_pages" in str(i.get("script_path"))], "no page"
    at.switch_page(SCHOOL_PAGE).run()  # a page asked for by name: the same refusal, nothing read
    assert [e.value for e in at.error] == [access.office_scope(users.lookup(username)).refusal]
    assert not at.selectbox and not at.dataframe
    # the refusal is recorded in the national root's own log, never in an office's
    assert [(e["action"], e["outcome"]) for e in entries(national_root, username, since)][-1] == ("page_view", "refused")
    assert all(entries(national_root / "offices" / c, username, since) == [] for c in CODES)


def test_the_queries_themselves_refuse_another_office(monkeypatch, national_root):
    """Below the pages: what data.current_home() gives each user (the root every query reads)."""
    monkeypatch.setenv(config.ENV_HOME, str(national_root))
    by_name = {u: users.lookup(u) for u in PEOPLE}
    assert access.data_home(by_name["office_4001"]).root == national_root / "offices" / "4001"
    assert access.data_home(by_name["office_4001"], chosen="4002").root == national_root / "offices" / "4001"
    assert access.data_home(by_name["office_all"], chosen="4002").root == national_root / "offices" / "4002"
    assert access.data_home(by_name["office_all"], chosen="4003").root == national_root / "offices" / "4001", \
        "a pick the root does not hold: its first office"
    assert access.data_home(by_name["office_school_4001"], chosen="4002").root == national_root / "offices" / "4001"
    assert access.data_home(by_name["office_4003"]) is None and access.data_home(by_name["office_none"]) is None
    assert data.current_home().root == national_root, "outside a session: the root found as always"


def test_an_office_folder_naming_another_office_is_not_read(monkeypatch, tmp_path, national_root):
    root = tmp_path / "national"
    (root / "offices" / "4001").mkdir(parents=True)
    office.set_root(root / "offices" / "4001", "4002")  # a folder moved in under the wrong code
    (root / national.MARKER).write_text(json.dumps({"offices": ["4001"]}), encoding="utf-8")
    scope = access.office_scope(users.lookup("office_4001"), config.home(root))
    assert scope.home is None and scope.refusal == L.OFFICE_FOLDER_WRONG.format(code="4001")
    (root / national.MARKER).write_text(json.dumps({"offices": ["4001", "9999"]}), encoding="utf-8")
    scope = access.office_scope(users.lookup("office_4001"), config.home(root))
    assert scope.home is None and "national.json" in scope.refusal and "malformed" in scope.refusal


# ---------------------------------------------------------------- a single-office root, as before
def test_a_single_root_reads_as_before_for_users_without_an_office(monkeypatch, published_home, accounts):
    entry = users.load()["credentials"]["usernames"][accounts["director"][0]]
    assert "office" not in entry, "the session's accounts are written as before offices"
    monkeypatch.setenv(config.ENV_HOME, str(published_home.root))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    fill_login(at, *accounts["director"])
    assert not at.exception and not at.error and [t.value for t in at.title][0] == L.PAGE_OVERVIEW[0]
    assert not [c for c in at.sidebar.caption if "เขต" in c.value], "nothing about offices shown"
    at.switch_page(SCHOOL_PAGE).run()
    names = school_names(at)
    assert names and not any("[เขต" in n for n in names)
    assert access.data_home(users.lookup(accounts["director"][0])) == published_home


def test_a_single_root_refuses_a_user_of_another_office(monkeypatch, published_home, tmp_path, people):
    own = published_home.office.code  # the sample names its root (office.json)
    assert access.data_home(users.lookup("office_4003")) is None or own == "4003"
    at = app(monkeypatch, published_home.root, "office_4003")
    assert [e.value for e in at.error] == [access.office_scope(users.lookup("office_4003")).refusal]
    assert L.office(own)[0] in at.error[0].value and not at.title and not at.dataframe
    # national staff and users without an office read it; so would one of its own office
    assert access.data_home(users.lookup("office_all")) == published_home
    assert access.data_home(users.lookup("office_none")) == published_home
    # a root that never named its office (UNSET, 0000): only users without an office (and national staff)
    bare = tmp_path / "bare"
    (bare / "warehouse").mkdir(parents=True)
    assert access.office_scope(users.lookup("office_none"), config.home(bare)).home == config.home(bare)
    assert access.office_scope(users.lookup("office_4001"), config.home(bare)).home is None


# ---------------------------------------------------------------- in a real browser
@pytest.mark.browser
def test_in_a_browser_an_office_user_gets_its_own_office_and_another_the_refusal(national_root, own_school,
                                                                                  tmp_path):
    """`streamlit run` on the national root and headless Chromium: office 4001's director asks for a school
    by address and sees 4001's copy of it; a user of office 4003 logs in to the refusal and no page."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium, offline_context, require_chromium
    from tests.dashboards.login import log_in_as
    from tests.dashboards.test_browser import streamlit_app
    from tests.dashboards.test_login_browser import shows

    require_chromium()
    outside: list[str] = []
    with streamlit_app("dashboards/app.py", config.home(national_root), tmp_path / "streamlit.log") as url, \
            sync_playwright() as pw:
        chromium = launch_chromium(pw)
        try:
            page = offline_context(chromium, outside).new_page()
            log_in_as(page, f"{url}/", "office_4001", PASSWORD)
            page.goto(f"{url}/school?school={own_school}&office=4002", wait_until="domcontentloaded")
            shows(page, marked("4001"))
            assert marked("4002") not in page.locator("body").inner_text()
            refused = offline_context(chromium, outside).new_page()
            refused.goto(f"{url}/", wait_until="domcontentloaded")
            from tests.dashboards.login import type_login

            type_login(refused, "office_4003", PASSWORD)
            shows(refused, "ไม่ได้อยู่ใน")
            body = refused.locator("body").inner_text()
            assert "is not of the offices of this national root" in body and marked("4001") not in body
            assert not refused.locator('[data-testid="stSidebarNav"] a').count(), "no page in the sidebar"
        finally:
            chromium.close()
    assert outside == []
