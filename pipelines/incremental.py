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

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import polars as pl

from pipelines import parsed_files
from pipelines.casting import cast
from pipelines.config import Home
from pipelines.outcomes import supersede
from pipelines.validate import Checked, check_rows, with_period
from warehouse import lake, tables
from warehouse.contracts import Contract

BATCH_ROWS = 2_500_000  # rows validated at a time: bounds memory on a whole year's first load
SUPERSEDED_SCHEMA = {"_source_file": pl.String, "_file_sha256": pl.String, "_sheet": pl.String, "_row": pl.Int32,
                     "_superseded_by": pl.String}


@dataclass
class Night:
    """What one night did to an incremental table."""

    new_contents: list[dict] = field(default_factory=list)
    rebuilt: bool = False
    checked: list[Checked] = field(default_factory=list)
    rows: pl.DataFrame | None = None  # the new rows with outcomes (for asset checks); None if nothing new
    version: int | None = None


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
        frames.append(cached.table(contract.table).with_columns(
            _source_file=pl.lit(c["path"]), _file_sha256=pl.lit(c["sha256"]), _arrival_seq=pl.lit(c["arrival_seq"], pl.Int64)))
    return pl.concat(frames, how="diagonal_relaxed")


def landing_raw(home: Home, contract: Contract) -> pl.DataFrame:
    """Every current landing content's raw rows of this table, from the parse cache (tools and tests:
    the nightly run reads only new contents)."""
    from pipelines.pii import KeyProblem, key_id, load_key

    try:
        kid = key_id(load_key())
    except KeyProblem:
        kid = "no-key"
    now = current_contents(lake.read(home, "raw", "file_report"), contract.table)
    return _raw(home, parsed_files.fingerprint(kid), contract, now.to_dicts()) if now.height else pl.DataFrame()


def _stored(contract: Contract, raw: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """The rows as stored: outcome columns, and for quarantined rows the public cells as written
    (`_raw_values`, JSON), which the quarantine shows; no list of parse issues, no row ids."""
    public = [c.name for c in contract.public_columns]
    written = raw.select(pl.struct(public).struct.json_encode().alias("_raw_values")).get_column("_raw_values")
    return rows.with_columns(
        _raw_values=pl.when(pl.col("_outcome") == "quarantined").then(written).otherwise(None)
    ).drop("_superseded_by", strict=False)


def validate_new(home: Home, contract: Contract, report: pl.DataFrame, fp: str, register: pl.DataFrame | None,
                 today: date, gx_root: Path | None, log: Callable[[str], None] = lambda _: None) -> Night:
    """Validate and append this table's new landing contents; returns what was done."""
    night = Night()
    now = current_contents(report, contract.table)
    held = tables.state(home, contract.table)
    night.rebuilt = held.fingerprint is not None and held.fingerprint != fp
    todo = [c for c in now.to_dicts() if night.rebuilt or not held.has(c["path"], c["sha256"])]
    night.new_contents = todo
    new_rows = []
    for i, batch in enumerate(_batches(todo)):
        raw = _raw(home, fp, contract, batch)
        typed = with_period(cast(raw, contract), contract)
        checked = check_rows(typed, contract, register, today=today, gx_root=gx_root)
        stored = _stored(contract, raw, checked.rows)
        del raw, typed
        night.version = tables.append(
            home, contract.table, stored,
            [{"path": c["path"], "sha256": c["sha256"], "arrival_seq": c["arrival_seq"], "rows": c["rows_in"]} for c in batch],
            fp, contract.partition.column, overwrite=night.rebuilt and i == 0)
        log(f"{contract.table}: {len(batch)} file(s), {stored.height} rows validated and appended")
        night.checked.append(checked)
        new_rows.append(stored.select("_source_file", "_sheet", "_row", "_outcome", "_rule_ids", "_reason_th"))
    if night.rebuilt and not todo:  # nothing left in landing: the rebuild empties the table
        night.version = None
    night.rows = pl.concat(new_rows) if new_rows else None
    write_supersession(home, contract, now)
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


def superseded_path(home: Home, table: str) -> Path:
    return lake.path(home, "superseded", table)


def write_supersession(home: Home, contract: Contract, now: pl.DataFrame) -> None:
    lake.write(supersession(home, contract, now), superseded_path(home, contract.table))
