"""The digital platform page (การใช้งานดิจิทัลแพลตฟอร์ม) and the quality page's reconciliation tab, run
headless with Streamlit's AppTest.

Two warehouses:
- `hand_home`: the hand-made district of tests/warehouse/test_platform_marts.py (three tables, every
  figure worked out by hand), its platform marts published as a version: the page's numbers are
  asserted exactly, and the filters are exercised;
- `home`: the sample district through the real nightly run (tests/dashboards/conftest.py), with the
  platforms' event logs and daily files: the page is checked against the published marts with plain
  SQL, the reconciliation against the differences the generator planted (sample/expected.json), and no
  user id (raw or hashed) reaches the published file or the page.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import data, fmt
from dashboards import labels as L
from tests.dashboards.page_text import texts
from tests.dashboards.login import log_in
from pipelines import config
from warehouse import marts
from warehouse.contracts import get
from warehouse.publish import publish

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
PAGE = "app_pages/platform.py"
PLATFORM_MARTS = [m for m in marts.MARTS if m.startswith("platform_")]


def open_page(monkeypatch, home: config.Home, page: str = PAGE) -> AppTest:
    monkeypatch.setenv(config.ENV_HOME, str(home.root))
    at = log_in(AppTest.from_file(str(APP), default_timeout=60))
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e for e in at.error if e.value == L.SCHEMA_MISMATCH], [c.value for c in at.code]
    return at


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label or m.label.startswith(label)]
    assert found, f"no metric {label!r} in {[m.label for m in at.metric]}"
    return found[0]


def frame_with(at: AppTest, column: str):
    found = [d.value for d in [*at.dataframe, *at.table] if column in d.value.columns]
    assert found, f"no table with {column!r}"
    return found[0]




def chart_data(chart) -> pl.DataFrame:
    """The rows a Vega-Lite chart on the page was given (Streamlit sends them as Arrow IPC)."""
    frames = [pl.from_arrow(pa.ipc.open_stream(d.data.data).read_all()) for d in chart.proto.datasets]
    return pl.concat(frames, how="diagonal") if frames else pl.DataFrame()


def sql(home: config.Home, query: str, *params):
    with duckdb.connect(str(home.duckdb_path), read_only=True) as con:
        return con.execute(query, list(params)).fetchall()


# ================================================================ the hand-made district: exact figures
@pytest.fixture(scope="module")
def hand_home(tmp_path_factory) -> config.Home:
    from tests.warehouse.test_platform_marts import district

    con = district()
    try:
        tables = {m: con.execute(f"SELECT * FROM {m}").pl() for m in PLATFORM_MARTS}
    finally:
        con.close()
    home = config.home(tmp_path_factory.mktemp("platform_hand"))
    publish(home, tables)
    return home


@pytest.fixture(scope="module")
def no_platform_home(tmp_path_factory) -> config.Home:
    """A published version whose platform marts are empty (no platform file has arrived yet)."""
    from tests.warehouse.test_platform_marts import daily, district, events

    con = district(events_frame=events().clear(), daily_frame=daily().clear())
    try:
        tables = {m: con.execute(f"SELECT * FROM {m}").pl() for m in PLATFORM_MARTS}
    finally:
        con.close()
    home = config.home(tmp_path_factory.mktemp("platform_none"))
    publish(home, tables)
    return home


def test_default_view_the_last_90_days(monkeypatch, hand_home):
    at = open_page(monkeypatch, hand_home)
    assert at.title[0].value == L.PAGE_PLATFORM[0]
    assert at.sidebar.date_input(key="platform_range").value == (date(2025, 10, 10), date(2026, 1, 7))
    # 10 Oct 2025 .. 7 Jan 2026: DLIT 5 Jan from events, DLTV 5-7 Jan from its daily file, MEDIA 7 Jan;
    # the ELEARNING events of 30 Sep and 1 Oct are before the range
    assert metric(at, L.M_USER_DAYS) == "11"
    assert metric(at, L.M_SESSIONS) == "15"
    assert metric(at, L.M_MEDIA_VIEWS) == "10"
    assert metric(at, L.M_DOWNLOADS) == "5"
    assert metric(at, L.M_MONTH_USERS.format(month="ม.ค. 2569")) == "5"  # user 1 on two platforms: once
    # the last whole week in the range (29 Dec - 4 Jan) had no use; 5-11 Jan is partial (data ends on the 7th)
    assert metric(at, L.M_SCHOOLS_ACTIVE.format(week="29 ธ.ค. 2568")) == "0.0%"
    assert metric(at, L.M_INACTIVE) == "2"
    assert len(at.get("vega_lite_chart")) == 6  # day, month, heatmap, monthly users, top content, schools
    day = chart_data(at.get("vega_lite_chart")[0])
    assert day.height == 90 * 4  # every day of the range for every platform: a day without use is a zero
    assert day["active_users"].sum() == 11 and (day["active_users"] == 0).sum() == 90 * 4 - 5


def test_filters_platform_user_type_and_dates(monkeypatch, hand_home):
    at = open_page(monkeypatch, hand_home)
    at.sidebar.multiselect(key="platform_platforms").set_value(["DLTV"]).run()
    at.sidebar.multiselect(key="platform_user_types").set_value(["นักเรียน"]).run()
    assert not at.exception
    # DLTV students: school A on the 5th (2 users, 2 sessions) and 6th (1, 2), school D's zeros on the 7th
    assert [metric(at, m) for m in (L.M_USER_DAYS, L.M_SESSIONS, L.M_MEDIA_VIEWS, L.M_DOWNLOADS)] == ["3", "4", "4", "1"]
    assert metric(at, L.M_MONTH_USERS.format(month="ม.ค. 2569")) == "3"  # DLTV's own distinct users
    at.sidebar.multiselect(key="platform_user_types").set_value([L.USER_TYPE_UNKNOWN]).run()
    assert metric(at, L.M_USER_DAYS) == "0"  # DLTV's days all come from its daily file
    assert L.NO_USE_IN_RANGE in [i.value for i in at.info]
    at.sidebar.multiselect(key="platform_platforms").set_value([]).run()  # empty = every platform
    at.sidebar.date_input(key="platform_range").set_value((date(2025, 9, 30), date(2025, 10, 1))).run()
    assert [metric(at, m) for m in (L.M_USER_DAYS, L.M_SESSIONS, L.M_MEDIA_VIEWS)] == ["2", "1", "1"]  # ELEARNING


def test_month_trend_heatmap_and_distinct_users(monkeypatch, hand_home):
    at = open_page(monkeypatch, hand_home)
    months = frame_with(at, "user_type")  # the month table: whole months, so October's 1st is in
    assert list(months["month_th"].unique()) == ["ต.ค. 2568", "ม.ค. 2569"]
    jan = months[months["month_th"] == "ม.ค. 2569"]
    assert jan["active_users"].sum() == 11 and jan["sessions"].sum() == 15
    assert months[months["month_th"] == "ต.ค. 2568"][["platform", "user_type", "active_users"]].values.tolist() == [
        [L.platform_name("ELEARNING"), L.user_types()[L.USER_TYPE_UNKNOWN], 1]]
    users = frame_with(at, "month")  # distinct users per month, one column per platform
    row = users[users["month"] == "ม.ค. 2569"].iloc[0]
    assert row[L.ALL_PLATFORMS_TH] == 5 and row[L.platform_name("DLTV")] == 3 and row[L.platform_name("DLIT")] == 2
    heat = chart_data([c for c in at.get("vega_lite_chart") if "weekday_th" in c.proto.spec][0])
    assert heat.height == 7 * 24  # every weekday and hour, also those without events
    cells = {(r["weekday_th"], r["hour"]): r["events"] for r in heat.iter_rows(named=True)}
    # Monday 5 Jan: DLTV at 8 (login, 2 views), 9 (login, view, download), 10 (DLIT), 13 (B); MEDIA is Wednesday 19 h
    assert cells["จันทร์", 8] == 3 and cells["จันทร์", 9] == 3 and cells["จันทร์", 10] == 2
    assert cells["พุธ", 19] == 2 and cells["อาทิตย์", 8] == 0
    assert sum(cells.values()) == 18  # the events of 10 Oct - 7 Jan


def test_top_content_of_the_chosen_month(monkeypatch, hand_home):
    at = open_page(monkeypatch, hand_home)
    assert at.selectbox(key="platform_month").value == date(2026, 1, 1)
    top = frame_with(at, "content_id")
    assert list(top["content_id"]) == ["DLTV-M1-001", "DLTV-M1-002", "DLIT-SCI-01", "DLTV-M1-003", "MEDIA-คู่มือ-01"]
    assert list(top["views"]) == [3, 2, 1, 0, 0] and list(top["users"]) == [2, 2, 1, 1, 1]
    assert top["hours"].iloc[0] == pytest.approx(1.0)  # 3,600 s
    at.sidebar.date_input(key="platform_range").set_value((date(2025, 9, 1), date(2026, 1, 7))).run()
    at.selectbox(key="platform_month").set_value(date(2025, 10, 1)).run()
    assert list(frame_with(at, "content_id")["content_id"]) == ["EL-ภาษาไทย-ป1"]


def test_inactive_schools(monkeypatch, hand_home):
    at = open_page(monkeypatch, hand_home)
    table = frame_with(at, "last_active")
    assert list(table["school_code"]) == ["1010000004", "1010000003"]
    assert list(table["last_active"]) == [L.NEVER, "1 ต.ค. 2568"]
    assert list(table["days_inactive"].fillna(-1)) == [-1, 98]
    assert any("7 ม.ค. 2569" in c.value and "9 ธ.ค. 2568" in c.value for c in at.caption)  # as of, window start
    assert at.multiselect(key="platform_inactive_district").options == ["บ้านไผ่"]


def test_every_query_of_the_page_is_in_platform_queries(monkeypatch, hand_home):
    """The benchmark times data.PLATFORM_QUERIES: the page must run nothing else."""
    ran: list[tuple[str, tuple]] = []
    original = data._cached

    def recording(path, token, sql_text, params):
        ran.append((sql_text, params))
        return original(path, token, sql_text, params)

    monkeypatch.setattr(data, "_cached", recording)
    monkeypatch.setenv(config.ENV_HOME, str(hand_home.root))
    at = log_in(AppTest.from_file(str(APP), default_timeout=60))  # the overview page (no DLTV tables here: its own queries fail, and are not the platform page's)
    ran.clear()
    at.switch_page(PAGE).run()
    assert not at.exception
    at.sidebar.multiselect(key="platform_platforms").set_value(["DLTV", "DLIT"]).run()
    f = data.default_platform_filter(date(2025, 9, 30), date(2026, 1, 7), ["DLTV"], ["ครู"])
    known = {name: build(f)[0] for name, build in data.PLATFORM_QUERIES.items()}
    assert {s for s, _ in ran} == set(known.values())  # every one runs, and nothing else
    by_sql = {s: p for s, p in ran}
    assert by_sql[known["use_by_day"]][2] == ["DLTV", "DLIT"]  # the filter reaches the query as a parameter
    assert by_sql[known["monthly_users"]][2] == ["DLTV", "DLIT", L.ALL_PLATFORMS]


def test_no_platform_data_explains_in_thai(monkeypatch, no_platform_home):
    at = open_page(monkeypatch, no_platform_home)
    assert [i.value for i in at.info] == [L.NO_PLATFORM_DATA]
    assert not at.metric and not at.dataframe


def test_nothing_published_explains_in_thai(monkeypatch, empty_home):
    at = open_page(monkeypatch, empty_home)
    assert [i.value for i in at.info] == [L.NOT_PUBLISHED]


def test_labels_match_what_the_marts_write():
    text = "\n".join(marts.sql(m) for m in PLATFORM_MARTS)
    assert f"'{L.USER_TYPE_UNKNOWN}'" in text and f"'{L.PUBLIC_DISTRICT}'" in text and f"'{L.ALL_PLATFORMS}'" in text
    assert list(L.platforms()) == ["DLTV", "DLIT", "ELEARNING", "MEDIA"]
    assert L.thai_date(date(2026, 1, 5)) == "5 ม.ค. 2569" and L.thai_month(date(2025, 10, 1)) == "ต.ค. 2568"
    assert len(L.WEEKDAYS) == 7 and L.WEEKDAYS[0] == "จันทร์"


# ================================================================ the sample district, through the pipeline
def platform_truth(home: config.Home) -> dict:
    expected = json.loads((home.root / "sample" / "expected.json").read_text(encoding="utf-8"))
    assert "platform" in expected, "the sample district has no platform files"
    return expected["platform"]


def test_sample_page_matches_the_published_marts(monkeypatch, home):
    at = open_page(monkeypatch, home)
    first, last = sql(home, "SELECT min(date), max(date) FROM platform_reconciliation")[0]
    f = data.default_platform_filter(first, last, list(L.platforms()), list(L.user_types()))
    assert at.sidebar.date_input(key="platform_range").value == (f.start, f.end)
    sums = sql(home, "SELECT sum(active_users), sum(sessions), sum(media_views), sum(downloads) FROM platform_use_daily "
                     "WHERE date BETWEEN ? AND ?", f.start, f.end)[0]
    for label, value in zip((L.M_USER_DAYS, L.M_SESSIONS, L.M_MEDIA_VIEWS, L.M_DOWNLOADS), sums, strict=True):
        assert metric(at, label) == fmt.number(value or 0), label
    month, users = sql(home, "SELECT month, active_users FROM platform_monthly_users WHERE platform = 'ALL' "
                             "AND month <= ? ORDER BY month DESC LIMIT 1", f.end)[0]
    assert metric(at, L.M_MONTH_USERS.format(month=L.thai_month(month))) == fmt.number(users)
    inactive = sql(home, "SELECT count(*) FROM platform_inactive_schools")[0][0]
    assert metric(at, L.M_INACTIVE) == fmt.number(inactive)
    assert len(at.get("vega_lite_chart")) == 6
    assert not [i for i in at.info if i.value == L.NO_USE_IN_RANGE]


def test_sample_reconciliation_finds_exactly_the_planted_differences(monkeypatch, home):
    truth = platform_truth(home)
    planted = {(d["platform"], date.fromisoformat(d["date"])) for d in truth["reconciliation_differences"]}
    differs = set(sql(home, "SELECT platform, date FROM platform_reconciliation WHERE status = 'differs'"))
    assert differs == planted
    for d in truth["reconciliation_differences"]:
        got = sql(home, "SELECT diff_active_users, diff_sessions FROM platform_reconciliation WHERE platform = ? "
                        "AND date = ?", d["platform"], date.fromisoformat(d["date"]))[0]
        assert got == (d["active_users"], d["sessions"]), d
    assert sql(home, "SELECT count(*) FROM platform_reconciliation WHERE status = 'daily_only'") == [(0,)]
    # the quality page's tab, for the fiscal year of the differences
    period = sql(home, "SELECT max(fiscal_year) FROM platform_reconciliation WHERE status = 'differs'")[0][0]
    monkeypatch.setenv(config.ENV_HOME, str(home.root))
    at = open_page(monkeypatch, home, "app_pages/quality.py")
    at.sidebar.selectbox(key="quality_period").set_value(period).run()
    assert not at.exception
    n = sql(home, "SELECT count(*) FROM platform_reconciliation WHERE status = 'differs' AND fiscal_year = ?", period)
    assert metric(at, f"{L.RECONCILIATION_STATUSES['differs']} ({L.N_DAYS})") == fmt.number(n[0][0])
    off = frame_with(at, "diff_sessions")
    assert set(off["status"]) <= set(L.RECONCILIATION_STATUSES.values()) - {L.RECONCILIATION_STATUSES["match"]}
    assert len([c for c in at.get("vega_lite_chart") if "diff_active_users" in c.proto.spec]) == 1


def raw_user_ids(home: config.Home, n: int = 200) -> set[str]:
    """User ids as the platforms wrote them, read from the landing zone's Parquet event logs (the column
    found by the contract's header aliases)."""
    column = get("platform_events").column("user_id")
    names = {x.strip().lower() for x in (column.name, column.th, *column.aliases)}
    ids: set[str] = set()
    for path in sorted((home.landing / "platform").rglob("*.parquet")):
        frame = pl.read_parquet(path)
        found = [c for c in frame.columns if c.strip().lower() in names]
        if found:
            ids |= set(frame[found[0]].drop_nulls().unique(maintain_order=True).head(n).to_list())
    return ids


def test_sample_no_user_id_in_the_published_warehouse_or_on_the_page(monkeypatch, home):
    platform_truth(home)
    columns = sql(home, "SELECT table_name, column_name FROM duckdb_columns() WHERE column_name ILIKE '%user_id%'")
    assert columns == []
    tables = {t for (t,) in sql(home, "SELECT table_name FROM duckdb_tables()")}
    assert not tables & {"platform_events", "platform_events_history"}  # event rows stay in the lake
    assert set(PLATFORM_MARTS) <= tables
    shown = texts(open_page(monkeypatch, home))
    raw = raw_user_ids(home)
    assert len(raw) > 10, "the sample's event logs name users"
    assert not [u for u in raw if u in shown]
    assert not re.search(r"\b[0-9a-f]{64}\b", shown)  # nor a keyed hash of one (HMAC-SHA256, hex)


def test_sample_every_page_query_under_the_door(home):
    """benchmarks/platform_queries.measure runs every query of the page through the door (timed for real
    at 1M and 10M events by the platform benchmark)."""
    from benchmarks.platform_queries import measure

    result = measure(home, repeats=2)
    names = set(data.PLATFORM_QUERIES)
    assert names <= set(result) and "door_open" in result
    assert {n.split("@")[0] for n in result} == names | {"door_open"}
    for r in result.values():
        assert r["p50_ms"] > 0 and r["p95_ms"] >= r["p50_ms"] and r["rows"] >= 0
    assert result["bounds"]["rows"] == 1 and result["use_by_day"]["rows"] > 0
