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


# What the page is doing after the form was sent: "answered" (the logout button or an error: the server
# took the attempt), "running" (a run is under way) or "idle" (no run, no answer).
_AFTER_SUBMIT = f"""() => {{
    const buttons = [...document.querySelectorAll('button')].map(b => b.innerText);
    if (buttons.some(t => t.includes({L.LOGOUT_BUTTON!r})) ||
        document.querySelector('[data-testid="stAlertContentError"]')) return "answered";
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.dataset.testScriptState === "notRunning" ? "idle" : "running";
}}"""
_IDLE = "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"


def type_login(page, username: str, password: str, *, tries: int = 3, answered=None) -> None:
    """Type a username and password into the login form and press its button, once Streamlit has finished
    the run that drew the form, then wait until the server answered it (the logout button or an error).

    A press is typed again when the page went idle for 3 s with no answer: the cookie component
    (streamlit-authenticator's CookieManager) reports the browser's cookies once its frame has loaded,
    and on a loaded host that rerun can come after the form was drawn and swallow the press (seen once
    in CI: the form back, empty, no error). A person presses again; so does this, at most `tries` times.

    `answered`, when given, says from the server's side whether it took this press (a failed-login counter
    one higher): an error shown for an earlier wrong password is still on the page and would otherwise pass
    for the answer to this one."""
    import time

    page.get_by_label(L.USERNAME).wait_for(timeout=60_000)
    for _ in range(tries):
        page.wait_for_function(_IDLE, timeout=60_000)
        page.get_by_label(L.USERNAME).fill(username)
        page.get_by_label(L.PASSWORD).fill(password)
        page.get_by_role("button", name=L.LOGIN_BUTTON).click()
        deadline, idle_since = time.monotonic() + 90, None
        while time.monotonic() < deadline:
            state = page.evaluate(_AFTER_SUBMIT)
            if answered is not None:
                if answered():
                    return
                state = "running" if state == "running" else "idle"
            elif state == "answered":
                return
            idle_since = (idle_since or time.monotonic()) if state == "idle" else None
            if idle_since is not None and time.monotonic() - idle_since > 3:
                break  # the press was lost: type it again
            time.sleep(0.2)
    raise AssertionError(f"the login form of {username} was not answered after {tries} presses; the page "
                         f"shows: {page.locator('body').inner_text()[:1500]!r}")
