"""Incremental tables (contracts with `load: incremental`): Delta Lake tables in lake/tables/<table>/.

Why Delta Lake (the `deltalake` package, delta-rs) rather than plain Parquet folders: each night's new
files are appended in ONE atomic commit that also records which landing contents it holds (commit
metadata), so a crash leaves the previous table whole and the next night knows exactly what is still
to do; history and time travel keep superseded rows recoverable; small files are compacted and old
ones vacuumed by the library (warehouse/maintenance.py, weekly); and the same tables are read by Spark, Trino and DuckDB, which is what
245 offices (or OBEC pooling them) would run on. Partitions are by month of the contract's
`partition:` column, so a night writes only the months its files touch.

Readers in the pipeline take the current snapshot's Parquet files (`parquet_files`) and read them
with DuckDB or Polars directly: no Delta reader is needed beside the writer.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import polars as pl

from pipelines.config import Home
from warehouse.lake import ROW_GROUP_ROWS

FILES_KEY = "khlang.files"  # commit metadata: the landing contents a commit added (JSON list)
FINGERPRINT_KEY = "khlang.fingerprint"  # the contracts/parsing/key fingerprint the rows were made with
REBUILD_KEY = "khlang.rebuild"  # the commit replaced every row (contracts, parsing or key changed)
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

    @cached_property
    def _held(self) -> frozenset[tuple[str, str]]:
        return frozenset((c["path"], c["sha256"]) for c in self.contents)

    def has(self, path_: str, sha256: str) -> bool:
        return (path_, sha256) in self._held


def state(home: Home, table: str) -> State:
    """Read from the commit history, newest first, back to the last overwrite (a rebuild). Commits that
    name no landing contents (OPTIMIZE and VACUUM, warehouse/maintenance.py) are passed over."""
    if not exists(home, table):
        return State()
    from deltalake import DeltaTable

    st = State()
    for commit in DeltaTable(str(path(home, table))).history():
        if FILES_KEY in commit:
            st.contents.extend(json.loads(commit[FILES_KEY]))
            st.fingerprint = st.fingerprint or commit.get(FINGERPRINT_KEY)
        if commit.get(REBUILD_KEY):
            break
    return st


def write_parts(home: Home, table: str, rows: pl.DataFrame, partition_column: str) -> list[dict]:
    """Write `rows` into the table's folder as one Parquet file per month (`_month=yyyy-mm/part-….parquet`,
    the partition value in the path as Delta lays it out) WITHOUT committing them: readers do not see a
    file until `commit_parts` names it in the log. Worker processes call this for their batches; the
    files of a crashed night are never named, and vacuum removes them. Returns what the commit needs."""
    base = path(home, table)
    parts = []
    months = rows.select(pl.col(partition_column).dt.strftime("%Y-%m").fill_null("unknown").alias(MONTH)).to_series()
    distinct = months.unique(maintain_order=True)
    if distinct.len() == 1:  # a platform's monthly export: written as it is (splitting copied every column)
        by_month = {distinct[0]: rows}
    else:
        by_month = {m: part.drop(MONTH) for (m,), part in
                    rows.with_columns(months).partition_by(MONTH, as_dict=True, maintain_order=True).items()}
    for m, part in by_month.items():
        rel = f"{MONTH}={m}/part-{uuid.uuid4().hex}.parquet"
        target = base / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        # snappy: what Spark and Trino write and read everywhere, and faster to write than zstd
        part.write_parquet(target, compression="snappy", row_group_size=ROW_GROUP_ROWS)
        parts.append({"path": rel, "month": m, "rows": part.height, "bytes": target.stat().st_size})
    return parts


def commit_parts(home: Home, table: str, parts: list[dict], contents: list[dict], fingerprint: str,
                 rebuild: bool = False) -> int:
    """Commit the files `write_parts` wrote, in ONE Delta commit naming the landing `contents` they hold
    (no row is read or rewritten); `rebuild` replaces the table's rows instead. Returns the version."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from deltalake import CommitProperties, DeltaTable, PostCommitHookProperties, Schema
    from deltalake.transaction import AddAction, create_table_with_add_actions

    from pipelines.faults import pause_point

    base = path(home, table)
    # Checkpoints yes, but never the expired-log cleanup delta-rs would otherwise do with one (30 days):
    # `state` reads the landing contents from the commit history back to the last rebuild.
    hooks = PostCommitHookProperties(create_checkpoint=True, cleanup_expired_logs=False)
    meta = {FILES_KEY: json.dumps(contents, ensure_ascii=False), FINGERPRINT_KEY: fingerprint}
    if rebuild:
        meta[REBUILD_KEY] = "true"
    props = CommitProperties(custom_metadata=meta)
    pause_point(f"delta:{table}")  # crash tests: killed before the commit, the table is unchanged
    if not parts:  # a rebuild with nothing left in landing: the table keeps its schema, loses its rows
        DeltaTable(str(base)).delete(commit_properties=props, post_commithook_properties=hooks)
        return DeltaTable(str(base)).version()
    file_schema = pq.read_schema(base / parts[0]["path"])
    schema = Schema.from_arrow(pa.schema([*file_schema.remove_metadata(), pa.field(MONTH, pa.string())]))
    now_ms = int(time.time() * 1000)
    actions = [AddAction(p["path"], p["bytes"], {MONTH: p["month"]}, now_ms, True, json.dumps({"numRecords": p["rows"]}))
               for p in parts]
    if not exists(home, table):
        create_table_with_add_actions(str(base), schema, actions, mode="append", partition_by=[MONTH],
                                      commit_properties=props, post_commithook_properties=hooks)
    else:
        DeltaTable(str(base)).create_write_transaction(actions, mode="overwrite" if rebuild else "append",
                                                        schema=schema, partition_by=[MONTH], commit_properties=props,
                                                        post_commithook_properties=hooks)
    return DeltaTable(str(base)).version()


def parquet_files(home: Home, table: str) -> list[str]:
    """The current snapshot's data files (absolute paths)."""
    if not exists(home, table):
        return []
    from deltalake import DeltaTable

    return [u.removeprefix("file://") for u in DeltaTable(str(path(home, table))).file_uris()]


def month_files(home: Home, table: str) -> dict[str, list[str]]:
    """The current snapshot's data files by month partition (`_month=yyyy-mm` in their path)."""
    out: dict[str, list[str]] = {}
    for f in parquet_files(home, table):
        month = next((part.split("=", 1)[1] for part in Path(f).parts if part.startswith(f"{MONTH}=")), "unknown")
        out.setdefault(month, []).append(f)
    return {m: sorted(fs) for m, fs in sorted(out.items())}


def read(home: Home, table: str, columns: list[str] | None = None) -> pl.DataFrame | None:
    """The current snapshot (selected columns) or None when the table has no rows yet."""
    files = parquet_files(home, table)
    if not files:
        return None
    return pl.scan_parquet(files, hive_partitioning=False, missing_columns="insert").select(
        columns or pl.all()).collect()


def uncommitted(home: Home) -> list[Path]:
    """Data files under lake/tables/ that no commit of their table names: what a night killed between
    writing its files and committing them left. Never visible to readers; removed by the next run.

    Such a file is written after the table's latest commit and is not in its current snapshot. That is
    judged from the table itself, not by reading every commit's log entry: Delta replaces old log
    entries by checkpoints, and a file named only in a checkpoint must not look orphaned. Files an older
    commit removed (history for time travel) are older than the latest commit and are kept; so are the
    small files a compaction (warehouse/maintenance.py) replaced: its OPTIMIZE commit is newer than
    them, and vacuum, not this, removes them once past retention."""
    found: list[Path] = []
    base = home.lake / "tables"
    if not base.exists():
        return found
    from deltalake import DeltaTable

    for table in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = [f for f in table.rglob("*.parquet") if "_delta_log" not in f.relative_to(table).parts]
        if not (table / "_delta_log").is_dir():  # killed before the first commit: nothing is named
            found += files
            continue
        dt = DeltaTable(str(table))
        last_commit = dt.history(1)[0]["timestamp"] / 1000
        current = {Path(u.removeprefix("file://")) for u in dt.file_uris()}
        found += [f for f in files if f not in current and f.stat().st_mtime > last_commit]
    return sorted(found)
