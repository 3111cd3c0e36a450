"""Marts: one SQL file per mart, written against the published names of `warehouse.views`.

Each file is defined as a view in the order of `MARTS` (later marts may read earlier ones) and a mart
asset materializes its own view to Parquet. `coverage`, `coverage_by_district` and `missing_submissions`
are generated from the contracts' `coverage:` entries in `warehouse.views`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

SQL_DIR = Path(__file__).parent
MARTS = (
    "dltv_unit_prices",
    "dltv_needs",
    "allocation_vs_need",
    "school_profile",
    "quality_by_school",
    "quality_by_rule",
    "quality_by_file",
)
GENERATED = ("coverage", "coverage_by_district", "missing_submissions")


def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def define(con: duckdb.DuckDBPyConnection) -> None:
    for name in MARTS:
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql(name)}")


def build(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    return con.execute(f"SELECT * FROM {name}").pl()


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
    lines = [ln[3:] for ln in sql(name).splitlines() if ln.startswith("-- ")]
    return " ".join(lines)
