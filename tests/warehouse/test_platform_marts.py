"""The digital-platform marts (contract 3.4) on a hand-made district: exact figures.

Three tables are built from small Polars frames as the published views will hold them (current rows
only: valid and flagged): `schools` (the register), `platform_daily` (the platforms' own daily files)
and `platform_events` (the event log, user_id already hashed). Then only the platform marts and what
they read are defined (`marts.define(con, names)`), so the DLTV marts' tables are not needed.

The district, in Thai local time:
- DLTV, 2569-01-05 (Mon) and 01-06: events and a daily file that agree on the 5th and differ on the
  6th; 01-07: a daily file only. DLIT 01-05: events only. MEDIA: a public user (no school) only.
- ELEARNING 2568-09-30 and 2568-10-01: events either side of the fiscal-year change (FY 2568 / 2569).
- Four register schools; one (1010000004) never used anything, one (1010000003) last used a platform
  more than 30 days before the latest date in the data.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warehouse import marts

PLATFORM_MARTS = [m for m in marts.MARTS if m.startswith("platform_")]
A, B, C, D = "1010000001", "1010000002", "1010000003", "1010000004"
LINEAGE = {"source_file": "x.csv", "sheet": None, "row_number": 1, "arrival_seq": 1, "outcome": "valid",
           "rule_ids": [], "reason_th": None, "reason_en": None}


def uid(n: int) -> str:
    return f"{n:064x}"  # an HMAC hash looks like this: 64 hex characters


def schools() -> pl.DataFrame:
    return pl.DataFrame({
        "school_code": [A, B, C, D],
        "school_name": ["โรงเรียนบ้านหนองบัว", "โรงเรียนวัดป่า (ประชาสรรค์)", "โรงเรียนบ้านโคก", "โรงเรียนบ้านนา"],
        "district": ["เมือง", "เมือง", "บ้านไผ่", "บ้านไผ่"],
        "subdistrict": ["ในเมือง", "ศิลา", "บ้านไผ่", "หนองน้ำใส"],
        "province": ["ขอนแก่น"] * 4,
        "students_total": [85, 240, 60, 30],
        "size_class": ["เล็ก", "กลาง", "เล็ก", "เล็ก"],
        "lat": [16.4, 16.5, 16.1, 16.0], "lon": [102.8, 102.9, 102.7, 102.6],
        "is_dltv_school": [True, False, True, True],
        "dltv_eligible": [True, False, True, True],
    })


def events() -> pl.DataFrame:
    # (timestamp, platform, user, school, event_type, content_id, duration_s)
    rows = [
        # DLTV 2026-01-05 (Mon): users 1, 2 at A, user 3 at B; 3 logins -> agrees with the daily file
        ("2026-01-05 08:00:00", "DLTV", 1, A, "login", None, 0),
        ("2026-01-05 08:01:00", "DLTV", 1, A, "view", "DLTV-M1-001", 1800),
        ("2026-01-05 08:40:00", "DLTV", 1, A, "view", "DLTV-M1-001", 600),
        ("2026-01-05 09:00:00", "DLTV", 2, A, "login", None, 0),
        ("2026-01-05 09:05:00", "DLTV", 2, A, "view", "DLTV-M1-002", 1200),
        ("2026-01-05 09:30:00", "DLTV", 2, A, "download", "DLTV-M1-002", 30),
        ("2026-01-05 13:00:00", "DLTV", 3, B, "login", None, 0),
        ("2026-01-05 13:10:00", "DLTV", 3, B, "view", "DLTV-M1-001", 900),
        ("2026-01-05 13:40:00", "DLTV", 3, B, "quiz_submit", "DLTV-M1-001", 300),
        # DLTV 2026-01-06 (Tue): users 1 and 3, 2 logins; the daily file says 3 users, 4 sessions
        ("2026-01-06 08:00:00", "DLTV", 1, A, "login", None, 0),
        ("2026-01-06 08:02:00", "DLTV", 1, A, "view", "DLTV-M1-002", 1500),
        ("2026-01-06 10:00:00", "DLTV", 3, B, "login", None, 0),
        ("2026-01-06 10:01:00", "DLTV", 3, B, "download", "DLTV-M1-003", 20),
        # DLIT 2026-01-05: events only (no daily file for DLIT); user 1 also uses DLIT
        ("2026-01-05 10:00:00", "DLIT", 1, A, "login", None, 0),
        ("2026-01-05 10:01:00", "DLIT", 1, A, "view", "DLIT-SCI-01", 700),
        ("2026-01-05 20:15:00", "DLIT", 4, B, "login", None, 0),
        # MEDIA: a public user (no school) on 2026-01-07, a Wednesday evening
        ("2026-01-07 19:30:00", "MEDIA", 9, None, "login", None, 0),
        ("2026-01-07 19:31:00", "MEDIA", 9, None, "download", "MEDIA-คู่มือ-01", 45),
        # ELEARNING either side of 1 Oct 2025 (FY 2568 -> 2569); school C's last use
        ("2025-09-30 23:59:00", "ELEARNING", 5, C, "login", None, 0),
        ("2025-10-01 00:05:00", "ELEARNING", 5, C, "view", "EL-ภาษาไทย-ป1", 600),
    ]
    frame = pl.DataFrame(
        [{"timestamp": datetime.fromisoformat(t), "platform": p, "user_id": uid(u), "school_code": s,
          "event_type": e, "content_id": c, "duration_s": d} for t, p, u, s, e, c, d in rows],
        schema_overrides={"duration_s": pl.Int64},
    )
    return frame.with_columns(**{k: pl.lit(v) for k, v in LINEAGE.items() if k != "rule_ids"},
                              rule_ids=pl.lit([], dtype=pl.List(pl.String)),
                              period=pl.lit(2569, dtype=pl.Int32))


def daily() -> pl.DataFrame:
    # (date, platform, school, user_type, active_users, sessions, media_views, downloads)
    rows = [
        # DLTV 2026-01-05: 2 + 1 users, 2 + 1 sessions (= the events: 3 users, 3 logins)
        ("2026-01-05", "DLTV", A, "นักเรียน", 2, 2, 3, 1),
        ("2026-01-05", "DLTV", B, "ครู", 1, 1, 1, 0),
        # DLTV 2026-01-06: 3 users and 4 sessions (the events: 2 users, 2 logins)
        ("2026-01-06", "DLTV", A, "นักเรียน", 1, 2, 1, 0),
        ("2026-01-06", "DLTV", B, "ครู", 1, 1, 0, 1),
        ("2026-01-06", "DLTV", None, "บุคคลทั่วไป", 1, 1, None, None),  # public users; views not reported
        # DLTV 2026-01-07: the daily file only (no events that day); a zero row is no use
        ("2026-01-07", "DLTV", B, "บุคลากร", 2, 5, 4, 2),
        ("2026-01-07", "DLTV", D, "นักเรียน", 0, 0, 0, 0),
    ]
    frame = pl.DataFrame(
        [{"date": date.fromisoformat(d), "platform": p, "school_code": s, "user_type": t, "active_users": u,
          "sessions": n, "media_views": v, "downloads": w} for d, p, s, t, u, n, v, w in rows],
        schema_overrides={c: pl.Int64 for c in ("active_users", "sessions", "media_views", "downloads")},
    )
    return frame.with_columns(**{k: pl.lit(v) for k, v in LINEAGE.items() if k != "rule_ids"},
                              rule_ids=pl.lit([], dtype=pl.List(pl.String)),
                              period=pl.lit(2569, dtype=pl.Int32))


def district(events_frame: pl.DataFrame | None = None, daily_frame: pl.DataFrame | None = None):
    con = duckdb.connect()
    for name, frame in (("schools", schools()), ("platform_events", events() if events_frame is None else events_frame),
                        ("platform_daily", daily() if daily_frame is None else daily_frame)):
        con.register(f"_{name}", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _{name}")
    defined = marts.define(con, PLATFORM_MARTS)
    assert defined == PLATFORM_MARTS
    return con


@pytest.fixture
def con():
    c = district()
    yield c
    c.close()


def rows(con, query: str, *params) -> list[tuple]:
    return con.execute(query, list(params)).fetchall()


# ---------------------------------------------------------------- defining a subset
def test_define_a_subset_defines_what_it_reads_in_order():
    assert marts.with_prerequisites(["platform_use_weekly"]) == [
        "platform_events_daily", "platform_use_daily", "platform_use_weekly"]
    assert marts.with_prerequisites(["platform_reconciliation"]) == ["platform_reconciliation"]
    assert marts.reads("platform_inactive_schools") == ["platform_events_daily"]
    with pytest.raises(KeyError, match="no mart 'nope'"):
        marts.with_prerequisites(["nope"])
    con = duckdb.connect()
    con.execute("CREATE TABLE dltv_allocation (x INTEGER)")  # no DLTV tables: define(all) cannot work here
    with pytest.raises(duckdb.CatalogException):
        marts.define(con)


def test_every_mart_reads_only_earlier_marts():
    for n, name in enumerate(marts.MARTS):
        assert set(marts.reads(name)) <= set(marts.MARTS[:n]), name


def test_platform_marts_describe_themselves():
    for name in PLATFORM_MARTS:
        assert len(marts.description(name)) > 80, name
    for name in ("platform_use_weekly", "platform_use_monthly", "platform_use_by_district", "platform_use_by_day"):
        assert "user-days" in marts.description(name)


# ---------------------------------------------------------------- no person in any mart
def test_no_user_id_in_any_platform_mart(con):
    hashed = {uid(n) for n in range(10)}
    for name in PLATFORM_MARTS:
        columns = rows(con, f"SELECT column_name, column_type FROM (DESCRIBE {name})")
        assert not [c for c, _ in columns if "user_id" in c or c in ("uid", "user")], name
        for column, kind in columns:
            if kind == "VARCHAR":
                values = {v for (v,) in rows(con, f'SELECT DISTINCT "{column}" FROM {name}')}
                assert not values & hashed, (name, column)


# ---------------------------------------------------------------- by day from events
def test_events_daily(con):
    got = rows(con, "SELECT date, fiscal_year, platform, school_code, active_users, sessions, media_views, downloads, "
                    "quiz_submits, events, total_duration_s FROM platform_events_daily")
    jan5, jan6, jan7 = date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)
    assert got == [
        (date(2025, 9, 30), 2568, "ELEARNING", C, 1, 1, 0, 0, 0, 1, 0),
        (date(2025, 10, 1), 2569, "ELEARNING", C, 1, 0, 1, 0, 0, 1, 600),
        (jan5, 2569, "DLIT", A, 1, 1, 1, 0, 0, 2, 700),
        (jan5, 2569, "DLIT", B, 1, 1, 0, 0, 0, 1, 0),
        (jan5, 2569, "DLTV", A, 2, 2, 3, 1, 0, 6, 3630),
        (jan5, 2569, "DLTV", B, 1, 1, 1, 0, 1, 3, 1200),
        (jan6, 2569, "DLTV", A, 1, 1, 1, 0, 0, 2, 1500),
        (jan6, 2569, "DLTV", B, 1, 1, 0, 1, 0, 2, 20),
        (jan7, 2569, "MEDIA", None, 1, 1, 0, 1, 0, 2, 45),
    ]
    kinds = dict(rows(con, "SELECT column_name, column_type FROM (DESCRIBE platform_events_daily)"))
    assert {kinds[c] for c in ("active_users", "sessions", "events", "total_duration_s")} == {"BIGINT"}
    assert kinds["fiscal_year"] == "INTEGER" and kinds["date"] == "DATE"


# ---------------------------------------------------------------- use: daily file first, events where none
def test_use_daily_takes_the_daily_file_where_it_exists_and_events_elsewhere(con):
    got = rows(con, "SELECT date, week_start, month, fiscal_year, platform, user_type, school_code, district, "
                    "active_users, sessions, media_views, downloads, source FROM platform_use_daily")
    jan5, jan6, jan7, mon, jan = date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7), date(2026, 1, 5), date(2026, 1, 1)
    assert got == [
        (date(2025, 9, 30), date(2025, 9, 29), date(2025, 9, 1), 2568, "ELEARNING", "ไม่ระบุ", C, "บ้านไผ่", 1, 1, 0, 0, "events"),
        (date(2025, 10, 1), date(2025, 9, 29), date(2025, 10, 1), 2569, "ELEARNING", "ไม่ระบุ", C, "บ้านไผ่", 1, 0, 1, 0, "events"),
        (jan5, mon, jan, 2569, "DLIT", "ไม่ระบุ", A, "เมือง", 1, 1, 1, 0, "events"),
        (jan5, mon, jan, 2569, "DLIT", "ไม่ระบุ", B, "เมือง", 1, 1, 0, 0, "events"),
        # DLTV on the 5th and 6th: the daily file's figures only, never the events' as well
        (jan5, mon, jan, 2569, "DLTV", "ครู", B, "เมือง", 1, 1, 1, 0, "daily"),
        (jan5, mon, jan, 2569, "DLTV", "นักเรียน", A, "เมือง", 2, 2, 3, 1, "daily"),
        (jan6, mon, jan, 2569, "DLTV", "ครู", B, "เมือง", 1, 1, 0, 1, "daily"),
        (jan6, mon, jan, 2569, "DLTV", "นักเรียน", A, "เมือง", 1, 2, 1, 0, "daily"),
        (jan6, mon, jan, 2569, "DLTV", "บุคคลทั่วไป", None, "ผู้ใช้ทั่วไป", 1, 1, None, None, "daily"),
        (jan7, mon, jan, 2569, "DLTV", "นักเรียน", D, "บ้านไผ่", 0, 0, 0, 0, "daily"),
        (jan7, mon, jan, 2569, "DLTV", "บุคลากร", B, "เมือง", 2, 5, 4, 2, "daily"),
        (jan7, mon, jan, 2569, "MEDIA", "ไม่ระบุ", None, "ผู้ใช้ทั่วไป", 1, 1, 0, 1, "events"),
    ]


def test_use_by_day_sums_schools_per_user_type(con):
    got = rows(con, "SELECT date, platform, user_type, source, schools_using, active_users, sessions, media_views, "
                    "downloads FROM platform_use_by_day")
    jan5, jan6, jan7 = date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)
    assert got == [
        (date(2025, 9, 30), "ELEARNING", "ไม่ระบุ", "events", 1, 1, 1, 0, 0),
        (date(2025, 10, 1), "ELEARNING", "ไม่ระบุ", "events", 1, 1, 0, 1, 0),
        (jan5, "DLIT", "ไม่ระบุ", "events", 2, 2, 2, 1, 0),
        (jan5, "DLTV", "ครู", "daily", 1, 1, 1, 1, 0),
        (jan5, "DLTV", "นักเรียน", "daily", 1, 2, 2, 3, 1),
        (jan6, "DLTV", "ครู", "daily", 1, 1, 1, 0, 1),
        (jan6, "DLTV", "นักเรียน", "daily", 1, 1, 2, 1, 0),
        (jan6, "DLTV", "บุคคลทั่วไป", "daily", 0, 1, 1, None, None),  # public users are no school
        (jan7, "DLTV", "นักเรียน", "daily", 0, 0, 0, 0, 0),  # D's row of zeros: no use
        (jan7, "DLTV", "บุคลากร", "daily", 1, 2, 5, 4, 2),
        (jan7, "MEDIA", "ไม่ระบุ", "events", 0, 1, 1, 0, 1),
    ]
    assert rows(con, "SELECT week_start, month, fiscal_year FROM platform_use_by_day WHERE date = DATE '2025-10-01'") == [
        (date(2025, 9, 29), date(2025, 10, 1), 2569)]


def test_weekly_and_monthly_rollups_sum_user_days(con):
    week = rows(con, "SELECT week_start, platform, user_type, school_code, district, days, active_users, sessions, "
                     "media_views, downloads, sources FROM platform_use_weekly WHERE platform = 'DLTV'")
    mon = date(2026, 1, 5)
    assert week == [
        (mon, "DLTV", "ครู", B, "เมือง", 2, 2, 2, 1, 1, ["daily"]),
        (mon, "DLTV", "นักเรียน", A, "เมือง", 2, 3, 4, 4, 1, ["daily"]),  # 2 + 1 user-days
        (mon, "DLTV", "นักเรียน", D, "บ้านไผ่", 1, 0, 0, 0, 0, ["daily"]),
        (mon, "DLTV", "บุคคลทั่วไป", None, "ผู้ใช้ทั่วไป", 1, 1, 1, None, None, ["daily"]),
        (mon, "DLTV", "บุคลากร", B, "เมือง", 1, 2, 5, 4, 2, ["daily"]),
    ]
    # ELEARNING: 30 Sep and 1 Oct 2025 are one week but two months in two fiscal years
    assert rows(con, "SELECT week_start, days, active_users, sessions, sources FROM platform_use_weekly "
                     "WHERE platform = 'ELEARNING'") == [(date(2025, 9, 29), 2, 2, 1, ["events"])]
    assert rows(con, "SELECT month, fiscal_year, days, active_users, sessions, media_views FROM platform_use_monthly "
                     "WHERE platform = 'ELEARNING'") == [(date(2025, 9, 1), 2568, 1, 1, 1, 0),
                                                        (date(2025, 10, 1), 2569, 1, 1, 0, 1)]
    assert rows(con, "SELECT sum(active_users), sum(sessions), sum(media_views), sum(downloads) FROM platform_use_monthly "
                     "WHERE month = DATE '2026-01-01'") == [(11, 15, 10, 5)]
    assert rows(con, "SELECT sum(active_users), sum(sessions) FROM platform_use_weekly") == \
        rows(con, "SELECT sum(active_users), sum(sessions) FROM platform_use_daily")


def test_district_totals(con):
    got = rows(con, "SELECT platform, user_type, district, schools_using, active_users, sessions, media_views, downloads "
                    "FROM platform_use_by_district WHERE month = DATE '2026-01-01'")
    assert got == [
        ("DLIT", "ไม่ระบุ", "เมือง", 2, 2, 2, 1, 0),
        ("DLTV", "ครู", "เมือง", 1, 2, 2, 1, 1),
        ("DLTV", "นักเรียน", "บ้านไผ่", 0, 0, 0, 0, 0),  # a daily-file row of zeros is no use
        ("DLTV", "นักเรียน", "เมือง", 1, 3, 4, 4, 1),
        ("DLTV", "บุคคลทั่วไป", "ผู้ใช้ทั่วไป", 0, 1, 1, None, None),
        ("DLTV", "บุคลากร", "เมือง", 1, 2, 5, 4, 2),
        ("MEDIA", "ไม่ระบุ", "ผู้ใช้ทั่วไป", 0, 1, 1, 0, 1),
    ]


# ---------------------------------------------------------------- people, content, hours
def test_distinct_users_per_month_per_platform_and_overall(con):
    got = rows(con, "SELECT month, fiscal_year, platform, active_users, events, schools FROM platform_monthly_users")
    jan = date(2026, 1, 1)
    assert got == [
        (date(2025, 9, 1), 2568, "ELEARNING", 1, 1, 1),
        (date(2025, 9, 1), 2568, "ALL", 1, 1, 1),
        (date(2025, 10, 1), 2569, "ELEARNING", 1, 1, 1),
        (date(2025, 10, 1), 2569, "ALL", 1, 1, 1),
        (jan, 2569, "DLIT", 2, 3, 2),
        (jan, 2569, "DLTV", 3, 13, 2),
        (jan, 2569, "MEDIA", 1, 2, 0),  # a public user: no school
        (jan, 2569, "ALL", 5, 18, 2),  # user 1 used DLTV and DLIT: once, not 3 + 2 + 1
    ]


def test_top_content(con):
    got = rows(con, "SELECT month, platform, rank, content_id, views, downloads, quiz_submits, users, total_duration_s "
                    "FROM platform_top_content")
    jan = date(2026, 1, 1)
    assert got == [
        (date(2025, 10, 1), "ELEARNING", 1, "EL-ภาษาไทย-ป1", 1, 0, 0, 1, 600),
        (jan, "DLIT", 1, "DLIT-SCI-01", 1, 0, 0, 1, 700),
        (jan, "DLTV", 1, "DLTV-M1-001", 3, 0, 1, 2, 3600),
        (jan, "DLTV", 2, "DLTV-M1-002", 2, 1, 0, 2, 2730),
        (jan, "DLTV", 3, "DLTV-M1-003", 0, 1, 0, 1, 20),
        (jan, "MEDIA", 1, "MEDIA-คู่มือ-01", 0, 1, 0, 1, 45),
    ]


def test_top_content_keeps_twenty_per_month_and_platform():
    # 25 contents viewed 25, 24, ... 1 times in January on DLIT, and content 'z' once in February
    many = [(f"2026-01-{1 + k % 28:02d} 10:00:{k % 60:02d}", f"c{n:02d}", k) for n in range(25) for k in range(25 - n)]
    base = events().head(1)
    extra = pl.concat([
        base.with_columns(timestamp=pl.lit(datetime.fromisoformat(t)), platform=pl.lit("DLIT"),
                          event_type=pl.lit("view"), content_id=pl.lit(c), user_id=pl.lit(uid(100 + k)))
        for t, c, k in many
    ] + [base.with_columns(timestamp=pl.lit(datetime(2026, 2, 2, 9)), platform=pl.lit("DLIT"),
                           event_type=pl.lit("view"), content_id=pl.lit("z"))])
    con = district(events_frame=extra)
    try:
        jan = rows(con, "SELECT rank, content_id, views, users FROM platform_top_content "
                        "WHERE platform = 'DLIT' AND month = DATE '2026-01-01'")
        assert [r[0] for r in jan] == list(range(1, 21))
        assert [r[1] for r in jan] == [f"c{n:02d}" for n in range(20)]
        assert [r[2] for r in jan] == list(range(25, 5, -1)) and jan[0][3] == 25
        assert rows(con, "SELECT rank, content_id FROM platform_top_content WHERE month = DATE '2026-02-01'") == [(1, "z")]
    finally:
        con.close()


# What platform_top_content means, counted the plain way: distinct users for every content. The mart
# counts them only for contents that can reach a top 20; both must give the same rows.
TOP_CONTENT_EVERY_CONTENT = """
WITH per_content AS (
    SELECT date_trunc('month', e.timestamp)::DATE AS month, e.platform, e.content_id,
           count(*) FILTER (WHERE e.event_type = 'view') AS views,
           count(*) FILTER (WHERE e.event_type = 'download') AS downloads,
           count(*) FILTER (WHERE e.event_type = 'quiz_submit') AS quiz_submits,
           count(DISTINCT e.user_id) AS users,
           coalesce(sum(e.duration_s), 0)::BIGINT AS total_duration_s
    FROM platform_events e WHERE e.content_id IS NOT NULL GROUP BY ALL
)
SELECT month, (year(month + INTERVAL 3 MONTH) + 543)::INTEGER AS fiscal_year, platform,
       row_number() OVER (PARTITION BY month, platform
                          ORDER BY views DESC, downloads DESC, users DESC, content_id) AS rank,
       content_id, views, downloads, quiz_submits, users, total_duration_s
FROM per_content QUALIFY rank <= 20 ORDER BY month, platform, rank
"""

# Per content of a month and platform: views, downloads, quiz submissions (small numbers: ties are
# frequent, at the 20th place too) and which of 6 users made each event.
CONTENT = st.tuples(st.integers(0, 4), st.integers(0, 2), st.integers(0, 1), st.lists(st.integers(0, 5), min_size=7, max_size=7))


@settings(max_examples=100, deadline=None)
@given(st.lists(CONTENT, min_size=18, max_size=30), st.lists(CONTENT, min_size=0, max_size=25))
def test_top_content_counts_users_only_where_they_can_change_the_top_20(january, february):
    """Ties on views and downloads at the 20th place are broken by users, exactly as counting every
    content's users would break them."""
    rows_ = []
    for month, contents in ((datetime(2026, 1, 5, 9), january), (datetime(2026, 2, 3, 8), february)):
        for n, (views, downloads, quizzes, users) in enumerate(contents):
            kinds = ["view"] * views + ["download"] * downloads + ["quiz_submit"] * quizzes
            rows_ += [(month, "DLTV", f"สื่อ-{n:02d}", kind, uid(users[k]), 60 * k) for k, kind in enumerate(kinds)]
        rows_.append((month, "DLTV", None, "login", uid(0), None))  # not content
    frame = pl.DataFrame(rows_, schema={"timestamp": pl.Datetime("us"), "platform": pl.String, "content_id": pl.String,
                                        "event_type": pl.String, "user_id": pl.String, "duration_s": pl.Int64},
                         orient="row")
    con = duckdb.connect()
    try:
        con.register("platform_events", frame)
        assert con.execute(marts.sql("platform_top_content")).fetchall() == con.execute(TOP_CONTENT_EVERY_CONTENT).fetchall()
    finally:
        con.close()


def test_hourly(con):
    got = rows(con, "SELECT date, hour, weekday, platform, event_type, events, active_users FROM platform_hourly "
                    "WHERE platform IN ('DLTV', 'MEDIA') AND date >= DATE '2026-01-05' AND hour IN (8, 19)")
    jan5, jan6, jan7 = date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)
    assert got == [
        (jan5, 8, 1, "DLTV", "login", 1, 1),
        (jan5, 8, 1, "DLTV", "view", 2, 1),  # one user, two views
        (jan6, 8, 2, "DLTV", "login", 1, 1),
        (jan6, 8, 2, "DLTV", "view", 1, 1),
        (jan7, 19, 3, "MEDIA", "download", 1, 1),
        (jan7, 19, 3, "MEDIA", "login", 1, 1),
    ]
    assert rows(con, "SELECT sum(events) FROM platform_hourly") == rows(con, "SELECT count(*) FROM platform_events")
    # 30 Sep 2025 23:59 is a Tuesday at 23 h, 1 Oct 00:05 a Wednesday at 0 h (Thai time as written)
    assert rows(con, "SELECT date, hour, weekday FROM platform_hourly WHERE platform = 'ELEARNING'") == [
        (date(2025, 9, 30), 23, 2), (date(2025, 10, 1), 0, 3)]


# ---------------------------------------------------------------- schools
def test_active_schools_weekly(con):
    got = rows(con, "SELECT week_start, week_end, fiscal_year, platform, active_schools, register_schools, share_pct "
                    "FROM platform_active_schools_weekly")
    # data from Tue 30 Sep 2025 to Wed 7 Jan 2026: the first and the last week are partial
    complete = dict(rows(con, "SELECT DISTINCT week_start, complete FROM platform_active_schools_weekly"))
    assert sorted(w for w, c in complete.items() if not c) == [date(2025, 9, 29), date(2026, 1, 5)]
    assert sum(complete.values()) == 13
    weeks = sorted({r[0] for r in got})
    assert weeks[0] == date(2025, 9, 29) and weeks[-1] == date(2026, 1, 5) and len(weeks) == 15  # weeks without use too
    assert len(got) == 15 * 5  # DLIT, DLTV, ELEARNING, MEDIA and ALL every week
    by = {(r[0], r[3]): r for r in got}
    mon = date(2026, 1, 5)
    # A and B used DLTV and DLIT; D's daily row is all zeros (no use); MEDIA had public users only
    assert by[mon, "ALL"] == (mon, date(2026, 1, 11), 2569, "ALL", 2, 4, 50.0)
    assert [by[mon, p][4] for p in ("DLIT", "DLTV", "ELEARNING", "MEDIA")] == [2, 2, 0, 0]
    assert by[date(2025, 9, 29), "ALL"][2:] == (2568, "ALL", 1, 4, 25.0)
    assert by[date(2025, 10, 6), "ALL"][4:] == (0, 4, 0.0)
    assert [r[3] for r in got[:5]] == ["DLIT", "DLTV", "ELEARNING", "MEDIA", "ALL"]


def test_inactive_schools(con):
    got = rows(con, "SELECT as_of_date, window_start, school_code, school_name, district, last_active_date, days_inactive "
                    "FROM platform_inactive_schools")
    as_of, start = date(2026, 1, 7), date(2025, 12, 9)  # 30 days: 9 Dec .. 7 Jan, both included
    assert got == [
        (as_of, start, D, "โรงเรียนบ้านนา", "บ้านไผ่", None, None),  # a daily row of zeros is no use: never active
        (as_of, start, C, "โรงเรียนบ้านโคก", "บ้านไผ่", date(2025, 10, 1), 98),
    ]


def test_inactive_schools_window_edge_and_a_daily_file_alone():
    # C uses ELEARNING on 9 Dec 2025, the window's first day: active. No events at all otherwise.
    edge = events().filter(pl.col("platform") == "ELEARNING").with_columns(
        timestamp=pl.lit(datetime(2025, 12, 9, 7, 0)), school_code=pl.lit(C))
    con = district(events_frame=edge)
    try:
        assert rows(con, "SELECT school_code, last_active_date FROM platform_inactive_schools") == [(D, None)]
        con.execute("DELETE FROM platform_events")
        # the latest date then comes from the daily file alone; A and B are active in it
        assert rows(con, "SELECT as_of_date, school_code, last_active_date FROM platform_inactive_schools") == [
            (date(2026, 1, 7), C, None), (date(2026, 1, 7), D, None)]
    finally:
        con.close()


# ---------------------------------------------------------------- reconciliation
def test_reconciliation(con):
    got = rows(con, "SELECT date, fiscal_year, platform, daily_active_users, events_active_users, diff_active_users, "
                    "daily_sessions, events_sessions, diff_sessions, status FROM platform_reconciliation")
    jan5, jan6, jan7 = date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)
    assert got == [
        (date(2025, 9, 30), 2568, "ELEARNING", None, 1, None, None, 1, None, "events_only"),
        (date(2025, 10, 1), 2569, "ELEARNING", None, 1, None, None, 0, None, "events_only"),
        (jan5, 2569, "DLIT", None, 2, None, None, 2, None, "events_only"),
        (jan5, 2569, "DLTV", 3, 3, 0, 3, 3, 0, "match"),
        (jan6, 2569, "DLTV", 3, 2, 1, 4, 2, 2, "differs"),  # the public user and a second session not in events
        (jan7, 2569, "DLTV", 2, None, None, 5, None, None, "daily_only"),
        (jan7, 2569, "MEDIA", None, 1, None, None, 1, None, "events_only"),
    ]


def test_reconciliation_counts_a_user_once_a_day_even_at_two_schools():
    # user 3 also logs in at school A on the 5th: still 3 distinct users that day, now 4 logins
    more = pl.concat([events(), events().filter((pl.col("user_id") == uid(3)) & (pl.col("event_type") == "login")
                                                & (pl.col("timestamp") < datetime(2026, 1, 6)))
                     .with_columns(school_code=pl.lit(A), timestamp=pl.lit(datetime(2026, 1, 5, 15)))])
    con = district(events_frame=more)
    try:
        assert rows(con, "SELECT events_active_users, events_sessions, diff_active_users, diff_sessions, status "
                         "FROM platform_reconciliation WHERE platform = 'DLTV' AND date = DATE '2026-01-05'") == [
            (3, 4, 0, -1, "differs")]
    finally:
        con.close()


def test_no_platform_data_no_rows():
    con = district(events_frame=events().clear(), daily_frame=daily().clear())
    try:
        for name in PLATFORM_MARTS:
            assert rows(con, f"SELECT count(*) FROM {name}") == [(0,)], name
    finally:
        con.close()
