"""Read-only access to the published warehouse, for dashboards, the CLI and analysts.

Each call opens its own short-lived read-only connection: the published file is replaced (not written)
by each run, so a connection held for hours would keep reading an old version, and DuckDB connections
are not shared across Streamlit's threads.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from pipelines.config import Home


class NotPublished(FileNotFoundError):
    """No warehouse version has been published under this data root yet."""


def connect(home: Home) -> duckdb.DuckDBPyConnection:
    path: Path = home.duckdb_path
    if not path.exists():
        raise NotPublished(
            f"ยังไม่มีคลังข้อมูลที่เผยแพร่ที่ {path} — รัน `khlang ingest` ก่อน / "
            f"no published warehouse at {path}: run `khlang ingest` first"
        )
    return duckdb.connect(str(path), read_only=True)


def query(home: Home, sql: str, params: list | None = None) -> pl.DataFrame:
    """Run one read-only query and return a Polars frame."""
    con = connect(home)
    try:
        return con.execute(sql, params or []).pl()
    finally:
        con.close()
