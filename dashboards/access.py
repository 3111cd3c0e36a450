"""Logins and roles of the dashboards: who is logged in, which pages each role sees, and the check every
page makes before it reads anything.

- `ROLE_PAGES` is the one table of which role sees which page (giving a role a page is one line there).
- `login()`, in app.py before `st.navigation`: the logged-in user, or the login form and `st.stop()`. The
  user comes back from the session, or from the library's signed cookie in a new browser session; the
  role is read from the users file on every run, so a changed role applies at once. The sidebar shows the
  user's name and role in Thai, with the logout button.
- `navigation(user)`: the role's pages for `st.navigation`. Every other page is there only as a hidden
  stand-in under the same address that shows the Thai refusal (so a typed address gets a Thai answer
  rather than Streamlit's English "page not found"); the page's own file is never given to it.
- `require(page)`, the first line of every page: the page re-checks the role itself (it may be run on
  its own: `streamlit run dashboards/app_pages/dltv.py`, or a test), shows the refusal and stops before
  any data is read when the role is not allowed.

Offices (สพท.): every page reads the data root `data_home(user)` names, and nothing else (dashboards.data's
`current_home()`, through which every query goes, asks `session_home()` here on every call):
- a plain (single-office) data root: its users read it, as they always did, when they have no office in
  the users file, are national staff (ALL), or have the root's own office (office.json; "0000" when it
  never named one); a user of any other office is refused.
- a national root (national.json, dashboards/offices.py): a user reads `offices/<their office>/` only; only
  national staff (office ALL, a non-school role) choose among its offices, in the sidebar; a user with no
  office, or one the root does not hold, is refused.
A refused user gets one Thai and English refusal and no page at all (`login`, and `require` again). The
office comes from the users file (read again whenever it changes), never from the session or the address,
so nothing a browser sends can widen it; access-request grants add pages and roles within that office root
(their requests are kept in it), never another office. School users stay on their own school.

Passwords are checked, counted and the cookie signed by streamlit-authenticator; the users file, roles
and the lock after repeated failures are `pipelines.users` (its docstring says what was chosen and why).
The form is drawn here rather than by the library's `login()` widget so the attempted username is known
(the lock, the audit log) and every label is Thai.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import partial

import streamlit as st

from dashboards import data, fmt
from dashboards import labels as L
from dashboards import offices as national
from pipelines import access_requests, audit, config, users
from pipelines.config import Home
from pipelines.pii import KeyProblem
from pipelines.users import ALL_OFFICES, User

log = logging.getLogger(__name__)


LOGGED_OUT_KEY = "khlang_logged_out"  # session state: this session has just logged out
VIEWED_KEY = "khlang_viewed"  # session state: (user, page) of the last page_view recorded
SIGNED_IN_AT = "khlang_signed_in_at"  # session state: when this login was made (POSIX time; its cookie's issue)
OFFICE_KEY = "khlang_office"  # session state: the office national staff picked (ignored for anyone else)


@dataclass(frozen=True)
class Page:
    file: str  # relative to dashboards/ (app.py's folder); its stem is the page's address
    label: tuple[str, str]  # (Thai, English)
    icon: str


PAGES = {
    "overview": Page("app_pages/overview.py", L.PAGE_OVERVIEW, ":material/dashboard:"),
    "dltv": Page("app_pages/dltv.py", L.PAGE_DLTV, ":material/satellite_alt:"),
    "platform": Page("app_pages/platform.py", L.PAGE_PLATFORM, ":material/monitoring:"),
    "dlit": Page("app_pages/dlit.py", L.PAGE_DLIT, ":material/cast_for_education:"),
    "admin": Page("app_pages/admin.py", L.PAGE_ADMIN, ":material/account_balance:"),
    "school": Page("app_pages/school.py", L.PAGE_SCHOOL, ":material/school:"),
    "quality": Page("app_pages/quality.py", L.PAGE_QUALITY, ":material/fact_check:"),
    "map": Page("app_pages/map.py", L.PAGE_MAP, ":material/map:"),
    "approvals": Page("app_pages/approvals.py", L.PAGE_APPROVALS, ":material/approval:"),
    "access_request": Page("app_pages/access_request.py", L.PAGE_ACCESS_REQUEST, ":material/key:"),
    "access_review": Page("app_pages/access_review.py", L.PAGE_ACCESS_REVIEW, ":material/how_to_reg:"),
    "usage": Page("app_pages/usage.py", L.PAGE_USAGE, ":material/query_stats:"),
    "upload": Page("app_pages/upload.py", L.PAGE_UPLOAD, ":material/upload_file:"),
}
DATA_PAGES = ("overview", "dltv", "platform", "dlit", "admin", "school", "quality", "map")
# Which pages each role sees, in sidebar order; the first is the role's home page. A school user's school
# page is locked to its own school (app_pages/school.py). An approved access request adds pages for its days
# (pipelines.access_requests.effective_pages, through `pages_of`).
ROLE_PAGES: dict[str, tuple[str, ...]] = {
    "director": (*DATA_PAGES, "approvals", "access_review", "usage", "access_request"),
    "ict": (*DATA_PAGES, "access_review", "usage", "access_request"),
    "analyst": (*DATA_PAGES, "access_request"),
    "school": ("school", "upload", "access_request"),
}


def valid(user: User) -> bool:
    """A role the table knows; a school user with its school code (pipelines.users makes no other)."""
    return user.role in ROLE_PAGES and (user.role != "school" or bool(user.school_code))


def pages_of(user: User) -> tuple[str, ...]:
    """The pages `user` may open now: their role's, then those of their live access grants."""
    return access_requests.effective_pages(data.current_home(), user.username, user.role, ROLE_PAGES)


def allowed(user: User, page: str) -> bool:
    return valid(user) and page in pages_of(user)


# ---------------------------------------------------------------- offices: which data root a user reads
class OfficeRefused(RuntimeError):
    """A query asked for by a user whose office may read nothing here (`session_home`)."""


@dataclass(frozen=True)
class Scope:
    """What `office_scope` decided for one user."""

    home: Home | None  # the data root the user reads; None: none (refusal says why)
    office: str | None  # the office code read; None: a single root's own (its office.json not consulted)
    choices: tuple[str, ...] = ()  # the offices national staff may pick among (a national root only)
    refusal: str | None = None  # Thai, then English


def _national_staff(user: User) -> bool:
    return user.office == ALL_OFFICES and user.role != "school"


def _refused(user: User, here: tuple[str, str]) -> Scope:
    th, en = L.office(user.office)
    return Scope(None, None, refusal=L.OFFICE_REFUSED.format(user=user.username, office_th=th, office_en=en,
                                                             here_th=here[0], here_en=here[1]))


def office_scope(user: User, root: Home | None = None, chosen: str | None = None) -> Scope:
    """The one rule of which data root `user` may read under the deployment's root `root` (default: the data
    root found as always, `pipelines.config.home()`); `chosen` is national staff's pick, ignored for anyone
    else and when the root does not hold it. The module docstring says the rule."""
    root = root or config.home()
    if not national.is_national(root.root):
        if user.office is None or _national_staff(user):
            return Scope(root, None)
        try:
            own = root.office.code
        except (ValueError, KeyError, OSError):  # an office.json Khlang cannot read names no office
            own = None
        if user.office == own:
            return Scope(root, own)
        th, en = L.office(own)
        return _refused(user, (f"เขตพื้นที่ของที่เก็บข้อมูลนี้ {th}", f"this data root's office, {en}"))
    try:
        codes = national.codes(root.root)
    except national.NationalProblem as problem:
        return Scope(None, None, refusal=f"{problem.th}  \n{problem.en}")
    here = (f"เขตพื้นที่ของที่เก็บข้อมูลระดับประเทศนี้ ({', '.join(codes) or '–'})",
            f"the offices of this national root ({', '.join(codes) or '-'})")
    if _national_staff(user) and codes:
        code, choices = (chosen if chosen in codes else codes[0]), codes
    elif user.office in codes and user.office != ALL_OFFICES:
        code, choices = user.office, ()
    else:
        return _refused(user, here)
    home = national.office_home(root.root, code)
    try:
        named = home.office.code
    except (ValueError, KeyError, OSError):
        named = None
    if named != code:  # a folder whose own office.json names another office (or none) is not read
        return Scope(None, None, refusal=L.OFFICE_FOLDER_WRONG.format(code=code))
    return Scope(home, code, choices)


def data_home(user: User, chosen: str | None = None) -> Home | None:
    """The data root `user` may read (`office_scope`), or None when they may read none."""
    return office_scope(user, chosen=chosen).home


def _session_user() -> User | None:
    """The user this browser session is logged in as, from the users file as it is now (cached on its stat)."""
    if not st.session_state.get("authentication_status"):
        return None
    try:
        return users.lookup(st.session_state.get("username"))
    except users.UsersProblem:  # the pages say so (`_config`); nobody is logged in meanwhile
        return None


def _scope(user: User) -> Scope:
    return office_scope(user, chosen=st.session_state.get(OFFICE_KEY))


def session_home() -> Home:
    """The data root every query of this session reads (data.current_home): the logged-in user's
    (`office_scope`); with nobody logged in, or outside a Streamlit session (the CLI, a script, a test of the
    queries), the data root found as always. OfficeRefused for a logged-in user who may read none."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return config.home()
    user = _session_user()
    if user is None:
        return config.home()
    scope = _scope(user)
    if scope.home is None:
        raise OfficeRefused(scope.refusal)
    return scope.home


def _audit_where() -> tuple[Home, str | None]:
    """The data root whose audit log records this session's steps, and its office code: the office the
    logged-in user reads; else (nobody logged in, a refused user) the deployment's own root."""
    try:
        home = session_home()
    except OfficeRefused:
        home = config.home()
    if national.is_national(home.root):
        return home, None
    try:
        return home, home.office.code
    except (ValueError, KeyError, OSError):
        return home, None


# ---------------------------------------------------------------- the users file and the library
def _config() -> dict:
    """The users file, read on every run; its Thai problem on the page (and stop) when it cannot be read."""
    try:
        return users.load()
    except users.UsersProblem as problem:
        st.error(f"{problem.th}  \n{problem.en}", icon=":material/lock:")
        st.stop()


def _authenticator(config: dict):
    """streamlit-authenticator over the file's credentials, made afresh each run so a lock or a new
    password written by another session is seen. Its cookie component draws nothing; it goes in the sidebar
    so it takes no room on the page."""
    import streamlit_authenticator as stauth

    cookie = config["cookie"]
    with st.sidebar:
        return stauth.Authenticate(config["credentials"], cookie["name"], cookie["key"], cookie["expiry_days"],
                                   auto_hash=False)


def _audit(action: str, user: str | None, role: str | None, **details) -> None:
    """One entry of the audit log (pipelines.audit) of the data root the pages read. Nothing while there is
    no data root (there is nothing to see either). When the log cannot be written the dashboards go on and
    say so in the sidebar, for ICT staff to put right, and in the server's log."""
    home, office = _audit_where()
    if not home.root.is_dir():
        return
    if office is not None and user is not None:
        details.setdefault("office", office)
    try:
        audit.record(home, action, user=user, role=role, **details)
    except (audit.AuditError, KeyProblem) as problem:
        log.warning("audit log not written (%s %s): %s", action, user, problem.en)
        st.sidebar.warning(L.AUDIT_FAILED.format(th=problem.th, en=problem.en), icon=":material/warning:")


def _from_session(config: dict) -> User | None:
    """The user this browser session logged in as, if still in the file."""
    if not st.session_state.get("authentication_status"):
        return None
    return users.user(config, st.session_state.get("username"))


def _end_login(auth, username: str, role: str | None, method: str) -> None:
    """A login made before the user's password was changed: the session and the cookie are ended."""
    with st.sidebar:
        if st.session_state.get("authentication_status"):
            auth.authentication_controller.logout()
        auth.cookie_controller.delete_cookie()
    st.session_state.pop(SIGNED_IN_AT, None)
    _audit("login_failed", username, role, outcome="refused", reason="password_changed", method=method)


def _signed_in(auth, config: dict) -> User | None:
    """The logged-in user: from the session, else from the library's signed cookie (a new tab, a reload).
    Neither counts when the user's password was changed after it was made (pipelines.users)."""
    found = _from_session(config)
    if found is not None:
        entry = config["credentials"]["usernames"][found.username]
        if users.signed_in_before_change(entry, st.session_state.get(SIGNED_IN_AT, 0.0)):
            _end_login(auth, found.username, found.role, "session")
            found = None
    if found is None and not st.session_state.get("authentication_status"):
        from streamlit_authenticator.utilities import LoginError

        token = auth.cookie_controller.get_cookie()
        if token:
            entry = config["credentials"]["usernames"].get(token.get("username"))
            issued = float(token["exp_date"]) - float(config["cookie"]["expiry_days"]) * 86400
            if entry is not None and users.signed_in_before_change(entry, issued):
                _end_login(auth, token["username"], entry.get("role"), "cookie")
                return None
            try:
                auth.authentication_controller.login(token=token)
            except LoginError:  # the cookie names a user no longer in the file
                return None
            found = _from_session(config)
            if found is not None:
                st.session_state[SIGNED_IN_AT] = issued
                _audit("login", found.username, found.role, method="cookie")
    return found


# ---------------------------------------------------------------- the login form
def _attempt(auth, config: dict, username: str, password: str) -> User | str:
    """One login attempt: the user, or the Thai message to show."""
    from streamlit_authenticator.utilities import LoginError

    username = username.strip().lower()
    if not username or not password:
        return L.LOGIN_EMPTY
    entry = config["credentials"]["usernames"].get(username)
    if entry is not None:
        until = users.locked_until(entry)
        if until is not None:
            _audit("login_failed", username, entry.get("role"), outcome="refused", reason="locked", until=until)
            return L.LOGIN_LOCKED.format(n=users.MAX_FAILED, until=fmt.thai_datetime(until))
        if int(entry.get("failed_login_attempts") or 0) >= users.MAX_FAILED:
            entry["failed_login_attempts"] = 0  # its lock has ended: the library would still refuse
    try:
        ok = auth.authentication_controller.login(username, password, max_login_attempts=users.MAX_FAILED)
    except LoginError:  # the library's own cap (a count at the limit without a lock time)
        ok = False
    if ok:
        st.session_state[SIGNED_IN_AT] = time.time()
        users.record_login(username)
        with st.sidebar:
            auth.cookie_controller.set_cookie()
        found = users.user(config, username)
        _audit("login", found.username, found.role, method="password")
        return found
    until = users.record_failure(username)
    # a name that is no user is not written down: it may be a password typed in the wrong box
    _audit("login_failed", username if entry else None, entry.get("role") if entry else None, outcome="failed",
           reason="wrong_password" if entry else "unknown_user", **({"locked_until": until} if until else {}))
    if until is not None:
        return L.LOGIN_LOCKED.format(n=users.MAX_FAILED, until=fmt.thai_datetime(until))
    return L.LOGIN_WRONG


def _login_form(auth, config: dict) -> User:
    """The login form; returns the user in the run whose password was right, else stops the run."""
    box = st.empty()
    with box.container():
        st.title(L.APP_TITLE)
        st.subheader(L.LOGIN[0])
        st.caption(L.LOGIN[1])
        if st.session_state.get(LOGGED_OUT_KEY):
            st.success(L.LOGGED_OUT)
        with st.form("login", clear_on_submit=True):
            username = st.text_input(L.USERNAME, key="login_username", autocomplete="username")
            password = st.text_input(L.PASSWORD, key="login_password", type="password",
                                     autocomplete="current-password")
            submitted = st.form_submit_button(L.LOGIN_BUTTON, key="login_submit", type="primary")
        if submitted:
            result = _attempt(auth, config, username, password)
            if isinstance(result, User):
                box.empty()
                st.session_state.pop(LOGGED_OUT_KEY, None)
                return result
            st.error(result, icon=":material/lock:")
    st.stop()


def _logged_out(auth, user: User, scope: Scope) -> bool:
    """The sidebar's user box: name, role and school in Thai, the office read (a picker for national staff
    on a national root), and the logout button; True when pressed (the session and the cookie are then
    cleared)."""
    with st.sidebar:
        where = f" · {user.school_code}" if user.school_code else ""
        st.markdown(f"**{user.name}**  \n{L.role(user.role)}{where}")
        if scope.choices:
            if st.session_state.get(OFFICE_KEY) not in scope.choices:
                st.session_state.pop(OFFICE_KEY, None)  # not one of this root's offices: the first is read
            st.selectbox(L.OFFICE_PICK, scope.choices, index=scope.choices.index(scope.office), key=OFFICE_KEY,
                         format_func=lambda code: L.office(code)[0])
        elif scope.office is not None or user.office is not None:
            st.caption(L.office(scope.office or user.office)[0])
        if not st.button(L.LOGOUT_BUTTON, key="khlang_logout", icon=":material/logout:"):
            return False
        auth.authentication_controller.logout()
        auth.cookie_controller.delete_cookie()
    st.session_state[LOGGED_OUT_KEY] = True  # the form says so until the next login
    st.session_state.pop(VIEWED_KEY, None)
    users.record_logout(user.username)
    _audit("logout", user.username, user.role)
    return True


def login() -> User:
    """app.py's first step: the logged-in user, or the login form (and the run stops)."""
    config = _config()
    auth = _authenticator(config)
    user = _signed_in(auth, config) or _login_form(auth, config)
    if not valid(user):
        st.error(L.NO_ROLE.format(role=user.role))
        st.stop()
    scope = _scope(user)
    if _logged_out(auth, user, scope):
        _login_form(auth, config)  # nothing was submitted: it stops
    if scope.home is None:
        refuse_office(user, scope)
    return user


# ---------------------------------------------------------------- pages
def refuse(user: User, page: str) -> None:
    """The Thai refusal of a page the user's role may not open; the run stops."""
    _audit("page_view", user.username, user.role, target=page, outcome="refused")
    st.error(L.PAGE_REFUSED.format(page=PAGES[page].label[0] if page in PAGES else page, role=L.role(user.role)),
             icon=":material/block:")
    st.stop()


def refuse_office(user: User, scope: Scope, page: str | None = None) -> None:
    """The Thai refusal of a user whose office may read nothing here (`office_scope`); the run stops."""
    _audit("page_view", user.username, user.role, target=page or "office", outcome="refused", reason="office")
    st.error(scope.refusal, icon=":material/block:")
    st.stop()


def _refused_page(user: User, page: str, home) -> None:
    """What a hidden stand-in shows: the refusal, with a link to the role's home page (a school user has
    no other link: its sidebar lists one page, which Streamlit does not show as a menu)."""
    st.page_link(home, label=f"{home.title} ({L.HOME_PAGE})", icon=":material/arrow_back:")
    refuse(user, page)


def navigation(user: User) -> list:
    """The pages for `st.navigation`: the user's (the role's own, the first the home page, then those granted:
    `pages_of`); every other known page only as a hidden refusal under its address."""
    mine = pages_of(user)
    pages = [st.Page(PAGES[key].file, title=PAGES[key].label[0], icon=PAGES[key].icon, default=key == mine[0])
             for key in mine]
    pages += [st.Page(partial(_refused_page, user, key, pages[0]), title=PAGES[key].label[0], url_path=key,
                      visibility="hidden") for key in PAGES if key not in mine]
    return pages


def require(page: str) -> User:
    """The first line of every page: the logged-in user when the role may open `page` (a key of PAGES);
    else the refusal, and the run stops before the page reads anything. Nobody logged in (the page run on
    its own): the login form first."""
    config = _config()
    user = _from_session(config)
    if user is None:
        user = login()
    scope = _scope(user)
    if scope.home is None:
        refuse_office(user, scope, page)
    if not allowed(user, page):
        refuse(user, page)
    viewed = (user.username, scope.office, page)
    if st.session_state.get(VIEWED_KEY) != viewed:  # once a visit, not at every widget's rerun
        _audit("page_view", user.username, user.role, target=page)
        st.session_state[VIEWED_KEY] = viewed
    return user
