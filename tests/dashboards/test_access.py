"""Logins and roles (dashboards/access.py), run headless with AppTest as real users of a real users file
(tests/dashboards/login.py): each role's navigation holds exactly its pages, a page opened without the role
is refused before it reads anything, a school user sees only its own school, wrong passwords and locked
accounts get their Thai messages, and the lock is read back from the file by a new session."""

from __future__ import annotations

import ast
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import access, data, fmt
from dashboards import labels as L
from pipelines import audit, config, users
from tests.dashboards.login import ACCOUNTS, fill_login, log_in
from tests.dashboards.page_text import texts

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboards" / "app.py"
PAGES_DIR = ROOT / "dashboards" / "app_pages"


def app(monkeypatch, home: config.Home) -> AppTest:
    monkeypatch.setenv(config.ENV_HOME, str(home.root))
    return AppTest.from_file(str(APP), default_timeout=60)


def nav_files(at: AppTest) -> set[str]:
    """The page files `st.navigation` was given in the last run (AppTest's registry of its pages); the
    hidden refusals are functions, not files."""
    return {Path(str(info["script_path"])).name for info in at._registered_pages.values() if info.get("script_path")}


def audited(home: config.Home, since: datetime, user: str | None = None) -> list[tuple]:
    """(action, user, role, target, outcome) of the audit log's entries since `since` (of `user`)."""
    frame = audit.read(home, since)
    rows = frame.select("action", "user", "role", "target", "outcome").rows()
    return [r for r in rows if user is None or r[1] == user]


@pytest.fixture
def no_reads(monkeypatch) -> list[str]:
    """Every attempt to open the published warehouse (each page's reads go through data._current_file)."""
    tried: list[str] = []

    def refuse(home):
        tried.append(str(home.root))
        raise AssertionError("a refused page read the warehouse")

    monkeypatch.setattr(data, "_current_file", refuse)
    return tried


def test_the_roles_table_names_every_role_and_page():
    assert set(access.ROLE_PAGES) == set(users.ROLES)
    assert {p for pages in access.ROLE_PAGES.values() for p in pages} <= set(access.PAGES)
    assert all(Path(p.file).stem == key for key, p in access.PAGES.items()), "a page's address is its key"
    for role in ("director", "ict", "analyst"):  # every data page, in order (pages of later work may follow)
        assert access.ROLE_PAGES[role][:len(access.DATA_PAGES)] == access.DATA_PAGES
    assert set(access.ROLE_PAGES["school"]) & set(access.DATA_PAGES) == {"school"}, "its school page, no other"
    assert access.ROLE_PAGES["school"][0] == "school"


@pytest.mark.parametrize("page", sorted(f.stem for f in PAGES_DIR.glob("*.py")))
def test_every_page_checks_its_role_before_anything_else(page):
    """Every file in app_pages/ is a page of the table, and the first statement after its docstring and
    imports is `access.require("<its own key>")`."""
    assert page in access.PAGES, f"app_pages/{page}.py: add it to access.PAGES, and to the roles in ROLE_PAGES"
    tree = ast.parse((PAGES_DIR / f"{page}.py").read_text(encoding="utf-8"))
    first = [n for n in tree.body[1:] if not isinstance(n, (ast.Import, ast.ImportFrom))][0]
    assert ast.unparse(first) in (f"access.require('{page}')", f"user = access.require('{page}')")


@pytest.mark.parametrize("role", sorted(ACCOUNTS))
def test_each_role_gets_exactly_its_pages_and_its_name_in_the_sidebar(monkeypatch, home, role):
    since = datetime.now(timezone.utc)
    at = log_in(app(monkeypatch, home), role)
    assert nav_files(at) == {Path(access.PAGES[p].file).name for p in access.ROLE_PAGES[role]}
    hidden = {info.get("url_pathname") for info in at._registered_pages.values() if not info.get("script_path")}
    assert hidden == set(access.PAGES) - set(access.ROLE_PAGES[role]), "the others only as refusals"
    sidebar = "\n".join(m.value for m in at.sidebar.markdown)
    assert L.role(role) in sidebar and "ทดสอบ" in sidebar
    assert at.sidebar.button(key="khlang_logout").label == L.LOGOUT_BUTTON
    assert not at.error and not at.exception
    first = access.ROLE_PAGES[role][0]
    assert [t.value for t in at.title][0] == access.PAGES[first].label[0], "its home page"
    username = ACCOUNTS[role][0]
    at.run()  # a rerun of the same page (a widget) is not another visit
    assert audited(home, since, username) == [("login", username, role, None, "ok"),
                                              ("page_view", username, role, first, "ok")]


@pytest.mark.parametrize("page", sorted(set(access.PAGES) - set(access.ROLE_PAGES["school"])))
def test_a_page_run_without_the_role_is_refused_and_reads_nothing(monkeypatch, home, page, no_reads):
    since = datetime.now(timezone.utc)
    monkeypatch.setenv(config.ENV_HOME, str(home.root))
    at = log_in(AppTest.from_file(str(ROOT / "dashboards" / access.PAGES[page].file), default_timeout=60), "school")
    assert [e.value for e in at.error] == [L.PAGE_REFUSED.format(page=access.PAGES[page].label[0],
                                                                 role=L.role("school"))]
    assert not at.exception and not at.title and not at.metric and not at.dataframe
    assert no_reads == []
    school = ACCOUNTS["school"][0]
    assert audited(home, since, school)[-1] == ("page_view", school, "school", page, "refused")


def test_a_page_run_before_a_login_shows_only_the_form(monkeypatch, home, no_reads):
    monkeypatch.setenv(config.ENV_HOME, str(home.root))
    at = AppTest.from_file(str(PAGES_DIR / "overview.py"), default_timeout=60).run()
    assert at.text_input(key="login_username").label == L.USERNAME
    assert [t.value for t in at.title] == [L.APP_TITLE] and not at.metric and no_reads == []


def test_a_school_user_sees_its_own_school_only(monkeypatch, home, own_school):
    import duckdb

    with duckdb.connect(str(home.duckdb_path), read_only=True) as con:
        other, other_name = con.execute("SELECT school_code, school_name FROM schools WHERE school_code <> ? "
                                        "ORDER BY school_code DESC LIMIT 1", [own_school]).fetchone()
        own_name = con.execute("SELECT school_name FROM schools WHERE school_code = ?", [own_school]).fetchone()[0]
    at = app(monkeypatch, home)
    at.query_params["school"] = other  # an address naming another school
    log_in(at, "school")
    shown = texts(at)
    assert [t.value for t in at.title] == [L.PAGE_SCHOOL[0]]
    assert not [s for s in at.selectbox if s.key == "school_code"], "no picker"
    assert own_name in shown and other not in shown and other_name not in shown
    assert [i.value for i in at.info][0] == L.OWN_SCHOOL_ONLY
    assert at.query_params["school"] == own_school


def test_a_wrong_password_or_an_unknown_user_gets_the_same_thai_error(monkeypatch, home):
    since = datetime.now(timezone.utc)
    username, password = ACCOUNTS["analyst"]
    for who, what in ((username, password + "x"), ("nobody", password), (username, "")):
        at = app(monkeypatch, home).run()
        fill_login(at, who, what)
        assert not at.session_state["authentication_status"]
        assert [e.value for e in at.error] == [L.LOGIN_EMPTY if not what else L.LOGIN_WRONG]
        assert not at.exception and not at.metric
    entry = users.load()["credentials"]["usernames"][username]
    assert entry["failed_login_attempts"] == 1, "counted in the file"
    failures = [r for r in audited(home, since) if r[0] == "login_failed"]
    assert failures == [("login_failed", username, "analyst", None, "failed"),
                        ("login_failed", None, None, None, "failed")], "a name that is no user is not written"
    log_in(app(monkeypatch, home), "analyst")
    assert users.load()["credentials"]["usernames"][username]["failed_login_attempts"] == 0


def test_five_wrong_passwords_lock_the_account_for_every_new_session(monkeypatch, home):
    username, password = "test_lock_apptest", "right-password-1"
    with users.updating() as cfg:
        users.add_user(cfg, username, role="analyst", password=password)
    at = app(monkeypatch, home).run()
    for n in range(1, users.MAX_FAILED + 1):
        fill_login(at, username, f"wrong-password-{n}")
    assert "ถูกล็อก" in at.error[0].value and str(users.MAX_FAILED) in at.error[0].value
    entry = users.load()["credentials"]["usernames"][username]
    until = users.locked_until(entry)
    assert until and timedelta(minutes=users.LOCK_MINUTES - 1) < until - datetime.now(timezone.utc)
    # a new browser session with the right password: still locked, and the attempt does not extend the lock
    again = fill_login(app(monkeypatch, home).run(), username, password)
    assert not again.session_state["authentication_status"]
    assert [e.value for e in again.error] == [L.LOGIN_LOCKED.format(n=users.MAX_FAILED, until=fmt.thai_datetime(until))]
    assert users.locked_until(users.load()["credentials"]["usernames"][username]) == until
    # once the lock has ended (moved into the past here), the right password opens and resets the count
    with users.updating() as cfg:
        cfg["credentials"]["usernames"][username]["locked_until"] = "2020-01-01T00:00:00+00:00"
    opened = fill_login(app(monkeypatch, home).run(), username, password)
    assert opened.session_state["authentication_status"] and not opened.error
    assert users.load()["credentials"]["usernames"][username]["failed_login_attempts"] == 0


def test_logging_out_shows_the_form_and_is_written_to_the_file(monkeypatch, home):
    since = datetime.now(timezone.utc)
    at = log_in(app(monkeypatch, home), "ict")
    assert users.load()["credentials"]["usernames"][ACCOUNTS["ict"][0]]["logged_in"] is True
    at.sidebar.button(key="khlang_logout").click().run()
    assert not at.exception and not at.session_state["authentication_status"]
    assert [s.value for s in at.success] == [L.LOGGED_OUT]
    assert at.text_input(key="login_username") and not at.metric
    assert users.load()["credentials"]["usernames"][ACCOUNTS["ict"][0]]["logged_in"] is False
    assert [r[0] for r in audited(home, since, ACCOUNTS["ict"][0])] == ["login", "page_view", "logout"]


def test_a_new_password_ends_a_session_signed_in_before_it(monkeypatch, home):
    """The session of a login made before the password was changed (by ICT staff, in the users file) is
    over at its next run: the form is shown, the audit log says why, and the new password logs in."""
    username = "test_session_changed"
    with users.updating() as config:
        users.add_user(config, username, role="analyst", password="old-password-1")
    since = datetime.now(timezone.utc)
    at = app(monkeypatch, home)
    at.run()
    fill_login(at, username, "old-password-1")
    assert at.session_state["authentication_status"] and not at.exception
    with users.updating() as config:
        users.set_password(config, username, "new-password-2")
    at.run()
    assert not at.exception and not at.session_state["authentication_status"]
    assert at.text_input(key="login_username") and not at.sidebar.button
    assert [r[0] for r in audited(home, since, username)][-1:] == ["login_failed"]
    fill_login(at, username, "new-password-2")
    assert at.session_state["authentication_status"] and not at.exception


def test_without_a_users_file_the_page_says_how_to_make_one(monkeypatch, home, tmp_path):
    monkeypatch.setenv(users.ENV_USERS_FILE, str(tmp_path / "none.yaml"))
    at = app(monkeypatch, home).run()
    assert not at.exception and "khlang users add" in at.error[0].value and not at.text_input
