"""Who may open the dashboards: the users file, the roles, and the lock after repeated failed logins.

Where: $KHLANG_USERS_FILE, else $XDG_CONFIG_HOME/khlang/users.yaml (~/.config/khlang/users.yaml), beside
the PII key (`pipelines.config.config_file`): outside the repository and every data root, because a data
root is copied, backed up and published from, and this file holds password hashes and the cookie's signing
key. Owner-only (0600), written whole (atomic replace) and refused when others may read it.

What: streamlit-authenticator's own configuration YAML, so the library reads the credentials as they are:

    cookie: {name, key, expiry_days}   key: random, made with the file; signs the login cookie (a JWT)
    credentials:
      usernames:
        <username>: {name, email, password: <bcrypt hash from the library's Hasher>, role,
                     school_code (school users only), office (optional), failed_login_attempts, logged_in,
                     locked_until}

Offices (สพท.). `office` is a code of pipelines.office.offices(), or ALL_OFFICES ("ALL": national staff, never
a school user). A user without one belongs to the data root's own office, so a single-office install's file
needs none and works as before. Which data root a user may read follows from it in one place,
dashboards.access (`data_home`): a national root's users each read only their own office's folder, and only
ALL may choose among the offices.

No password is stored or logged in plain text: `khlang demo` and `khlang users add|passwd` print a new one
once, on the terminal of the person who made it. No cryptography is written here: hashes come from the
library's Hasher (bcrypt), the cookie is signed by the library, random values from `secrets`.

Failed logins. The library counts failed_login_attempts in the credentials and refuses a login once the
count reaches `max_login_attempts`, but it keeps the count only in the dict it was handed (one script run;
given the file's path instead it rewrites the file in place, not atomically, and never lifts a lock). So
each failed attempt is written here under a file lock (`record_failure`), and the MAX_FAILED-th in a row
locks the account for LOCK_MINUTES (`locked_until`). Being in this file, the lock holds across browser
sessions, server restarts and every process reading the file; it ends by itself, or when ICT staff set a
new password (`khlang users passwd`). A correct password resets the count.

A new password ends every login made before it (`password_changed`, written with the hash): the
library's cookie (a JWT of the username and its expiry) stays valid for `expiry_days` whatever happens
to the account, so the dashboards refuse a cookie issued, and end a session signed in, before the change
(`signed_in_before_change`). A lock does not end logins already made: it stops password guessing, and
ending sessions on it would let anyone log a user out by typing five wrong passwords.
"""

from __future__ import annotations

import logging
import re
import secrets
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import yaml

from pipelines.config import config_file
from pipelines.durable import write_atomic

ENV_USERS_FILE = "KHLANG_USERS_FILE"
# role -> (Thai, English). Which pages each role sees is dashboards.access.ROLE_PAGES.
ROLES = {
    "director": ("ผู้อำนวยการ สพท.", "Director"),
    "ict": ("เจ้าหน้าที่ ICT", "ICT staff"),
    "analyst": ("นักวิเคราะห์", "Analyst"),
    "school": ("โรงเรียน", "School"),
}
MAX_FAILED = 5  # failed attempts in a row that lock an account
LOCK_MINUTES = 15
COOKIE_NAME = "khlang_login"
COOKIE_DAYS = 1  # a shared office computer forgets the login after a day
USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{1,31}")  # the library lower-cases what is typed
SCHOOL_CODE = re.compile(r"\d{10}")  # the register's 10-digit school code
# The office value of national staff: every office of a national root, chosen one at a time (dashboards.access).
ALL_OFFICES = "ALL"
# First passwords: 3 groups of 4 from letters and digits that are not mistaken for one another (~59 bits).
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class UsersProblem(RuntimeError):
    """The users file is missing, unsafe or malformed, or a user cannot be made: Thai and English."""

    def __init__(self, th: str, en: str):
        super().__init__(f"{en} / {th}")
        self.th, self.en = th, en


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    school_code: str | None = None
    office: str | None = None  # an office code, ALL_OFFICES, or None: the data root's own office



def users_file() -> Path:
    return config_file("users.yaml", ENV_USERS_FILE)


def new_config() -> dict:
    """An empty users file's content: cookie settings with a fresh random key, no users."""
    return {"cookie": {"name": COOKIE_NAME, "key": secrets.token_hex(32), "expiry_days": COOKIE_DAYS},
            "credentials": {"usernames": {}}}


def load(path: Path | None = None) -> dict:
    """The users file's content; UsersProblem when it is missing, readable by others or malformed."""
    path = path or users_file()
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UsersProblem(
            f"ยังไม่มีแฟ้มผู้ใช้ ({path}) — ให้เจ้าหน้าที่ ICT สร้างผู้ใช้ด้วย `khlang users add` (หรือ `khlang demo`) "
            f"หรือกำหนด {ENV_USERS_FILE}",
            f"no users file at {path}: create users with `khlang users add` (or `khlang demo`), or set {ENV_USERS_FILE}",
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UsersProblem(f"แฟ้มผู้ใช้ {path} ผู้อื่นอ่านได้ — ตั้งสิทธิ์ด้วย chmod 600 {path}",
                           f"the users file {path} is readable by others: chmod 600 {path}")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        ok = bool(config["cookie"]["key"]) and isinstance(config["credentials"]["usernames"] or {}, dict)
    except (TypeError, KeyError):
        ok = False
    if not ok:
        raise UsersProblem(f"แฟ้มผู้ใช้ {path} ไม่อยู่ในรูปแบบที่ถูกต้อง (ต้องมี cookie.key และ credentials.usernames)",
                           f"the users file {path} is malformed (it needs cookie.key and credentials.usernames)")
    config["credentials"]["usernames"] = config["credentials"]["usernames"] or {}
    return config


def save(config: dict, path: Path | None = None) -> Path:
    """Write the users file whole, owner-only from its first byte (its folder owner-only when made here)."""
    path = path or users_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomic(path, yaml.safe_dump(config, allow_unicode=True, sort_keys=False).encode("utf-8"), mode=0o600)
    return path


@contextmanager
def updating(path: Path | None = None, *, create: bool = False) -> Iterator[dict]:
    """The users file's content to change in the block, saved at its end; one writer at a time (an OS file
    lock beside the file), so two browser sessions failing at once both count. `create`: start an empty
    file when there is none."""
    from filelock import FileLock

    path = path or users_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with FileLock(str(path.with_name(f".{path.name}.lock")), timeout=30, mode=0o600):
        config = new_config() if create and not path.exists() else load(path)
        yield config
        save(config, path)


def user(config: dict, username: str | None) -> User | None:
    """The user named `username` (as typed: trimmed, lower-cased), or None."""
    if not username:
        return None
    username = username.strip().lower()
    entry = config["credentials"]["usernames"].get(username)
    if entry is None:
        return None
    office = entry.get("office")
    return User(username, entry.get("name") or username, entry.get("role", ""), entry.get("school_code"),
                str(office).strip().upper() if office not in (None, "") else None)


def all_users(config: dict) -> list[User]:
    return [user(config, name) for name in sorted(config["credentials"]["usernames"])]


def _snapshot_key(path: Path) -> tuple | None:
    try:
        s = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), s.st_mtime_ns, s.st_size, s.st_ino)


@lru_cache(maxsize=4)
def _snapshot(key: tuple) -> dict[str, User]:
    return {u.username: u for u in all_users(load(Path(key[0])))}


def lookup(username: str | None, path: Path | None = None) -> User | None:
    """`user()` from the file as it is now, read again only when the file changed (its stat): asked on every
    query of the dashboards (dashboards.access.data_home), where parsing the whole file each time would
    cost. UsersProblem as `load`."""
    path = path or users_file()
    key = _snapshot_key(path)
    if key is None:
        load(path)  # no file: its UsersProblem
    if not username:
        return None
    return _snapshot(key).get(username.strip().lower())


def check_office(office: str | None, role: str) -> str | None:
    """`office` as kept in the file (a known code, ALL_OFFICES, or None), or UsersProblem (Thai and English)."""
    if office is None or not str(office).strip():
        return None
    office = str(office).strip().upper()
    if office == ALL_OFFICES:
        if role == "school":
            raise UsersProblem(f"ผู้ใช้ของโรงเรียนต้องสังกัดเขตพื้นที่เดียว (ไม่ใช่ {ALL_OFFICES})",
                               f"a school user belongs to one office (not {ALL_OFFICES})")
        return office
    from pipelines.office import OFFICES_FILE, offices

    if office not in offices():
        raise UsersProblem(f"ไม่รู้จักรหัสเขตพื้นที่ {office!r} (ดู {OFFICES_FILE.name} หรือใช้ {ALL_OFFICES} สำหรับส่วนกลาง)",
                           f"unknown office code {office!r} (see {OFFICES_FILE.name}, or {ALL_OFFICES} for "
                           "national staff)")
    return office


def _check_password(password: str) -> None:
    if len(password) < 8 or password != password.strip():
        # the library trims what is typed, so surrounding spaces could never be matched
        raise UsersProblem("รหัสผ่านต้องยาวอย่างน้อย 8 ตัวอักษร และไม่ขึ้นต้นหรือลงท้ายด้วยช่องว่าง",
                           "a password needs 8 characters at least, with no space at either end")


def _hash(password: str) -> str:
    """A bcrypt hash by the library's Hasher. Importing the library imports Streamlit, which warns about
    a missing app session when run from `khlang`: those warnings of the first import are not shown."""
    if "streamlit_authenticator" not in sys.modules:
        logging.disable(logging.WARNING)
    try:
        from streamlit_authenticator import Hasher
    finally:
        logging.disable(logging.NOTSET)
    return Hasher.hash(password)


def add_user(config: dict, username: str, *, role: str, password: str, name: str | None = None,
             school_code: str | None = None, email: str | None = None, office: str | None = None) -> User:
    """Add (or replace) a user in `config` with a bcrypt hash of `password` (the library's Hasher).
    A school user is bound to its school code; other roles have none. `office`: a known office code or
    ALL_OFFICES (not for a school user); None, the default, is the data root's own office."""
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise UsersProblem(f"ชื่อผู้ใช้ {username!r} ใช้ได้เฉพาะ a-z 0-9 _ . - ยาว 2–32 ตัว",
                           f"username {username!r}: 2-32 of a-z 0-9 _ . - only")
    if role not in ROLES:
        raise UsersProblem(f"ไม่รู้จักบทบาท {role!r} (มี {', '.join(ROLES)})", f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if role == "school" and not (school_code and SCHOOL_CODE.fullmatch(school_code)):
        raise UsersProblem("ผู้ใช้ของโรงเรียนต้องมีรหัสสถานศึกษา 10 หลัก (--school)",
                           "a school user needs its 10-digit school code (--school)")
    if role != "school" and school_code:
        raise UsersProblem("รหัสสถานศึกษาใช้กับบทบาท school เท่านั้น", "a school code is for the school role only")
    office = check_office(office, role)
    _check_password(password)
    entry = {"name": name or username, "email": email or f"{username}@khlang.invalid", "password": _hash(password),
             "role": role}
    if role == "school":
        entry["school_code"] = school_code
    if office:
        entry["office"] = office
    entry.update(failed_login_attempts=0, logged_in=False)
    config["credentials"]["usernames"][username] = entry
    return user(config, username)


def set_password(config: dict, username: str, password: str) -> None:
    """A new bcrypt hash for `username`; clears the failed-login count and any lock."""
    entry = config["credentials"]["usernames"].get(username.strip().lower())
    if entry is None:
        raise UsersProblem(f"ไม่มีผู้ใช้ {username}", f"no user {username}")
    _check_password(password)
    entry["password"] = _hash(password)
    entry["failed_login_attempts"] = 0
    entry.pop("locked_until", None)
    entry["password_changed"] = _now(None).isoformat(timespec="milliseconds")  # ends the logins made before


def signed_in_before_change(entry: dict, signed_in_at: float) -> bool:
    """True when the user's password was changed after `signed_in_at` (a POSIX time): that login is over."""
    changed = entry.get("password_changed")
    return bool(changed) and _utc(changed).timestamp() > signed_in_at


def new_password() -> str:
    """A random first password (secrets), such as `k7mq-x3vd-p9ta`."""
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))


def _utc(value: datetime | str) -> datetime:
    """A time kept in the users file (ISO text; YAML may hand back a datetime), as an aware UTC datetime."""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def locked_until(entry: dict, now: datetime | None = None) -> datetime | None:
    """When a user's lock ends (UTC), or None when the user may try a password (no lock, or it has ended)."""
    until = entry.get("locked_until")
    if not until:
        return None
    until = _utc(until)
    return until if until > _now(now) else None


def record_failure(username: str, path: Path | None = None, now: datetime | None = None) -> datetime | None:
    """Count a wrong password for `username` in the file; returns when the account's lock ends when this
    attempt locked it. Unknown usernames are not recorded (there is nothing to lock)."""
    now = _now(now)
    with updating(path) as config:
        entry = config["credentials"]["usernames"].get(username)
        if entry is None:
            return None
        if entry.get("locked_until") and locked_until(entry, now) is None:  # a lock that has ended: count afresh
            entry["failed_login_attempts"] = 0
            entry.pop("locked_until")
        entry["failed_login_attempts"] = int(entry.get("failed_login_attempts") or 0) + 1
        if entry["failed_login_attempts"] >= MAX_FAILED:
            entry["locked_until"] = (now + timedelta(minutes=LOCK_MINUTES)).isoformat(timespec="seconds")
        return locked_until(entry, now)


def record_login(username: str, path: Path | None = None) -> None:
    """A correct password: the count back to 0, any ended lock gone, logged_in as the library keeps it."""
    with updating(path) as config:
        entry = config["credentials"]["usernames"].get(username)
        if entry is not None:
            entry.update(failed_login_attempts=0, logged_in=True)
            entry.pop("locked_until", None)


def record_logout(username: str, path: Path | None = None) -> None:
    with updating(path) as config:
        entry = config["credentials"]["usernames"].get(username)
        if entry is not None:
            entry["logged_in"] = False


def create_demo_users(schools: list[tuple[str, str]], path: Path | None = None) -> list[tuple[User, str]] | None:
    """`khlang demo`'s users when there is no users file yet: one per staff role (director, ict, analyst)
    and one per school given as (code, name), named `school_<code>`. Returns each user with its random
    first password, to be printed once; only the hash is stored. None when a users file exists: it is kept."""
    path = path or users_file()
    if path.exists():
        return None
    made = []
    with updating(path, create=True) as config:
        for role in ("director", "ict", "analyst"):
            password = new_password()
            made.append((add_user(config, role, role=role, password=password, name=ROLES[role][0]), password))
        for code, name in schools:
            password = new_password()
            made.append((add_user(config, f"school_{code}", role="school", password=password, name=name,
                                  school_code=code), password))
    return made
