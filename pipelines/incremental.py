"""Validate only what is new: incremental tables (`load: incremental`) take each landing content once.

A night finds this table's landing contents (path, sha256) that the Delta table does not hold yet,
validates them in batches of at most BATCH_ROWS rows (cast, enrich, the GX suite, outcomes) and
appends each batch in one commit. Files already ingested are neither parsed (pipelines.parsed_files)
nor validated again, so a night with one new day of events costs seconds. When the contracts, the
parsing code or the PII key change (the fingerprint), the table is rebuilt from every file.

Every rule of these tables is checked within one file, so a batch of several files gives each row the
outcome it would get alone. What spans files is decided after the appends, from small inputs
(`supersession`): a later content of the same path supersedes the earlier one whole, and for
`supersede: key` tables the latest good row per key wins (pipelines.outcomes.supersede, the rule every
table follows).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import polars as pl

from pipelines import parsed_files
from pipelines.casting import cast
from pipelines.config import Home
from pipelines.outcomes import outcome_counts, supersede
from expectations.results import Validation
from pipelines.memory import release
from pipelines.parallel import run_all
from pipelines.validate import check_rows, with_period
from warehouse import lake, tables
from warehouse.contracts import Contract, contracts

BATCH_ROWS = 1_000_000  # rows validated at a time (per worker): bounds memory on a whole year's first load
PARALLEL_ROWS = 400_000  # a night bringing more new rows than this validates its batches in worker processes
SUPERSEDED_SCHEMA = {"_source_file": pl.String, "_file_sha256": pl.String, "_sheet": pl.String, "_row": pl.Int32,
                     "_superseded_by": pl.String}


@dataclass
class Night:
    """What one night did to an incremental table."""

    new_contents: list[dict] = field(default_factory=list)
    rebuilt: bool = False
    validations: list[Validation] = field(default_factory=list)
    failing: pl.DataFrame | None = None  # the night's rows that broke a rule (lineage, outcome, rule IDs, reason)
    totals: pl.DataFrame | None = None  # the night's rows per file: _source_file, rows
    outcomes: dict[str, int] = field(default_factory=dict)
    version: int | None = None
    parallel: bool = False
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Batch:
    """One batch of landing contents to validate, as a worker process receives it (picklable)."""

    root: str
    table: str
    fingerprint: str
    contents: tuple[dict, ...]
    today: date


@dataclass
class BatchResult:
    parts: list[dict]
    rows: int
    validation: Validation
    failing: pl.DataFrame
    totals: pl.DataFrame
    outcomes: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)


def current_contents(report: pl.DataFrame, table: str) -> pl.DataFrame:
    """This table's landing contents now: path, sha256, arrival_seq, rows_in (files read without error)."""
    return (
        report.filter((pl.col("table_name") == table) & pl.col("error_kind").is_null() & (pl.col("rows_in") > 0))
        .select("path", "sha256", "arrival_seq", "rows_in")
        .sort("arrival_seq", "path")
    )


def _batches(todo: list[dict]) -> list[list[dict]]:
    out, size = [[]], 0
    for c in todo:
        if out[-1] and size + c["rows_in"] > BATCH_ROWS:
            out.append([])
            size = 0
        out[-1].append(c)
        size += c["rows_in"]
    return [b for b in out if b]


def _raw(home: Home, fp: str, contract: Contract, batch: list[dict]) -> pl.DataFrame:
    frames = []
    for c in batch:
        cached = parsed_files.load(home, fp, c["sha256"])
        if cached is None:
            raise RuntimeError(f"{c['path']}: its parse is not cached (raw layer not materialized this run?)")
        frames.append(cached.table_rows(contract.table, c["path"], c["arrival_seq"]))
    return pl.concat(frames, how="diagonal_relaxed")


def landing_raw(home: Home, contract: Contract) -> pl.DataFrame:
    """Every current landing content's raw rows of this table, from the parse cache (tools and tests:
    the nightly run reads only new contents)."""
    now = current_contents(lake.read(home, "raw", "file_report"), contract.table)
    return _raw(home, parsed_files.current_fingerprint(), contract, now.to_dicts()) if now.height else pl.DataFrame()


def _stored(contract: Contract, raw: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """The rows as stored: outcome columns, and for quarantined rows the public cells as written
    (`_raw_values`, JSON), which the quarantine shows; no list of parse issues, no row ids."""
    public = [c.name for c in contract.public_columns]
    written = pl.Series("_raw_values", [None] * rows.height, dtype=pl.String)
    quarantined = (rows.get_column("_outcome") == "quarantined").arg_true()
    if quarantined.len():
        cells = raw[quarantined].select(pl.struct(public).struct.json_encode()).to_series()
        written = written.scatter(quarantined, cells)
    return rows.with_columns(written).drop("_superseded_by", strict=False)


def validate_batch(batch: Batch) -> BatchResult:
    """Cast, enrich, run the GX suite and decide one batch; write its rows as uncommitted files of the table. Runs in a
    worker process for big nights, so it takes paths and returns small results."""
    from pipelines.validate import current_rows

    t0 = time.perf_counter()
    home = Home(Path(batch.root))
    contract = contracts()[batch.table]
    register = current_rows(home, "schools") if "register" in contract.enrich else None
    raw = _raw(home, batch.fingerprint, contract, list(batch.contents))
    t1 = time.perf_counter()
    typed = with_period(cast(raw, contract, hashed=True), contract)  # rows of the parse cache: ids hashed
    t2 = time.perf_counter()
    checked = check_rows(typed, contract, register, today=batch.today, gx_root=home.root)
    t3 = time.perf_counter()
    del typed
    stored = _stored(contract, raw, checked.rows)
    del raw
    parts = tables.write_parts(home, contract.table, stored, contract.partition.column)
    seconds = {"read": t1 - t0, "cast": t2 - t1, "check": t3 - t2, **checked.seconds, "write": time.perf_counter() - t3}
    slim = stored.select("_source_file", "_sheet", "_row", "_outcome", "_rule_ids", "_reason_th")
    result = BatchResult(
        parts, stored.height,
        Validation(checked.validation.table, pl.DataFrame(), checked.validation.outcomes, checked.validation.data_docs,
                   checked.validation.seconds),
        slim.filter(pl.col("_rule_ids").list.len() > 0),
        slim.group_by("_source_file").agg(rows=pl.len()),
        outcome_counts(slim),
        seconds,
    )
    release()
    return result


def validate_new(home: Home, contract: Contract, report: pl.DataFrame, fp: str, today: date,
                 log: Callable[[str], None] = lambda _: None) -> Night:
    """Validate this table's new landing contents (in worker processes when there are many rows) and
    append them in ONE commit: the night's rows are in the table whole, or not at all."""
    night = Night()
    now = current_contents(report, contract.table)
    held = tables.state(home, contract.table)
    night.rebuilt = held.fingerprint is not None and held.fingerprint != fp
    todo = [c for c in now.to_dicts() if night.rebuilt or not held.has(c["path"], c["sha256"])]
    night.new_contents = todo
    night.parallel = sum(c["rows_in"] for c in todo) > PARALLEL_ROWS
    batches = [Batch(str(home.root), contract.table, fp, tuple(b), today)
               for b in sorted(_batches(todo), key=lambda b: -sum(c["rows_in"] for c in b))]  # biggest first
    started = time.perf_counter()
    results = run_all(validate_batch, batches, parallel=night.parallel)
    night.seconds["validate"] = time.perf_counter() - started
    if results or night.rebuilt:
        contents = [{"path": c["path"], "sha256": c["sha256"], "arrival_seq": c["arrival_seq"], "rows": c["rows_in"]}
                    for c in todo]
        night.version = tables.commit_parts(home, contract.table, [p for r in results for p in r.parts], contents, fp,
                                            rebuild=night.rebuilt)
        night.seconds["commit"] = time.perf_counter() - started - night.seconds["validate"]
    for r in results:
        log(f"{contract.table}: {r.rows} rows validated (" + ", ".join(f"{k} {v:.1f} s" for k, v in r.seconds.items()) + ")")
        night.validations.append(r.validation)
        for k, v in r.outcomes.items():
            night.outcomes[k] = night.outcomes.get(k, 0) + v
    if results:
        night.failing = pl.concat([r.failing for r in results])
        night.totals = pl.concat([r.totals for r in results]).group_by("_source_file").agg(pl.col("rows").sum())
    started = time.perf_counter()
    write_supersession(home, contract, now)
    night.seconds["supersession"] = time.perf_counter() - started
    log(f"{contract.table}: " + ", ".join(f"{k} {v:.1f} s" for k, v in night.seconds.items()))
    return night


def supersession(home: Home, contract: Contract, now: pl.DataFrame) -> pl.DataFrame:
    """Rows of the table that a later submission replaced, with what replaced them.

    - A path whose content changed: every row of its earlier contents (whole file).
    - `supersede: key`: among the current contents' good rows, all but the latest per key (contract
      section 1: later date in `order_by`, then later arrival, then later row).
    """
    held = tables.state(home, contract.table)
    current = {r["path"]: r for r in now.to_dicts()}
    replaced = [
        {"_source_file": c["path"], "_file_sha256": c["sha256"],
         "_superseded_by": f"{c['path']} (เนื้อหาใหม่ที่ส่งแทน / replaced by new content {current[c['path']]['sha256'][:12]})"}
        for c in held.contents if c["path"] in current and c["sha256"] != current[c["path"]]["sha256"]
    ]
    parts = []
    if replaced:
        files = pl.DataFrame(replaced, schema={k: SUPERSEDED_SCHEMA[k] for k in ("_source_file", "_file_sha256", "_superseded_by")})
        parts.append(files.with_columns(_sheet=pl.lit(None, pl.String), _row=pl.lit(None, pl.Int32)))
    if contract.supersede == "key" and not now.is_empty():
        cols = list(dict.fromkeys([*contract.key, *contract.order_by, "_source_file", "_file_sha256", "_arrival_seq",
                                   "_sheet", "_row", "_outcome"]))
        rows = tables.read(home, contract.table, cols)
        if rows is not None:
            rows = rows.join(now.select(pl.col("path").alias("_source_file"), pl.col("sha256").alias("_file_sha256")),
                             on=["_source_file", "_file_sha256"], how="semi")
            decided = supersede(rows.with_row_index("_row_id"), contract)
            parts.append(decided.filter(pl.col("_outcome") == "superseded").select(list(SUPERSEDED_SCHEMA)))
    return pl.concat([p.select(list(SUPERSEDED_SCHEMA)) for p in parts]) if parts else pl.DataFrame(schema=SUPERSEDED_SCHEMA)


def withdrawn(home: Home, table: str) -> list[str]:
    """Paths the table holds rows of that are no longer in landing/ (removed files): not current rows."""
    report = lake.path(home, "raw", "file_report")
    current = set(pl.read_parquet(report, columns=["path"]).get_column("path").to_list()) if report.exists() else set()
    return sorted({c["path"] for c in tables.state(home, table).contents} - current)


def superseded_path(home: Home, table: str) -> Path:
    return lake.path(home, "superseded", table)


def write_supersession(home: Home, contract: Contract, now: pl.DataFrame) -> None:
    lake.write(supersession(home, contract, now), superseded_path(home, contract.table))
