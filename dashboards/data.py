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
from pathlib import Path

import polars as pl
import streamlit as st

from pipelines import config
from warehouse import read
from warehouse.contracts import lists
from warehouse.publish import NotPublished, published_duckdb


def current_home() -> config.Home:
    """The data root from $KHLANG_HOME, read on every call (tests and the CLI switch it)."""
    return config.home()


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


def q(sql: str, *params) -> pl.DataFrame:
    """Run a read-only query through the door on the current version (raises NotPublished, read.DoorError)."""
    home = current_home()
    found = _current_file(home)
    if found is None:
        raise NotPublished(home)
    return _cached(str(found[0]), found[1], sql, params)


def scalar(sql: str, *params):
    df = q(sql, *params)
    return df.item(0, 0) if df.height else None


# ---------------------------------------------------------------- warehouse and periods
def info() -> dict:
    """version and published_at (a tz-aware datetime) of the published warehouse."""
    return q("SELECT version, published_at FROM warehouse_info LIMIT 1").row(0, named=True)


def fiscal_years() -> list[int]:
    """BE fiscal years that have DLTV data or a DLTV coverage figure, newest first."""
    return q(
        "SELECT DISTINCT fiscal_year AS y FROM dltv_equipment UNION "
        "SELECT DISTINCT fiscal_year FROM dltv_needs UNION "
        "SELECT DISTINCT period FROM coverage WHERE rule_id = 'COV-01' ORDER BY y DESC"
    ).drop_nulls()["y"].to_list()


def periods() -> list[int]:
    """Periods (BE years) that have rule results or coverage, newest first."""
    return q(
        "SELECT DISTINCT period AS p FROM rule_results WHERE period IS NOT NULL UNION "
        "SELECT DISTINCT period FROM coverage ORDER BY p DESC"
    )["p"].to_list()


# ---------------------------------------------------------------- overview
def register_counts() -> dict:
    return q(
        "SELECT count(*) AS schools, count(*) FILTER (WHERE dltv_eligible) AS eligible FROM school_profile"
    ).row(0, named=True)


def coverage(period: int) -> pl.DataFrame:
    return q(
        "SELECT rule_id, survey, survey_th, period, population, submitted, missing, coverage_pct "
        "FROM coverage WHERE period = ? ORDER BY rule_id",
        period,
    )


def pass_rate() -> float | None:
    """Share of input rows that were not quarantined, over every file (0–100)."""
    return scalar(
        "SELECT 100.0 * sum(rows_in - quarantined) / nullif(sum(rows_in), 0) FROM file_accounting"
    )


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


# ---------------------------------------------------------------- data quality
def rule_results(period: int) -> pl.DataFrame:
    """Rule results of a period, plus the register's (which has no period)."""
    return q(
        "SELECT table_name, period, rule_id, severity, rule_th, rows_checked, rows_failed, pass_rate "
        "FROM rule_results WHERE period = ? OR period IS NULL ORDER BY table_name, rule_id",
        period,
    )


def file_accounting() -> pl.DataFrame:
    return q(
        "SELECT source_file, table_name, rows_in, valid, flagged, quarantined, superseded, "
        "error_kind, error_th, error_sheet, error_row, error_column "
        "FROM file_accounting ORDER BY arrival_seq, source_file"
    )


def quarantine() -> pl.DataFrame:
    return q(
        "SELECT table_name, period, source_file, sheet, row_number, school_code, rule_ids, reason_th "
        "FROM quarantine ORDER BY source_file, sheet, row_number"
    )


def missing_submissions(period: int) -> pl.DataFrame:
    return q(
        "SELECT rule_id, survey, school_code, school_name, district, students_total "
        "FROM missing_submissions WHERE period = ? ORDER BY district, school_code",
        period,
    )


def data_docs_path(home: config.Home) -> Path | None:
    """The GX Data Docs index, once a run has built it."""
    return home.data_docs if home.data_docs.exists() else None


def csv_bytes(df: pl.DataFrame) -> bytes:
    """CSV in UTF-8 with a BOM: Excel on a Thai Windows PC opens it with Thai intact (lists as JSON)."""
    return "\ufeff".encode() + read.csv_text(df).encode("utf-8")
