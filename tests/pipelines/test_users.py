"""The users file (pipelines/users.py): where it lives, owner-only, bcrypt hashes from the library, roles,
a school user bound to its code, and the lock after repeated failed logins, read back from the file."""

from __future__ import annotations

import stat
from datetime import datetime, timedelta, timezone

import bcrypt
import pytest
import yaml

from pipelines import users

SCHOOL = "1040008049"


@pytest.fixture
def path(tmp_path):
    return tmp_path / "cfg" / "users.yaml"


def made(path, **people) -> dict:
    """A users file at `path` holding `people` (username -> (role, password[, school code]))."""
    with users.updating(path, create=True) as config:
        for username, (role, password, *code) in people.items():
            users.add_user(config, username, role=role, password=password, school_code=code[0] if code else None)
    return users.load(path)


def test_where_the_file_lives(monkeypatch, tmp_path):
    monkeypatch.delenv(users.ENV_USERS_FILE, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert users.users_file() == tmp_path / "xdg" / "khlang" / "users.yaml"
    monkeypatch.setenv(users.ENV_USERS_FILE, str(tmp_path / "elsewhere.yaml"))
    assert users.users_file() == tmp_path / "elsewhere.yaml"


def test_owner_only_bcrypt_hashes_and_a_random_cookie_key(path):
    config = made(path, director=("director", "first-pass-1"), ict=("ict", "first-pass-2"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    text = path.read_text(encoding="utf-8")
    assert "first-pass" not in text, "no password in plain text"
    entries = config["credentials"]["usernames"]
    for username, password in (("director", "first-pass-1"), ("ict", "first-pass-2")):
        hashed = entries[username]["password"]
        assert hashed.startswith("$2b$12$"), "bcrypt at the library's cost"
        assert bcrypt.checkpw(password.encode(), hashed.encode())
        assert not bcrypt.checkpw(b"first-pass-3", hashed.encode()), "a wrong password is refused"
    assert entries["director"]["role"] == "director" and "school_code" not in entries["director"]
    assert len(config["cookie"]["key"]) == 64 and config["cookie"]["key"] != users.new_config()["cookie"]["key"]
    # the library reads the file as its own configuration
    from streamlit_authenticator.utilities import Hasher

    assert Hasher.check_pw("first-pass-1", yaml.safe_load(text)["credentials"]["usernames"]["director"]["password"])


def test_a_file_others_can_read_is_refused(path):
    made(path, director=("director", "first-pass-1"))
    path.chmod(0o644)
    with pytest.raises(users.UsersProblem, match="chmod 600"):
        users.load(path)


def test_a_missing_file_says_how_to_make_one(path):
    with pytest.raises(users.UsersProblem) as problem:
        users.load(path)
    assert "khlang users add" in problem.value.th and "khlang users add" in problem.value.en


def test_a_school_user_is_bound_to_its_code(path):
    config = made(path, school_a=("school", "first-pass-1", SCHOOL), analyst=("analyst", "first-pass-2"))
    assert users.user(config, " School_A ") == users.User("school_a", "school_a", "school", SCHOOL)
    assert users.user(config, "analyst").school_code is None
    with pytest.raises(users.UsersProblem, match="10-digit"):
        users.add_user(config, "school_b", role="school", password="first-pass-3")
    with pytest.raises(users.UsersProblem, match="school role only"):
        users.add_user(config, "ana", role="analyst", password="first-pass-3", school_code=SCHOOL)
    with pytest.raises(users.UsersProblem, match="unknown role"):
        users.add_user(config, "boss", role="admin", password="first-pass-3")
    with pytest.raises(users.UsersProblem, match="8 characters"):
        users.add_user(config, "ana", role="analyst", password="short")


def test_failed_logins_lock_the_account_in_the_file_for_a_while(path):
    made(path, director=("director", "first-pass-1"), ict=("ict", "first-pass-2"))
    now = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
    for n in range(1, users.MAX_FAILED):
        assert users.record_failure("director", path, now) is None
        assert users.load(path)["credentials"]["usernames"]["director"]["failed_login_attempts"] == n
    until = users.record_failure("director", path, now)
    assert until == now + timedelta(minutes=users.LOCK_MINUTES)
    # a new browser session, or a restarted server, reads the file again: still locked
    entry = users.load(path)["credentials"]["usernames"]["director"]
    assert users.locked_until(entry, now + timedelta(minutes=users.LOCK_MINUTES - 1)) == until
    assert users.locked_until(users.load(path)["credentials"]["usernames"]["ict"], now) is None, "only that account"
    # the lock ends by itself; the next failure counts from one again
    later = now + timedelta(minutes=users.LOCK_MINUTES + 1)
    assert users.locked_until(entry, later) is None
    assert users.record_failure("director", path, later) is None
    assert users.load(path)["credentials"]["usernames"]["director"]["failed_login_attempts"] == 1
    # a correct password resets the count; an unknown name records nothing
    users.record_login("director", path)
    assert users.load(path)["credentials"]["usernames"]["director"]["failed_login_attempts"] == 0
    assert users.record_failure("nobody", path, now) is None


def test_a_new_password_lifts_the_lock(path):
    made(path, director=("director", "first-pass-1"))
    now = datetime.now(timezone.utc)
    for _ in range(users.MAX_FAILED):
        users.record_failure("director", path, now)
    assert users.locked_until(users.load(path)["credentials"]["usernames"]["director"])
    with users.updating(path) as config:
        users.set_password(config, "director", "second-pass-1")
    entry = users.load(path)["credentials"]["usernames"]["director"]
    assert users.locked_until(entry) is None and entry["failed_login_attempts"] == 0
    assert bcrypt.checkpw(b"second-pass-1", entry["password"].encode())


def test_first_passwords_are_random_and_readable():
    words = {users.new_password() for _ in range(50)}
    assert len(words) == 50
    assert all(len(w) == 14 and set(w) <= set(users.PASSWORD_ALPHABET + "-") for w in words)


def test_the_demo_makes_one_user_per_role_once(path):
    made = users.create_demo_users([(SCHOOL, "โรงเรียนบ้านป่าเปือย"), ("1040017117", "โรงเรียนบ้านหนองเรือ")], path)
    assert [(u.username, u.role, u.school_code) for u, _ in made] == [
        ("director", "director", None), ("ict", "ict", None), ("analyst", "analyst", None),
        (f"school_{SCHOOL}", "school", SCHOOL), ("school_1040017117", "school", "1040017117")]
    config = users.load(path)
    for user, password in made:
        assert bcrypt.checkpw(password.encode(), config["credentials"]["usernames"][user.username]["password"].encode())
        assert password not in path.read_text(encoding="utf-8")
    assert config["credentials"]["usernames"][f"school_{SCHOOL}"]["name"] == "โรงเรียนบ้านป่าเปือย"
    before = path.read_bytes()
    assert users.create_demo_users([(SCHOOL, "x")], path) is None, "an existing users file is kept"
    assert path.read_bytes() == before


def test_khlang_users_add_list_passwd(tmp_path, monkeypatch, capsys):
    from pipelines.cli import main

    path = tmp_path / "users.yaml"
    monkeypatch.setenv(users.ENV_USERS_FILE, str(path))
    monkeypatch.setenv("KHLANG_HOME", str(tmp_path / "nothing_published"))
    assert main(["users", "add", "somchai", "--role", "director", "--name", "นายสมชาย ใจดี"]) == 0
    first = capsys.readouterr().out.splitlines()[-1].split()[1]  # "    somchai  xxxx-xxxx-xxxx   ผู้อำนวยการ ..."
    entry = users.load(path)["credentials"]["usernames"]["somchai"]
    assert bcrypt.checkpw(first.encode(), entry["password"].encode()) and first not in path.read_text(encoding="utf-8")
    assert main(["users", "add", "somchai", "--role", "ict"]) == 2 and "exists" in capsys.readouterr().err
    assert main(["users", "add", "school_a", "--role", "school"]) == 2 and "10-digit" in capsys.readouterr().err
    assert main(["users", "add", "school_a", "--role", "school", "--school", SCHOOL]) == 0
    for _ in range(users.MAX_FAILED):
        users.record_failure("somchai", path)
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    listed = capsys.readouterr().out
    assert "somchai" in listed and "locked until" in listed and SCHOOL in listed and users.ROLES["school"][0] in listed
    assert main(["users", "passwd", "somchai"]) == 0
    second = capsys.readouterr().out.splitlines()[-1].split()[1]
    entry = users.load(path)["credentials"]["usernames"]["somchai"]
    assert bcrypt.checkpw(second.encode(), entry["password"].encode()) and users.locked_until(entry) is None
    assert main(["users", "passwd", "nobody"]) == 2
    assert main(["users", "list"]) == 0
    assert users.load(path)["cookie"]["key"] not in capsys.readouterr().out, "the cookie key is never printed"


def test_a_new_password_ends_the_logins_made_before_it_and_only_those():
    import time

    config = users.new_config()
    users.add_user(config, "somchai", role="analyst", password="first-pass-1")
    entry = config["credentials"]["usernames"]["somchai"]
    before = time.time()
    assert not users.signed_in_before_change(entry, before)  # never changed: every login holds
    time.sleep(0.01)
    users.set_password(config, "somchai", "second-pass-2")
    assert users.signed_in_before_change(entry, before)
    assert not users.signed_in_before_change(entry, time.time() + 0.01)  # a login after the change holds


def test_a_user_may_carry_an_office_and_a_file_without_one_reads_as_before(path):
    config = made(path, somchai=("director", "first-pass-1"), school=("school", "first-pass-2", SCHOOL))
    assert all("office" not in e for e in config["credentials"]["usernames"].values()), "nothing written unasked"
    assert users.user(config, "somchai").office is None and users.lookup("somchai", path).office is None
    with users.updating(path) as config:
        users.add_user(config, "ict_4001", role="ict", password="first-pass-3", office="4001")
        users.add_user(config, "obec", role="analyst", password="first-pass-4", office="all")
        users.add_user(config, "school_4001", role="school", password="first-pass-5", school_code=SCHOOL, office="4001")
    entries = users.load(path)["credentials"]["usernames"]
    assert (entries["ict_4001"]["office"], entries["obec"]["office"]) == ("4001", users.ALL_OFFICES)
    assert [(u.username, u.office) for u in users.all_users(users.load(path))] == [
        ("ict_4001", "4001"), ("obec", "ALL"), ("school", None), ("school_4001", "4001"), ("somchai", None)]
    assert users.lookup("ICT_4001 ", path).office == "4001", "read back as the file holds it now"
    # a hand-written office: YAML may hand back a number
    with users.updating(path) as config:
        config["credentials"]["usernames"]["somchai"]["office"] = 4002
    assert users.lookup("somchai", path).office == "4002"


@pytest.mark.parametrize(("role", "office", "said"), [
    ("director", "9999", "unknown office code"), ("analyst", "40", "unknown office code"),
    ("school", "ALL", "belongs to one office")])
def test_an_office_khlang_does_not_know_is_refused_in_thai_and_english(path, role, office, said):
    config = users.new_config()
    with pytest.raises(users.UsersProblem) as problem:
        users.add_user(config, "someone", role=role, password="first-pass-1", office=office,
                       school_code=SCHOOL if role == "school" else None)
    assert said in problem.value.en and ("เขตพื้นที่" in problem.value.th) and not config["credentials"]["usernames"]


def test_khlang_users_add_office_and_list(tmp_path, monkeypatch, capsys):
    from pipelines.cli import main

    path = tmp_path / "users.yaml"
    monkeypatch.setenv(users.ENV_USERS_FILE, str(path))
    monkeypatch.setenv("KHLANG_HOME", str(tmp_path / "nothing_published"))
    assert main(["users", "add", "ict_4001", "--role", "ict", "--office", "4001"]) == 0
    assert main(["users", "add", "obec", "--role", "analyst", "--office", "ALL"]) == 0
    assert main(["users", "add", "somchai", "--role", "director"]) == 0
    assert main(["users", "add", "nobody", "--role", "ict", "--office", "9999"]) == 2
    refused = capsys.readouterr().err
    assert "ไม่รู้จักรหัสเขตพื้นที่ '9999'" in refused and "unknown office code '9999'" in refused
    assert users.user(users.load(path), "nobody") is None, "nothing added"
    assert main(["users", "list"]) == 0
    listed = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert "4001 สพป.ขอนแก่น เขต 1" in listed["ict_4001"] and "ทุกเขต" in listed["obec"]
    assert "the data root's office" in listed["somchai"]
