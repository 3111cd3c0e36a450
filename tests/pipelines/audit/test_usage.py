"""Usage figures from the audit log (pipelines/audit/usage.py): a messy log is written through `record` at
fixed times (Thai user names, a name that is a formula, no user or role for a failed login, refused page
views, pages no role has, statements cut short or not SQL, entries either side of a Bangkok month's edge),
and every figure is compared with a plain count over the list of what was written."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pipelines.audit import chain, record
from pipelines.audit.usage import EXPORT_ACTIONS, tables_of, usage
from pipelines.config import Home

BANGKOK = ZoneInfo("Asia/Bangkok")
PAGES = ("overview", "dltv", "platform", "dlit", "admin", "school", "quality", "map", "usage")
PEOPLE = [("สมชาย ใจดี", "ict"), ("นางสาวสมศรี มีสุข", "analyst"), ("ผอ.วิชัย", "director"),
          ("school_1040866403", "school"), ("=HYPERLINK(\"x\")", "analyst"), ("ครูแดง (โรงเรียนบ้านนา)", "school")]
# (statement, the tables it reads), the plain answer written by hand
STATEMENTS = [
    ("SELECT * FROM schools", {"schools"}),
    ("select count(*) from DLTV_Equipment d join main.schools s on d.school_code = s.school_code", {"dltv_equipment", "schools"}),
    ("with x as (select * from platform_daily) select * from x, x y", {"platform_daily"}),
    ("select * from read_csv('/etc/passwd')", set()),
    ('select * from "ข้อมูลนักเรียน" where', {"ข้อมูลนักเรียน"}),  # cut short: not SQL to the parser
    ("SELECT * FROM onet_scores WHERE subject = 'ภาษาไทย' AND", {"onet_scores"}),
    ("select 1", set()),
    ("อยากได้ข้อมูลโรงเรียน", set()),
]


@pytest.fixture
def h(tmp_path) -> Home:
    (tmp_path / "root").mkdir()
    return Home(tmp_path / "root")


def month(t: datetime) -> date:
    local = t.astimezone(BANGKOK)
    return date(local.year, local.month, 1)


def write_log(h: Home, monkeypatch, n: int = 400, seed: int = 2569) -> list[dict]:
    """`n` entries through `record`, at fixed rising times from late October to early January (Bangkok),
    some on purpose at 17:00-23:59 UTC on a month's last day (already the next month in Bangkok)."""
    rng = random.Random(seed)
    start = datetime(2026, 10, 20, tzinfo=UTC)
    times = sorted({start + timedelta(minutes=rng.randrange(0, 80 * 24 * 60)) for _ in range(n)}
                   | {datetime(2026, 10, 31, 17, 30, tzinfo=UTC), datetime(2026, 11, 30, 23, 59, tzinfo=UTC),
                      datetime(2026, 11, 30, 16, 59, tzinfo=UTC)})
    written = []
    for t in times:
        user, role = rng.choice(PEOPLE)
        kind = rng.choices(["page_view", "sql", "export", "login", "login_failed", "other"], [8, 3, 1, 2, 2, 1])[0]
        target, outcome, action = None, "ok", kind
        if kind == "page_view":
            target = rng.choice([*PAGES, "access_review", "ไม่มีหน้านี้"])  # school, quality, map, usage: only refused
            outcome = rng.choice(["ok", "ok", "ok", "refused"])
            if target in ("school", "quality", "map", "usage"):
                outcome = "refused"
        elif kind == "sql":
            target = rng.choice(STATEMENTS)[0]
            outcome = rng.choice(["ok", "ok", "refused", "error"])
        elif kind == "export":
            action = rng.choice(EXPORT_ACTIONS)
            target = rng.choice(["/srv/ส่งออก/obec_2569", "สรุปรายงาน.pdf"])
            outcome = rng.choice(["ok", "ok", "refused"])
        elif kind == "login_failed":
            outcome = rng.choice(["failed", "refused"])
            if rng.random() < 0.3:
                user, role = None, None
        elif kind == "other":
            action = rng.choice(["logout", "upload", "access_requested"])
        monkeypatch.setattr(chain, "utcnow", lambda t=t: t)
        record(h, action, user=user, role=role, target=target, outcome=outcome)
        written.append({"time": t, "month": month(t), "user": user, "role": role, "action": action, "target": target,
                        "outcome": outcome})
    return written


@pytest.fixture(scope="module")
def logged(tmp_path_factory) -> tuple[Home, list[dict]]:
    """One messy log for the module's tests (read only): its data root and what was written."""
    h = Home(tmp_path_factory.mktemp("usage"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        return h, write_log(h, monkeypatch)


def rows(frame, keys: tuple[str, ...], value: str) -> dict:
    return {tuple(r[k] for k in keys): r[value] for r in frame.iter_rows(named=True) if r[value]}


def test_every_figure_equals_a_plain_count_of_what_was_written(logged):
    h, written = logged
    u = usage(h, None, None, PAGES)
    ok = [e for e in written if e["outcome"] == "ok"]

    views = [e for e in written if e["action"] == "page_view"]
    assert rows(u.page_views, ("month", "page", "role"), "views") == Counter(
        (e["month"], e["target"], e["role"]) for e in views if e["outcome"] == "ok")
    assert rows(u.page_views, ("month", "page", "role"), "refused") == Counter(
        (e["month"], e["target"], e["role"]) for e in views if e["outcome"] != "ok")
    seen = defaultdict(set)
    for e in views:
        if e["outcome"] == "ok":
            seen[(e["month"], e["target"], e["role"])].add(e["user"])
    assert rows(u.page_views, ("month", "page", "role"), "users") == {k: len(v) for k, v in seen.items()}

    by_role, by_month = defaultdict(set), defaultdict(set)
    for e in ok:
        if e["user"] is not None:
            by_role[(e["month"], e["role"])].add(e["user"])
            by_month[(e["month"],)].add(e["user"])
    assert rows(u.users, ("month", "role"), "users") == {k: len(v) for k, v in by_role.items()}
    assert rows(u.users_by_month, ("month",), "users") == {k: len(v) for k, v in by_month.items()}
    assert u.people == len({e["user"] for e in ok if e["user"] is not None})
    assert {m for (m,) in by_month} == {date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)}

    sql = [e for e in written if e["action"] == "sql"]
    for outcome in ("ok", "refused", "error"):
        assert rows(u.queries, ("month", "role", "user"), outcome) == Counter(
            (e["month"], e["role"], e["user"]) for e in sql if e["outcome"] == outcome)
    assert rows(u.queries, ("month", "role", "user"), "statements") == Counter((e["month"], e["role"], e["user"]) for e in sql)
    answer = dict(STATEMENTS)
    tables = Counter((e["month"], t) for e in sql if e["outcome"] == "ok" for t in answer[e["target"]])
    assert rows(u.tables, ("month", "table"), "statements") == tables

    exports = [e for e in written if e["action"] in EXPORT_ACTIONS]
    assert rows(u.exports, ("month", "action", "role"), "entries") == Counter((e["month"], e["action"], e["role"]) for e in exports)
    assert u.export_list.height == len(exports)
    assert u.export_list["user"].to_list() == [e["user"] for e in exports]

    logins = [e for e in written if e["action"] == "login"]
    failed = [e for e in written if e["action"] == "login_failed"]
    assert rows(u.logins, ("month", "role"), "logins") == Counter((e["month"], e["role"]) for e in logins)
    assert rows(u.logins, ("month", "role"), "failed") == Counter((e["month"], e["role"]) for e in failed)
    assert any(r["role"] is None and r["failed"] for r in u.logins.iter_rows(named=True)), "failed logins of nobody"

    assert u.unopened == ("school", "quality", "map", "usage")


def test_a_window_counts_only_its_bangkok_months_and_lists_the_pages_nobody_opened_in_it(logged):
    h, written = logged
    since, until = datetime(2026, 11, 1), datetime(2026, 12, 1)  # naive: Bangkok time
    u = usage(h, since, until, PAGES)
    inside = [e for e in written if month(e["time"]) == date(2026, 11, 1)]
    assert set(u.users["month"].to_list()) == {date(2026, 11, 1)}
    assert u.page_views["views"].sum() == sum(e["action"] == "page_view" and e["outcome"] == "ok" for e in inside)
    assert u.logins["failed"].sum() == sum(e["action"] == "login_failed" for e in inside)
    edge = [e for e in written if e["time"] in (datetime(2026, 10, 31, 17, 30, tzinfo=UTC),
                                               datetime(2026, 11, 30, 16, 59, tzinfo=UTC))]
    assert all(e in inside for e in edge), "00:30 on 1 Nov and 23:59 on 30 Nov in Bangkok are November's"
    assert datetime(2026, 11, 30, 23, 59, tzinfo=UTC) not in [e["time"] for e in inside]
    opened = {e["target"] for e in inside if e["action"] == "page_view" and e["outcome"] == "ok"}
    assert u.unopened == tuple(p for p in PAGES if p not in opened)


def test_an_empty_log_has_every_figure_empty_and_every_page_unopened(h):
    u = usage(h, None, None, [*PAGES, "overview"])
    assert u.page_views.is_empty() and u.users.is_empty() and u.tables.is_empty() and u.export_list.is_empty()
    assert u.unopened == PAGES
    assert u.people == 0


@pytest.mark.parametrize(("statement", "tables"), STATEMENTS + [
    ("SELECT * FROM schools UNION SELECT * FROM Schools", {"schools"}),
    ('select * from main."ตาราง ก" join x . "Y" on true where', {"ตาราง ก", "x.y"}),
    (None, set()), ("", set()),
])
def test_the_tables_a_statement_reads(statement, tables):
    assert tables_of(statement) == tables
