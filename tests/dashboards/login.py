"""Logging in as a role in the dashboard tests: real users in the session's real users file
($KHLANG_USERS_FILE, tests/conftest.py), made by the `accounts` fixture (tests/dashboards/conftest.py),
through the real login form (dashboards/access.py): AppTest fills it in, the browser tests type into it.

    at = log_in(AppTest.from_file(str(APP), default_timeout=60))          # as the director
    at = log_in(AppTest.from_file(str(PAGE), default_timeout=60), "school")
"""

from __future__ import annotations

from unittest import mock

from streamlit.testing.v1 import AppTest

from dashboards import labels as L

# role -> (username, password) of the test users; a school user's school is `accounts`' first school.
ACCOUNTS = {role: (f"test_{role}", f"test-{role}-password") for role in ("director", "ict", "analyst", "school")}
LOCKED = ("test_locked", "test-locked-password")  # the director the lockout tests lock (no other test uses it)


def make_accounts(school_code: str) -> None:
    """The test users in the users file (kept when it already holds others: `khlang demo`'s tests add
    theirs to the same file). Hashed by the library at bcrypt's lowest cost (4): ~60 logins a run, each
    ~1 ms instead of ~250 ms; the users-file tests check the default cost."""
    import bcrypt

    from pipelines import users

    gensalt = bcrypt.gensalt
    with mock.patch.object(bcrypt, "gensalt", lambda: gensalt(rounds=4)), users.updating(create=True) as config:
        for role, (username, password) in ACCOUNTS.items():
            users.add_user(config, username, role=role, password=password, name=f"ทดสอบ {L.role(role)}",
                           school_code=school_code if role == "school" else None)
        users.add_user(config, LOCKED[0], role="director", password=LOCKED[1])


def fill_login(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    return at.button(key="login_submit").click().run()


def log_in(at: AppTest, role: str = "director") -> AppTest:
    """`at` run once (the login form), then logged in as `role`'s test user: the page it opens is drawn."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    fill_login(at, *ACCOUNTS[role])
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["authentication_status"], [e.value for e in at.error]
    return at


def log_in_browser(page, url: str, role: str = "director") -> None:
    """Log in as `role`'s test user through the form in a real browser, then open `url`. The form is at
    the app's address (after a login the app opens the role's home page); `url` is opened afterwards in a
    new Streamlit session, logged in by the library's cookie, which is waited for first."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    home = f"{parts.scheme}://{parts.netloc}/"
    log_in_as(page, home, *ACCOUNTS[role])
    if url.rstrip("/") != home.rstrip("/"):
        page.goto(url, wait_until="domcontentloaded")


def log_in_as(page, home: str, username: str, password: str) -> None:
    """Open the app's address `home`, log in through its form, and wait for the logout button and the
    library's cookie. On a timeout, say what the page showed instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from pipelines import users

    page.goto(home, wait_until="domcontentloaded")
    type_login(page, username, password)
    try:
        page.get_by_role("button", name=L.LOGOUT_BUTTON).wait_for(timeout=60_000)
    except PlaywrightTimeout:
        raise AssertionError(f"{username} not logged in; the page shows: "
                             f"{page.locator('body').inner_text()[:1500]!r}") from None
    page.wait_for_function(f"() => document.cookie.includes('{users.COOKIE_NAME}=')", timeout=30_000)


def type_login(page, username: str, password: str) -> None:
    """Type a username and password into the login form and press its button, once Streamlit has finished
    the run that drew the form (a run still under way may draw the form again and lose what was typed)."""
    page.get_by_label(L.USERNAME).wait_for(timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.get_by_label(L.USERNAME).fill(username)
    page.get_by_label(L.PASSWORD).fill(password)
    page.get_by_role("button", name=L.LOGIN_BUTTON).click()
