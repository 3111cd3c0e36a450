"""Incremental tables (contracts with `load: incremental`): Delta Lake tables in lake/tables/<table>/.

Why Delta Lake (the `deltalake` package, delta-rs) rather than plain Parquet folders: each night's new
files are appended in ONE atomic commit that also records which landing contents it holds (commit
metadata), so a crash leaves the previous table whole and the next night knows exactly what is still
to do; history and time travel keep superseded rows recoverable; small files are compacted and old
ones vacuumed by the library; and the same tables are read by Spark, Trino and DuckDB, which is what
245 offices (or OBEC pooling them) would run on. Partitions are by month of the contract's
`partition:` column, so a night writes only the months its files touch.

Readers in the pipeline take the current snapshot's Parquet files (`parquet_files`) and read them
with DuckDB or Polars directly: no Delta reader is needed beside the writer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.config import Home

FILES_KEY = "khlang.files"  # commit metadata: the landing contents a commit added (JSON list)
FINGERPRINT_KEY = "khlang.fingerprint"  # the contracts/parsing/key fingerprint the rows were made with
MONTH = "_month"  # partition column: yyyy-mm of the contract's partition column


def path(home: Home, table: str) -> Path:
    return home.lake / "tables" / table


def exists(home: Home, table: str) -> bool:
    return (path(home, table) / "_delta_log").is_dir()


@dataclass
class State:
    """What a table holds: the landing contents (path, sha256) of every commit since the last rebuild,
    with their arrival number, and the fingerprint the rows were made with."""

    fingerprint: str | None = None
    contents: list[dict] = field(default_factory=list)  # {path, sha256, arrival_seq, rows}

    def has(self, path_: str, sha256: str) -> bool:
        return any(c["path"] == path_ and c["sha256"] == sha256 for c in self.contents)


def state(home: Home, table: str) -> State:
    """Read from the commit history, newest first, back to the last overwrite (a rebuild)."""
    if not exists(home, table):
        return State()
    from deltalake import DeltaTable

    st = State()
    for commit in DeltaTable(str(path(home, table))).history():
        if FILES_KEY in commit:
            st.contents.extend(json.loads(commit[FILES_KEY]))
            st.fingerprint = st.fingerprint or commit.get(FINGERPRINT_KEY)
        mode = (commit.get("operationParameters") or {}).get("mode")
        if commit.get("operation") in ("WRITE", "CREATE TABLE") and str(mode).lower() == "overwrite":
            break
    return st


def append(home: Home, table: str, rows: pl.DataFrame, contents: list[dict], fingerprint: str,
           partition_column: str, overwrite: bool = False) -> int:
    """Add `rows` (of the landing `contents` listed) in one commit, partitioned by month of
    `partition_column`; `overwrite` replaces the whole table (a rebuild). Returns the new version."""
    from deltalake import CommitProperties, DeltaTable, write_deltalake

    from pipelines.faults import pause_point

    month = pl.col(partition_column).dt.strftime("%Y-%m").fill_null("unknown")
    data = rows.with_columns(month.alias(MONTH))
    meta = {FILES_KEY: json.dumps(contents, ensure_ascii=False), FINGERPRINT_KEY: fingerprint}
    target = path(home, table)
    target.parent.mkdir(parents=True, exist_ok=True)
    pause_point(f"delta:{table}")  # crash tests: killed before the commit, the table is unchanged
    write_deltalake(
        str(target),
        data.to_arrow(),
        mode="overwrite" if overwrite else "append",
        partition_by=[MONTH],
        schema_mode="overwrite" if overwrite else None,
        commit_properties=CommitProperties(custom_metadata=meta),
    )
    return DeltaTable(str(target)).version()


def parquet_files(home: Home, table: str) -> list[str]:
    """The current snapshot's data files (absolute paths)."""
    if not exists(home, table):
        return []
    from deltalake import DeltaTable

    return [u.removeprefix("file://") for u in DeltaTable(str(path(home, table))).file_uris()]


def read(home: Home, table: str, columns: list[str] | None = None) -> pl.DataFrame | None:
    """The current snapshot (selected columns) or None when the table has no rows yet."""
    files = parquet_files(home, table)
    if not files:
        return None
    return pl.scan_parquet(files, hive_partitioning=False, allow_missing_columns=True).select(
        columns or pl.all()).collect()
