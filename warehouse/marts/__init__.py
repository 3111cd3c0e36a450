"""Marts: one SQL file per mart, written against the published names of `warehouse.views`.

Each file is defined as a view in the order of `MARTS` (later marts may read earlier ones) and a mart
asset materializes its own view to Parquet. `coverage`, `coverage_by_district` and `missing_submissions`
are generated from the contracts' `coverage:` entries in `warehouse.views`.

`define(con, names)` defines a chosen subset with the marts they read (found by name in their SQL),
so a mart can be defined on a connection that holds only the tables it needs (tests of the platform
marts use three hand-made tables and no DLTV ones).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl

SQL_DIR = Path(__file__).parent
MARTS = (
    "dltv_unit_prices",
    "dltv_needs",
    "allocation_vs_need",
    "dlit_adoption",
    # The four areas (contract 3.5), before school_profile, which takes each school's latest figures from them.
    "students_by_grade",
    "onet_by_subject",
    "onet_by_school",
    "budget_by_category",
    "teacher_shortage",
    "infrastructure",
    "infrastructure_by_district",
    "school_profile",
    "quality_by_school",
    "quality_by_rule",
    "quality_by_file",
    # Digital platforms (contract 3.4). Event rows (platform_events) are never published: only these
    # aggregates, which hold counts and no user_id. platform_events_daily first: later ones read it.
    "platform_events_daily",
    "platform_use_daily",
    "platform_use_by_day",
    "platform_use_weekly",
    "platform_use_monthly",
    "platform_use_by_district",
    "platform_monthly_users",
    "platform_top_content",
    "platform_active_schools_weekly",
    "platform_inactive_schools",
    "platform_hourly",
    "platform_reconciliation",
)
GENERATED = ("coverage", "coverage_by_district", "missing_submissions")


def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _code(text: str) -> str:
    """The SQL without its comments (a mart named in a comment is not read)."""
    return "\n".join(line.split("--", 1)[0] for line in text.splitlines())


def reads(name: str, among: Iterable[str] = MARTS) -> list[str]:
    """The marts (or other names `among`) that mart `name` reads directly (named in its SQL), in order."""
    code = _code(sql(name))
    return [m for m in among if m != name and re.search(rf"\b{m}\b", code)]


def with_prerequisites(names: Iterable[str]) -> list[str]:
    """`names` and every mart they read, directly or not, in `MARTS` order (the order they are defined)."""
    wanted, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name not in MARTS:
            raise KeyError(f"no mart {name!r} (marts: {', '.join(MARTS)})")
        if name not in wanted:
            wanted.add(name)
            todo.extend(reads(name))
    return [m for m in MARTS if m in wanted]


def define(con: duckdb.DuckDBPyConnection, names: Iterable[str] | None = None) -> list[str]:
    """Define marts as views on `con`: all of them, or `names` and the marts they read. Returns the
    names defined, in order."""
    chosen = list(MARTS) if names is None else with_prerequisites(names)
    for name in chosen:
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql(name)}")
    return chosen


def build(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    return con.execute(f"SELECT * FROM {name}").pl()


BY_MONTH = re.compile(r"^-- by month: (\w+), rows by (\w+)", re.M)


def by_month(name: str) -> tuple[str, str] | None:
    """(incremental table, date column) for a mart computed month by month (`-- by month: <table>, rows
    by <column>` in its SQL): every group it makes lies within one month of that table's partitions and
    its <column> (a date) says which, so the mart is the months' results put together, and a night
    recomputes only the months whose files changed."""
    if name not in MARTS:
        return None
    m = BY_MONTH.search(sql(name))
    return (m.group(1), m.group(2)) if m else None


def description(name: str) -> str:
    """The SQL file's leading comment: the mart's business description (shown in Dagster)."""
    if name in GENERATED:
        return {
            "coverage": "Submission coverage by survey and period (COV-*), generated from the contracts: "
                        "submitted, and the missing split into sent but rejected and sent nothing.",
            "coverage_by_district": "Submission coverage by survey, period and district (COV-*), "
                                    "with the missing split into sent but rejected and sent nothing.",
            "missing_submissions": "Schools in a coverage population with no valid or flagged row for the period: "
                                   "status 'rejected' (a row naming the school was quarantined) or 'not_sent'.",
        }[name]
    lines = [ln[3:] for ln in sql(name).splitlines() if ln.startswith("-- ") and not BY_MONTH.match(ln)]
    return " ".join(lines)
