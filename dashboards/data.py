"""Every query the dashboards run against the published warehouse, cached per warehouse version.

Why it is shaped this way:
- Every query goes through the one SQL door, `warehouse.read` (the same fence as `khlang sql`: a
  private read-only connection with no file access, no personal columns, a time and a memory limit).
  Each query opens its own short-lived door connection on the version current at that moment and
  never keeps one: DuckDB connections must not be shared across Streamlit's script threads.
- Each version has its own immutable file (`warehouse/versions/<v>/khlang.duckdb`). Results are
  cached for 60 s *and* keyed on that file's identity, so a new version shows up at the next rerun
  instead of after the TTL, and old entries simply age out.
- Queries name their columns; the published files hold no personal data (reporter_name,
  reporter_phone), and the door refuses a file that does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import streamlit as st

from pipelines import config
from warehouse import read
from warehouse.contracts import contracts, get, lists
from warehouse.publish import NotPublished, published_duckdb


def current_home() -> config.Home:
    """The data root every query reads, decided on every call by dashboards.access (`session_home`): the
    logged-in user's office's (on a national root its folder `offices/<code>/`); with nobody logged in, or
    outside a Streamlit session, the data root found as always ($KHLANG_HOME, ...: tests and the CLI switch
    it). Raises access.OfficeRefused for a user whose office may read nothing here."""
    from dashboards import access  # access imports this module

    return access.session_home()


def version_token(home: config.Home) -> str | None:
    """Identity of the published version's file, or None when nothing is published yet."""
    found = _current_file(home)
    return found[1] if found else None


def _current_file(home: config.Home) -> tuple[Path, str] | None:
    """The current version's DuckDB file and its identity (version, mtime, inode, size)."""
    try:
        path = published_duckdb(home)
        s = os.stat(path)
    except FileNotFoundError:  # NotPublished, or a ledger naming a file not there
        return None
    return path, f"{path.parent.name}-{s.st_mtime_ns}-{s.st_ino}-{s.st_size}"


@st.cache_data(ttl=60, show_spinner=False, max_entries=256)
def _cached(path: str, token: str, sql: str, params: tuple) -> pl.DataFrame:
    del token  # part of the cache key only
    with read.Door(Path(path)) as door:  # exactly the version the token names
        return door.query(sql, list(params))


# The door every query of this module goes through instead of the current version, inside `reading`.
_PINNED: ContextVar[read.Door | None] = ContextVar("dashboards_data_door", default=None)


@contextmanager
def reading(door: read.Door) -> Iterator[read.Door]:
    """Inside the block, every query of this module runs through `door` (one version's file, not cached)
    instead of the current version: the director's PDF report (warehouse/report) reads the pages' own
    figures from exactly the version it names, all of them from that one file."""
    token = _PINNED.set(door)
    try:
        yield door
    finally:
        _PINNED.reset(token)


def q(sql: str, *params) -> pl.DataFrame:
    """Run a read-only query through the door on the current version (raises NotPublished, read.DoorError),
    or through the door `reading` pinned."""
    pinned = _PINNED.get()
    if pinned is not None:
        return pinned.query(sql, list(params))
    home = current_home()
    found = _current_file(home)
    if found is None:
        raise NotPublished(home)
    return _cached(str(found[0]), found[1], sql, params)


def scalar(sql: str, *params):
    df = q(sql, *params)
    return df.item(0, 0) if df.height else None


# ---------------------------------------------------------------- warehouse and periods
INFO_SQL = "SELECT version, published_at FROM warehouse_info LIMIT 1"


def info() -> dict:
    """version and published_at (a tz-aware datetime) of the published warehouse."""
    return q(INFO_SQL).row(0, named=True)


def fiscal_years() -> list[int]:
    """BE fiscal years that have DLTV data or a DLTV coverage figure, newest first."""
    return q(
        "SELECT DISTINCT fiscal_year AS y FROM dltv_equipment UNION "
        "SELECT DISTINCT fiscal_year FROM dltv_needs UNION "
        "SELECT DISTINCT period FROM coverage WHERE rule_id = 'COV-01' ORDER BY y DESC"
    ).drop_nulls()["y"].to_list()


# The quality page's "no period" choice: the register (no period) and files whose year cannot be told.
NO_PERIOD = 0


def _period(period: int) -> int | None:
    """SQL parameter of a quality-page period (`period IS NOT DISTINCT FROM ?`): NULL for NO_PERIOD."""
    return None if period == NO_PERIOD else period


def periods() -> list[int]:
    """Periods (BE years) with rule results, files or coverage, newest first; NO_PERIOD last when the
    register or a file of no known year is there."""
    found = q(
        "SELECT DISTINCT period AS p FROM rule_results UNION "
        "SELECT DISTINCT period FROM file_accounting_by_period UNION "
        "SELECT DISTINCT period FROM coverage ORDER BY p DESC NULLS LAST"
    )["p"].to_list()
    return [NO_PERIOD if p is None else p for p in found]


def latest_accepted_period() -> int | None:
    """The newest period with accepted (valid or flagged) rows: where the quality page opens. A newer
    period may hold only quarantined rows (a platform row dated in the future) and is still a choice."""
    return q("SELECT max(period) AS p FROM file_accounting_by_period WHERE valid + flagged > 0")["p"][0]


# ---------------------------------------------------------------- overview
def register_counts() -> dict:
    """Register schools, the DLTV-eligible ones, and their students (the register's students_total)."""
    return q(
        "SELECT count(*) AS schools, count(*) FILTER (WHERE dltv_eligible) AS eligible, "
        "sum(students_total)::BIGINT AS students FROM school_profile"
    ).row(0, named=True)


def coverage(period: int) -> pl.DataFrame:
    return q(
        "SELECT rule_id, survey, survey_th, period, part, population, submitted, missing, rejected, not_sent, "
        "coverage_pct FROM coverage WHERE period = ? ORDER BY rule_id, part",
        period,
    )


def coverage_by_district(rule_id: str, period: int) -> pl.DataFrame:
    """Coverage of one entry per district, the districts with the most schools missing first."""
    return q(
        "SELECT district, population, submitted, missing, rejected, not_sent, coverage_pct "
        "FROM coverage_by_district WHERE rule_id = ? AND period = ? ORDER BY missing DESC, district",
        rule_id, period,
    )


def pass_rate(period: int) -> float | None:
    """Share of a period's input rows that were not quarantined (0–100)."""
    return scalar(
        "SELECT 100.0 * sum(rows_in - quarantined) / nullif(sum(rows_in), 0) FROM file_accounting_by_period "
        "WHERE period IS NOT DISTINCT FROM ?",
        _period(period),
    )


def allocation_vs_need(year: int) -> pl.DataFrame:
    """allocation_vs_need rows (district x item) of one fiscal year."""
    return q(
        "SELECT district, item, item_th, allocated_qty::BIGINT AS allocated_qty, allocated_baht, "
        "requested_replace::BIGINT AS requested_replace, requested_repair::BIGINT AS requested_repair, "
        "est_need_baht FROM allocation_vs_need WHERE fiscal_year = ? ORDER BY district, item",
        year,
    )


def allocation_vs_need_by_item(year: int) -> pl.DataFrame:
    """allocation_vs_need summed over districts, in contract item order."""
    df = q(
        "SELECT item, sum(allocated_qty)::BIGINT AS allocated_qty, sum(allocated_baht) AS allocated_baht, "
        "sum(requested_replace)::BIGINT AS requested_replace, sum(requested_repair)::BIGINT AS requested_repair, "
        "sum(est_need_baht) AS est_need_baht FROM allocation_vs_need WHERE fiscal_year = ? GROUP BY item",
        year,
    )
    return _in_item_order(df)


def needs(year: int) -> pl.DataFrame:
    """dltv_needs rows (district x item) of one fiscal year."""
    return q(
        "SELECT district, item, item_th, schools, total, working, broken, request_replace, "
        "request_repair, unit_price_baht, est_cost_baht FROM dltv_needs WHERE fiscal_year = ? "
        "ORDER BY district, item",
        year,
    )


def needs_by_item(year: int) -> pl.DataFrame:
    """dltv_needs summed over districts, in contract item order."""
    df = q(
        "SELECT item, sum(schools) AS schools, sum(total) AS total, sum(broken) AS broken, "
        "sum(request_replace) AS request_replace, sum(request_repair) AS request_repair, "
        "max(unit_price_baht) AS unit_price_baht, sum(est_cost_baht) AS est_cost_baht "
        "FROM dltv_needs WHERE fiscal_year = ? GROUP BY item",
        year,
    )
    return _in_item_order(df)


def _in_item_order(df: pl.DataFrame) -> pl.DataFrame:
    order = {i.key: n for n, i in enumerate(lists()["dltv_items"])}
    th = {i.key: i.th for i in lists()["dltv_items"]}
    return (
        df.with_columns(
            pl.col("item").replace_strict(th, default=pl.col("item")).alias("item_th"),
            pl.col("item").replace_strict(order, default=len(order)).alias("_order"),
        )
        .sort("_order")
        .drop("_order")
    )


# ---------------------------------------------------------------- DLTV schools
def request_columns() -> list[str]:
    return [f"{i.key}_{s}" for i in lists()["dltv_items"] for s in ("request_replace", "request_repair")]


def dltv_schools(year: int) -> pl.DataFrame:
    """Current DLTV survey rows of a year with the register's district. No personal data."""
    requests = ", ".join(f"e.{c}" for c in request_columns())
    return q(
        "SELECT e.school_code, coalesce(s.school_name, e.school_name) AS school_name, s.district, "
        f"e.fiscal_year, e.dltv_classrooms, {requests}, e.outcome, e.rule_ids "
        "FROM dltv_equipment e LEFT JOIN schools s USING (school_code) "
        "WHERE e.fiscal_year = ? ORDER BY s.district, e.school_code",
        year,
    )


# ---------------------------------------------------------------- digital platforms (contract 3.4)
# Every query of the platform page is built here, from its filters, by one function of PLATFORM_QUERIES
# (name -> filters -> (sql, params)): the page runs them through `q`, and benchmarks/platform_queries.py
# runs the very same (sql, params) through the door to time them. They read the platform marts only
# (a few thousand to a few million rows at 10M events), never events: the event rows are not published.
Query = tuple[str, tuple]


@dataclass(frozen=True)
class PlatformFilter:
    """The platform page's filters: a date range (both days included), platform keys and user types
    (never empty: "all" is every key), and the month whose top content is shown."""

    start: date
    end: date
    platforms: tuple[str, ...]
    user_types: tuple[str, ...]
    month: date | None = None

    def with_all(self) -> list[str]:
        """The chosen platforms and the marts' any-platform line (ALL)."""
        return [*self.platforms, "ALL"]


def default_platform_filter(first: date, last: date, platforms: list[str], user_types: list[str],
                            days: int = 90) -> PlatformFilter:
    """What the page shows first: the last `days` days with data, every platform and user type."""
    return PlatformFilter(max(first, last - timedelta(days=days - 1)), last, tuple(platforms), tuple(user_types),
                          month=last.replace(day=1))


def _info_query(f: PlatformFilter | None = None) -> Query:
    return INFO_SQL, ()


def _bounds_query(f: PlatformFilter | None = None) -> Query:
    # platform_reconciliation has one row per platform and day of either source: small, and every day
    return ("SELECT min(date) AS first, max(date) AS last, list_sort(list_distinct(list(platform))) AS platforms "
            "FROM platform_reconciliation"), ()


def _use_by_day_query(f: PlatformFilter) -> Query:
    return (
        "SELECT date, platform, sum(active_users)::BIGINT AS active_users, sum(sessions)::BIGINT AS sessions, "
        "sum(media_views)::BIGINT AS media_views, sum(downloads)::BIGINT AS downloads "
        "FROM platform_use_by_day WHERE date BETWEEN ? AND ? AND list_contains(?::VARCHAR[], platform) "
        "AND list_contains(?::VARCHAR[], user_type) GROUP BY date, platform ORDER BY date, platform",
        (f.start, f.end, list(f.platforms), list(f.user_types)),
    )


def _use_by_month_query(f: PlatformFilter) -> Query:
    # whole months: every day of each month that the range touches
    return (
        "SELECT month, platform, user_type, sum(active_users)::BIGINT AS active_users, "
        "sum(sessions)::BIGINT AS sessions, sum(media_views)::BIGINT AS media_views, "
        "sum(downloads)::BIGINT AS downloads FROM platform_use_by_day "
        "WHERE month BETWEEN date_trunc('month', ?::DATE) AND ? AND list_contains(?::VARCHAR[], platform) "
        "AND list_contains(?::VARCHAR[], user_type) GROUP BY month, platform, user_type "
        "ORDER BY month, platform, user_type",
        (f.start, f.end, list(f.platforms), list(f.user_types)),
    )


def _heatmap_query(f: PlatformFilter) -> Query:
    return (
        "SELECT weekday, hour, sum(events)::BIGINT AS events, count(DISTINCT date) AS days "
        "FROM platform_hourly WHERE date BETWEEN ? AND ? AND list_contains(?::VARCHAR[], platform) "
        "GROUP BY weekday, hour ORDER BY weekday, hour",
        (f.start, f.end, list(f.platforms)),
    )


def _monthly_users_query(f: PlatformFilter) -> Query:
    return (
        "SELECT month, platform, active_users, events, schools FROM platform_monthly_users "
        "WHERE month BETWEEN date_trunc('month', ?::DATE) AND ? AND list_contains(?::VARCHAR[], platform) "
        "ORDER BY month, platform = 'ALL', platform",
        (f.start, f.end, f.with_all()),
    )


def _top_content_query(f: PlatformFilter) -> Query:
    return (
        "SELECT platform, content_id, views, downloads, quiz_submits, users, total_duration_s "
        "FROM platform_top_content WHERE month = ? AND list_contains(?::VARCHAR[], platform) "
        "ORDER BY views DESC, downloads DESC, users DESC, platform, content_id LIMIT 20",
        (f.month or f.end.replace(day=1), list(f.platforms)),
    )


def _schools_weekly_query(f: PlatformFilter) -> Query:
    return (
        "SELECT week_start, week_end, platform, active_schools, register_schools, share_pct, complete "
        "FROM platform_active_schools_weekly WHERE week_start BETWEEN date_trunc('week', ?::DATE) AND ? "
        "AND list_contains(?::VARCHAR[], platform) ORDER BY week_start, platform = 'ALL', platform",
        (f.start, f.end, f.with_all()),
    )


def _inactive_schools_query(f: PlatformFilter | None = None) -> Query:
    return (
        "SELECT as_of_date, window_start, school_code, school_name, district, subdistrict, size_class, "
        "students_total, is_dltv_school, last_active_date, days_inactive FROM platform_inactive_schools "
        "ORDER BY district, last_active_date NULLS FIRST, school_code"
    ), ()


PLATFORM_QUERIES: dict[str, Callable[[PlatformFilter], Query]] = {
    "warehouse_info": _info_query,
    "bounds": _bounds_query,
    "use_by_day": _use_by_day_query,
    "use_by_month": _use_by_month_query,
    "heatmap": _heatmap_query,
    "monthly_users": _monthly_users_query,
    "top_content": _top_content_query,
    "schools_weekly": _schools_weekly_query,
    "inactive_schools": _inactive_schools_query,
}


def run(query: Query) -> pl.DataFrame:
    """Run one (sql, params) of PLATFORM_QUERIES through `q` (the door, cached by version)."""
    sql, params = query
    return q(sql, *params)


def platform_bounds() -> dict:
    """first and last day with platform data (NULL before any) and the platforms seen."""
    return run(_bounds_query()).row(0, named=True)


def platform_use_by_day(f: PlatformFilter) -> pl.DataFrame:
    """Use per day and platform (daily file where it exists, else events), summed over schools and the
    chosen user types: active_users are user-days."""
    return run(_use_by_day_query(f))


def platform_use_by_month(f: PlatformFilter) -> pl.DataFrame:
    """Use per month, platform and user type, whole months overlapping the range."""
    return run(_use_by_month_query(f))


def platform_heatmap(f: PlatformFilter) -> pl.DataFrame:
    """Events per ISO weekday (1 = Monday) and hour over the range and platforms, and on how many days."""
    return run(_heatmap_query(f))


def platform_monthly_users(f: PlatformFilter) -> pl.DataFrame:
    """Distinct users per month of the range, per chosen platform and for all platforms (ALL)."""
    return run(_monthly_users_query(f))


def platform_top_content(f: PlatformFilter) -> pl.DataFrame:
    """The 20 most viewed contents of `f.month` over the chosen platforms."""
    return run(_top_content_query(f))


def platform_schools_weekly(f: PlatformFilter) -> pl.DataFrame:
    """Register schools active per week of the range, per chosen platform and for any platform (ALL)."""
    return run(_schools_weekly_query(f))


def platform_inactive_schools() -> pl.DataFrame:
    """Register schools without any platform use in the 30 days up to the latest date with data."""
    return run(_inactive_schools_query())


def platform_reconciliation(period: int) -> pl.DataFrame:
    """Daily file against event log per platform and day of one fiscal year (the data quality page)."""
    return q(
        "SELECT date, platform, daily_active_users, events_active_users, diff_active_users, daily_sessions, "
        "events_sessions, diff_sessions, status FROM platform_reconciliation WHERE fiscal_year = ? "
        "ORDER BY date, platform",
        period,
    )


# ---------------------------------------------------------------- DLIT use (contract 3.3)
# The DLIT page reads dlit_usage (the current valid and flagged rows), the dlit_adoption mart and the
# COV-02 lines of the coverage views, whose `part` is the semester as text.
def dlit_coverage_rule() -> str:
    """The DLIT coverage entry's id (COV-02), from the contract rather than typed here."""
    return get("dlit_usage").coverage[0].id


def _dlit_service_counts(prefix: str = "d.") -> str:
    """`count(*) FILTER (d.uses_classroom) AS uses_classroom, ...` for the contract's five services."""
    return ", ".join(f"count(*) FILTER ({prefix}{s}) AS {s}" for s in dlit_service_columns())


def dlit_service_columns() -> list[str]:
    """The five service tick columns of dlit_usage, in contract order."""
    return [c.name for c in get("dlit_usage").columns if c.type == "bool"]


def dlit_terms() -> pl.DataFrame:
    """One row per academic year and semester that has DLIT rows or a COV-02 line, oldest first: COV-02
    (population, submitted, missing, rejected, not_sent, coverage_pct) beside the area's figures (schools
    reporting, teachers in total and using, the share, schools using each service, means of hours,
    internet speed and satisfaction). The figures are computed over the rows, not summed from the
    per-district mart, because a mean over the area cannot be rebuilt from the districts' rounded means;
    the rows are the mart's (register schools), so its districts add up to these totals."""
    return q(
        "WITH use AS (SELECT d.academic_year, d.semester, count(*) AS schools_reporting, "
        "sum(d.teachers_total)::BIGINT AS teachers_total, sum(d.teachers_using)::BIGINT AS teachers_using, "
        "100.0 * sum(d.teachers_using) / nullif(sum(d.teachers_total), 0) AS teachers_using_pct, "
        f"count(*) FILTER (d.teachers_using > 0) AS schools_using, {_dlit_service_counts()}, "
        "avg(d.hours_per_week) AS mean_hours_per_week, avg(d.internet_mbps) AS mean_internet_mbps, "
        "avg(d.satisfaction) AS mean_satisfaction "
        "FROM dlit_usage d JOIN schools s USING (school_code) GROUP BY ALL), "
        "cov AS (SELECT period AS academic_year, TRY_CAST(part AS BIGINT) AS semester, population, submitted, "
        "missing, rejected, not_sent, coverage_pct FROM coverage WHERE rule_id = ?) "
        "SELECT * FROM cov FULL JOIN use USING (academic_year, semester) "
        "WHERE academic_year IS NOT NULL AND semester IS NOT NULL ORDER BY academic_year, semester",
        dlit_coverage_rule(),
    )


def term_before(year: int, semester: int) -> tuple[int, int]:
    """The semester just before (`year`, `semester`): the year's earlier semester, or the last semester of
    the year before (the semesters are COV-02's values, 1 and 2)."""
    values = list(get("dlit_usage").coverage[0].values)
    return (year, values[values.index(semester) - 1]) if semester in values[1:] else (year - 1, values[-1])


def term_row(terms: pl.DataFrame, year: int, semester: int) -> dict | None:
    """One semester's row of `dlit_terms`, or None when the warehouse has nothing of it."""
    found = terms.filter((pl.col("academic_year") == year) & (pl.col("semester") == semester))
    return found.row(0, named=True) if found.height else None


def dlit_adoption(year: int) -> pl.DataFrame:
    """dlit_adoption rows (semester x district) of one academic year."""
    return q(
        "SELECT academic_year, semester, district, schools_reporting, teachers_total::BIGINT AS teachers_total, "
        "teachers_using::BIGINT AS teachers_using, "
        "teachers_using_pct, schools_using, mean_hours_per_week, mean_internet_mbps, mean_satisfaction "
        "FROM dlit_adoption WHERE academic_year = ? ORDER BY semester, district",
        year,
    )


def dlit_schools(year: int, semester: int) -> pl.DataFrame:
    """Current DLIT rows of one semester with the register's name and district, the five services as
    ticks and how many were ticked. No personal data."""
    services = ", ".join(f"d.{s}" for s in dlit_service_columns())
    ticked = " + ".join(f"coalesce(d.{s}, false)::INTEGER" for s in dlit_service_columns())
    return q(
        "SELECT d.school_code, coalesce(s.school_name, d.school_name) AS school_name, s.district, "
        f"d.teachers_total, d.teachers_using, {services}, {ticked} AS services_used, d.hours_per_week, "
        "d.internet_mbps, d.satisfaction, d.outcome, d.rule_ids "
        "FROM dlit_usage d LEFT JOIN schools s USING (school_code) "
        "WHERE d.academic_year = ? AND d.semester = ? ORDER BY s.district, d.school_code",
        year, semester,
    )


def dlit_missing(year: int, semester: int) -> pl.DataFrame:
    """Register schools without an accepted DLIT row for one semester (COV-02): sent nothing, or sent
    only rows that were quarantined, with the rules and files behind the rejection."""
    return q(
        "SELECT school_code, school_name, district, students_total, status, rejected_rows, rejected_rule_ids, "
        "rejected_files FROM missing_submissions WHERE rule_id = ? AND period = ? AND part = ? "
        "ORDER BY status = 'not_sent', district, school_code",
        dlit_coverage_rule(), year, str(semester),
    )


# ---------------------------------------------------------------- data quality
def rule_results(period: int) -> pl.DataFrame:
    """Rule results of one period (NO_PERIOD: the register's, which has none)."""
    return q(
        "SELECT table_name, period, rule_id, severity, rule_th, rows_checked, rows_failed, pass_rate "
        "FROM rule_results WHERE period IS NOT DISTINCT FROM ? ORDER BY table_name, rule_id",
        _period(period),
    )


def files(period: int) -> pl.DataFrame:
    """Per file and table, the rows of one period and what became of them, with per-file errors and
    skipped entries (error_kind 'skipped'); see file_accounting_by_period for how a file gets a period."""
    return q(
        "SELECT source_file, table_name, period_from, rows_in, valid, flagged, quarantined, superseded, "
        "pass_rate, error_kind, error_th, error_sheet, error_row, error_column "
        "FROM file_accounting_by_period WHERE period IS NOT DISTINCT FROM ? "
        "ORDER BY arrival_seq NULLS LAST, source_file, table_name",
        _period(period),
    )


def file_summary(period: int) -> dict:
    """rows_in, quarantined, file_errors (files rejected whole, skipped entries not counted) and skipped
    (landing entries not read) of one period."""
    return q(
        "SELECT coalesce(sum(rows_in), 0)::BIGINT AS rows_in, coalesce(sum(quarantined), 0)::BIGINT AS quarantined, "
        "count(DISTINCT source_file) FILTER (error_kind IS NOT NULL AND error_kind <> 'skipped') AS file_errors, "
        "count(DISTINCT source_file) FILTER (error_kind = 'skipped') AS skipped "
        "FROM file_accounting_by_period WHERE period IS NOT DISTINCT FROM ?",
        _period(period),
    ).row(0, named=True)


def quarantine(period: int) -> pl.DataFrame:
    return q(
        "SELECT table_name, period, source_file, sheet, row_number, school_code, rule_ids, reason_th "
        "FROM quarantine WHERE period IS NOT DISTINCT FROM ? ORDER BY table_name, source_file, sheet, row_number",
        _period(period),
    )


def missing_submissions(period: int) -> pl.DataFrame:
    return q(
        "SELECT rule_id, survey, part, school_code, school_name, district, students_total, status, rejected_rows, "
        "rejected_rule_ids, rejected_files "
        "FROM missing_submissions WHERE period = ? ORDER BY survey, part, district, school_code",
        period,
    )


def data_docs_url() -> str | None:
    """The HTTP address `khlang serve` serves the GX Data Docs at, from the environment; None when the
    Data Docs are not being served. Never a file:// URL: a browser elsewhere cannot open one."""
    url = os.environ.get(config.ENV_DOCS_URL, "").strip()
    return url if url.startswith(("http://", "https://")) else None


def data_docs_path(home: config.Home) -> Path | None:
    """The GX Data Docs index on the warehouse machine, once a run has built it."""
    return home.data_docs if home.data_docs.exists() else None


def csv_bytes(df: pl.DataFrame) -> bytes:
    """CSV in UTF-8 with a BOM: Excel on a Thai Windows PC opens it with Thai intact (lists as JSON)."""
    return "\ufeff".encode() + read.csv_text(df).encode("utf-8")


# ---------------------------------------------------------------- the four areas (contract 3.5, app_pages/admin.py)
# The four-area page reads the marts of warehouse/marts (students_by_grade, onet_by_subject, onet_by_school,
# budget_by_category, teacher_shortage, infrastructure, infrastructure_by_district) and the COV-03 lines of
# the coverage views. The staff roster (admin_staff) is never read: its citizen IDs are personal data.
def _keys(list_name: str) -> list[str]:
    """A contract list's keys in contract order: the ORDER BY of rows keyed by it (grades, subjects, ...)."""
    return [i.key for i in lists()[list_name]]


def admin_coverage_rule() -> str:
    """The four-area coverage entry's id (COV-03), from the contract rather than typed here."""
    return get("admin_academic").coverage[0].id


def admin_academic_years() -> list[int]:
    """BE academic years with a current row of the academic, personnel or general sheet, or a COV-03 line,
    newest first."""
    return q(
        "SELECT DISTINCT academic_year AS y FROM admin_academic UNION "
        "SELECT DISTINCT academic_year FROM admin_personnel UNION "
        "SELECT DISTINCT academic_year FROM admin_general UNION "
        "SELECT DISTINCT period FROM coverage WHERE rule_id = ? ORDER BY y DESC",
        admin_coverage_rule(),
    ).drop_nulls()["y"].to_list()


def admin_fiscal_years() -> list[int]:
    """BE fiscal years of the budget sheet's current rows, newest first."""
    return q("SELECT DISTINCT fiscal_year AS y FROM admin_budget ORDER BY y DESC").drop_nulls()["y"].to_list()


def admin_coverage(year: int) -> dict | None:
    """COV-03 of one academic year (population, submitted, rejected, not_sent, coverage_pct), or None."""
    df = q("SELECT population, submitted, missing, rejected, not_sent, coverage_pct FROM coverage "
           "WHERE rule_id = ? AND period = ?", admin_coverage_rule(), year)
    return df.row(0, named=True) if df.height else None


def students_by_grade(year: int) -> pl.DataFrame:
    """students_by_grade rows (district x grade) of one academic year, grades in contract order."""
    return q(
        "SELECT district, grade, grade_th, grade_order, schools, male, female, total FROM students_by_grade "
        "WHERE academic_year = ? ORDER BY grade_order, district",
        year,
    )


def onet_by_subject(year: int) -> pl.DataFrame:
    """onet_by_subject rows (level x subject x district) of one academic year, in contract order."""
    return q(
        "SELECT level, level_th, subject, subject_th, district, schools, mean_score, area_schools, area_mean, "
        "diff_from_area FROM onet_by_subject WHERE academic_year = ?",
        year,
    )


def onet_by_school(year: int, level: str) -> pl.DataFrame:
    """Each school's O-NET scores of one academic year and level, against its district's and the area's means."""
    return q(
        "SELECT school_code, school_name, district, subject, subject_th, score, district_mean, diff_from_district, "
        "area_mean, diff_from_area FROM onet_by_school WHERE academic_year = ? AND level = ? "
        "ORDER BY district, school_code, list_position(?::VARCHAR[], subject)",
        year, level, _keys("onet_subjects"),
    )


def budget_by_category(year: int) -> pl.DataFrame:
    """budget_by_category rows (district x category) of one fiscal year, categories in contract order."""
    return q(
        "SELECT district, category, category_th, category_order, schools, received_baht, spent_baht, spent_pct "
        "FROM budget_by_category WHERE fiscal_year = ? ORDER BY category_order, district",
        year,
    )


def teacher_shortage(year: int) -> pl.DataFrame:
    """teacher_shortage rows (one per school) of one academic year, most students per teacher first."""
    return q(
        "SELECT school_code, school_name, district, size_class, students_total, teachers, students_per_teacher, "
        "teacher_vacancies, vacancies, staff_in_post, shortage FROM teacher_shortage WHERE academic_year = ? "
        "ORDER BY shortage DESC, students_per_teacher DESC NULLS FIRST, school_code",
        year,
    )


def infrastructure_by_district(year: int) -> pl.DataFrame:
    """infrastructure_by_district rows of one academic year."""
    return q(
        "SELECT district, schools, schools_internet, internet_pct, mean_internet_mbps, schools_no_electricity, "
        "computers_teaching, computers_admin, students_per_computer, buildings, schools_good, schools_fair, "
        "schools_poor, mean_distance_km FROM infrastructure_by_district WHERE academic_year = ? ORDER BY district",
        year,
    )


def infrastructure_totals(year: int) -> dict:
    """The area's infrastructure of one academic year, over the schools' rows (a mean over the area cannot
    be rebuilt from the districts' rounded means): schools, with internet, mean speed of those with
    internet, computers, schools with poor buildings, without electricity."""
    return q(
        "SELECT count(*) AS schools, count(*) FILTER (internet) AS schools_internet, "
        "100.0 * count(*) FILTER (internet) / nullif(count(*), 0) AS internet_pct, "
        "avg(internet_mbps) FILTER (internet) AS mean_internet_mbps, "
        "coalesce(sum(computers_teaching), 0)::BIGINT AS computers_teaching, "
        "coalesce(sum(computers_admin), 0)::BIGINT AS computers_admin, "
        "count(*) FILTER (building_condition_en = 'poor') AS schools_poor, "
        "count(*) FILTER (NOT electricity) AS schools_no_electricity "
        "FROM infrastructure WHERE academic_year = ?",
        year,
    ).row(0, named=True)


# ---------------------------------------------------------------- one school (app_pages/school.py)
# Everything the warehouse publishes about one school, by its code. Named columns only: the DLTV survey's
# reporter name and phone and the staff roster are never read.
def school_list() -> pl.DataFrame:
    """Every register school (code, SMIS code, name, district) for the picker."""
    return q("SELECT school_code, smis_code, school_name, district FROM school_profile ORDER BY school_code")


PROFILE_COLUMNS = (
    "school_code", "smis_code", "school_name", "district", "subdistrict", "province", "students_total", "size_class",
    "is_dltv_school", "dltv_eligible", "lat", "lon", "register_outcome", "register_rule_ids",
    "admin_academic_year", "admin_students_counted", "admin_personnel_year", "admin_teachers",
    "admin_students_per_teacher", "admin_teacher_shortage", "admin_general_year", "admin_internet",
    "admin_internet_mbps", "admin_computers_teaching", "admin_computers_admin", "admin_buildings",
    "admin_building_condition",
)


def school_profile(code: str) -> dict | None:
    """The school's school_profile row (register columns and the latest four-area figures), or None."""
    df = q(f"SELECT {', '.join(PROFILE_COLUMNS)} FROM school_profile WHERE school_code = ?", code)
    return df.row(0, named=True) if df.height else None


def school_dltv(code: str) -> pl.DataFrame:
    """The school's current DLTV survey rows per fiscal year and item (units and requests)."""
    return q(
        "SELECT e.fiscal_year, e.survey_date, e.dltv_classrooms, i.item, i.total, i.working, i.broken, "
        "i.request_replace, i.request_repair, e.outcome, e.rule_ids "
        "FROM dltv_equipment e JOIN dltv_equipment_items i USING (school_code, fiscal_year) "
        "WHERE e.school_code = ? ORDER BY e.fiscal_year DESC",
        code,
    )


def school_dlit(code: str) -> pl.DataFrame:
    """The school's current DLIT rows, one per semester, newest first."""
    services = ", ".join(dlit_service_columns())
    return q(
        f"SELECT academic_year, semester, teachers_total, teachers_using, {services}, hours_per_week, internet_mbps, "
        "student_devices, satisfaction, outcome, rule_ids FROM dlit_usage WHERE school_code = ? "
        "ORDER BY academic_year DESC, semester DESC",
        code,
    )


def school_grades(code: str) -> pl.DataFrame:
    """The school's students by grade and sex per academic year (blank grades left out), grades in order."""
    return q(
        "SELECT g.academic_year, g.item AS grade, g.male, g.female, "
        "coalesce(g.male, 0) + coalesce(g.female, 0) AS total FROM admin_academic_grades g "
        "WHERE g.school_code = ? AND (g.male IS NOT NULL OR g.female IS NOT NULL) "
        "ORDER BY g.academic_year DESC, list_position(?::VARCHAR[], g.item)",
        code, _keys("grades"),
    )


def school_onet(code: str) -> pl.DataFrame:
    """The school's O-NET scores per academic year, level and subject, against its district and the area."""
    return q(
        "SELECT academic_year, level, level_th, subject, subject_th, score, district_mean, diff_from_district, "
        "area_mean, diff_from_area FROM onet_by_school WHERE school_code = ? "
        "ORDER BY academic_year DESC, list_position(?::VARCHAR[], level), list_position(?::VARCHAR[], subject)",
        code, _keys("onet_levels"), _keys("onet_subjects"),
    )


def school_budget(code: str) -> pl.DataFrame:
    """The school's current budget rows per fiscal year and category."""
    return q(
        "SELECT fiscal_year, category, received_baht, spent_baht, "
        "round(100.0 * spent_baht / nullif(received_baht, 0), 1) AS spent_pct, outcome, rule_ids "
        "FROM admin_budget WHERE school_code = ? ORDER BY fiscal_year DESC, list_position(?::VARCHAR[], category)",
        code, _keys("budget_categories"),
    )


def school_personnel(code: str) -> pl.DataFrame:
    """The school's teachers against students per academic year (teacher_shortage), newest first."""
    return q(
        "SELECT academic_year, students_total, teachers, students_per_teacher, teacher_vacancies, vacancies, "
        "staff_in_post, shortage, outcome, rule_ids FROM teacher_shortage WHERE school_code = ? "
        "ORDER BY academic_year DESC",
        code,
    )


def school_positions(code: str) -> pl.DataFrame:
    """The school's staff in post and vacant per academic year and position (the personnel sheet's counts)."""
    return q(
        "SELECT academic_year, item AS position, actual, vacant FROM admin_personnel_items WHERE school_code = ? "
        "AND (actual IS NOT NULL OR vacant IS NOT NULL) ORDER BY academic_year DESC, list_position(?::VARCHAR[], item)",
        code, _keys("positions"),
    )


def school_infrastructure(code: str) -> pl.DataFrame:
    """The school's general administration sheet per academic year, newest first."""
    return q(
        "SELECT academic_year, buildings, building_condition, computers_teaching, computers_admin, internet, "
        "internet_mbps, electricity, distance_km, outcome, rule_ids FROM infrastructure WHERE school_code = ? "
        "ORDER BY academic_year DESC",
        code,
    )


def school_quarantine(code: str) -> pl.DataFrame:
    """The school's quarantined rows in every table, with the rules and the Thai reason."""
    return q(
        "SELECT table_name, period, source_file, sheet, row_number, rule_ids, reason_th FROM quarantine "
        "WHERE school_code = ? ORDER BY period DESC NULLS LAST, table_name, source_file, sheet, row_number",
        code,
    )


def school_coverage(code: str) -> pl.DataFrame:
    """The school's status on every coverage line (rule, survey, period, part): `submitted`, `rejected`,
    `not_sent` (missing_submissions), or `not_required` when it is outside the rule's population (COV-01
    asks only the DLTV-eligible schools). The populations are the contracts' SQL over the register."""
    entries = [(c.table, e) for c in contracts().values() for e in c.coverage]
    if not entries:
        return pl.DataFrame()
    required = " UNION ALL ".join(
        f"SELECT '{e.id}' AS rule_id, coalesce(({e.population}), false) AS required FROM schools WHERE school_code = ?"
        for _, e in entries)
    return q(
        f"WITH req AS ({required}) "
        "SELECT c.rule_id, c.survey, c.period, c.part, "
        "CASE WHEN m.status IS NOT NULL THEN m.status WHEN r.required THEN 'submitted' ELSE 'not_required' END "
        "AS status, m.rejected_rule_ids, m.rejected_files "
        "FROM coverage c JOIN req r USING (rule_id) "
        "LEFT JOIN missing_submissions m ON m.rule_id = c.rule_id AND m.period = c.period "
        "AND m.part IS NOT DISTINCT FROM c.part AND m.school_code = ? "
        "ORDER BY c.period DESC, c.rule_id, c.part",
        *([code] * len(entries)), code,
    )


def shortage_threshold() -> float:
    """PER-03's students per teacher above which a school is short of teachers (25), read from the contract."""
    expectation = get("admin_personnel").rule("PER-03").expectations[0]
    return float(expectation["max_value"])
