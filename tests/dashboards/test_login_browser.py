"""Logins in a real browser (`streamlit run` + headless Chromium): one server for every role. Each role
logs in through the form and sees exactly its pages in the sidebar; a school user typing the address of
another page gets the Thai refusal; a wrong password gets the Thai error; an account locked by wrong
passwords stays locked in a new browser session (a new context: no cookie, a new Streamlit session)."""

from __future__ import annotations

import pytest

from dashboards import access
from dashboards import labels as L
from pipelines import users
from tests.browser import launch_chromium, offline_context, require_chromium
from tests.dashboards.login import ACCOUNTS, LOCKED, log_in_as, log_in_browser, type_login
from tests.dashboards.test_browser import streamlit_app

pytestmark = pytest.mark.browser

NAV_LINK = '[data-testid="stSidebarNav"] a'


@pytest.fixture(scope="module")
def app_url(published_home, tmp_path_factory):
    require_chromium()
    with streamlit_app("dashboards/app.py", published_home, tmp_path_factory.mktemp("login") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        try:
            yield chromium
        finally:
            chromium.close()


def failed(username: str) -> int:
    return users.load()["credentials"]["usernames"][username]["failed_login_attempts"]


def shows(page, text: str, timeout: float = 60_000) -> None:
    """Wait for `text` on the page; on a timeout say what the page showed instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.get_by_text(text).first.wait_for(timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(f"{text!r} not shown; the page shows: {page.locator('body').inner_text()[:1500]!r}") from None


def fresh_page(browser, outside: list[str]):
    """A new browser session: its own context (no cookie)."""
    return offline_context(browser, outside).new_page()


@pytest.mark.parametrize("role", sorted(ACCOUNTS))
def test_each_role_sees_exactly_its_pages(browser, app_url, role):
    outside: list[str] = []
    page = fresh_page(browser, outside)
    log_in_browser(page, app_url, role)
    home = access.PAGES[access.ROLE_PAGES[role][0]].label[0]
    page.get_by_role("heading", name=home, exact=True).wait_for(timeout=60_000)
    shown = sorted(a.inner_text().strip().splitlines()[-1] for a in page.locator(NAV_LINK).all())  # after the icon
    mine = [access.PAGES[p].label[0] for p in access.ROLE_PAGES[role]]
    # Streamlit shows no menu for a single page: a school user's sidebar lists nothing
    assert shown == (sorted(mine) if len(mine) > 1 else []), shown
    sidebar = page.locator('[data-testid="stSidebarUserContent"]').inner_text().splitlines()
    assert any(line.startswith(L.role(role)) for line in sidebar), f"its role in Thai: {sidebar}"
    # a typed address of a page not in the role (one is enough here; test_access runs every page so)
    for key in sorted(set(access.PAGES) - set(access.ROLE_PAGES[role]))[:1]:
        page.goto(f"{app_url}/{key}", wait_until="domcontentloaded")
        shows(page, L.PAGE_REFUSED.format(page=access.PAGES[key].label[0], role=L.role(role)))
        assert page.get_by_role("heading", name=access.PAGES[key].label[0]).count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0
    page.context.close()
    assert outside == []


def test_a_wrong_password_shows_the_thai_error(browser, app_url):
    page = fresh_page(browser, [])
    page.goto(app_url, wait_until="domcontentloaded")
    type_login(page, ACCOUNTS["director"][0], "not-the-password")
    shows(page, L.LOGIN_WRONG)
    assert page.get_by_role("button", name=L.LOGOUT_BUTTON).count() == 0
    assert page.locator(NAV_LINK).count() == 0
    page.context.close()


def test_a_locked_account_stays_locked_in_a_new_browser_session(browser, app_url):
    username, password = LOCKED
    page = fresh_page(browser, [])
    page.goto(app_url, wait_until="domcontentloaded")
    for n in range(1, users.MAX_FAILED + 1):
        # answered once this attempt is counted (the error of the one before stays on the page meanwhile)
        type_login(page, username, f"wrong-password-{n}", answered=lambda: failed(username) == n)
    shows(page, "ถูกล็อก")
    page.context.close()
    again = fresh_page(browser, [])
    again.goto(app_url, wait_until="domcontentloaded")
    type_login(again, username, password)  # the right password, in a new session
    shows(again, "ถูกล็อก")
    assert again.get_by_role("button", name=L.LOGOUT_BUTTON).count() == 0
    assert users.locked_until(users.load()["credentials"]["usernames"][username])
    again.context.close()


def test_a_new_password_ends_the_cookie_and_the_session_made_before_it(browser, app_url, published_home):
    """An analyst logs in (the library's cookie is set); ICT staff give the account a new password
    (`khlang users passwd` writes it as users.set_password does). The old login is over: the open tab
    and a new tab with the same cookie both show the login form, the audit log says why, and the new
    password logs in again."""
    from pipelines import audit

    username, password = "test_changed", "test-changed-password"
    with users.updating() as config:
        users.add_user(config, username, role="analyst", password=password)
    page = fresh_page(browser, [])
    log_in_as(page, app_url, username, password)

    with users.updating() as config:
        users.set_password(config, username, "a-new-password-2")

    tab = page.context.new_page()  # the same browser: it sends the cookie
    tab.goto(app_url, wait_until="domcontentloaded")
    tab.get_by_role("button", name=L.LOGIN_BUTTON).wait_for(timeout=60_000)
    assert tab.get_by_role("button", name=L.LOGOUT_BUTTON).count() == 0
    page.reload(wait_until="domcontentloaded")
    page.get_by_role("button", name=L.LOGIN_BUTTON).wait_for(timeout=60_000)
    import polars as pl

    ended = audit.read(published_home).filter((pl.col("user") == username) & (pl.col("action") == "login_failed"))
    assert ended.height and set(ended.get_column("details").str.json_path_match("$.reason")) == {"password_changed"}
    assert set(ended.get_column("outcome")) == {"refused"}
    type_login(page, username, "a-new-password-2")
    page.get_by_role("button", name=L.LOGOUT_BUTTON).wait_for(timeout=60_000)
    page.context.close()
