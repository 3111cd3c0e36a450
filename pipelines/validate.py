"""Typed rows of one table -> rows with outcomes: enrich, run the GX suite, decide.

Shared by the Dagster assets (nightly run, GX file context with Data Docs) and `khlang check`
(a school's pre-submission check: in memory, writes nothing).
"""

from __future__ import annotations

import contextlib
import functools
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from datetime import date, datetime, time as clock
from pathlib import Path

import polars as pl

from pipelines.calendar import fiscal_year_expr, fiscal_year_of, today as today_in_bangkok
from pipelines.parsing.cells import PLAUSIBLE_BE_YEARS
from pipelines.enrich import enrich
from pipelines.outcomes import CURRENT, decide
from warehouse.contracts import Contract

if TYPE_CHECKING:
    from expectations.results import Validation

ENGINES = ("gx", "polars")
OUTCOME_COLUMNS = ["_outcome", "_rule_ids", "_reason_th", "_reason_en", "_superseded_by"]


@dataclass
class Checked:
    rows: pl.DataFrame  # lineage + contract columns + outcome columns
    validation: Validation
    seconds: dict[str, float] = field(default_factory=dict)  # enrich, gx, decide (benchmarks read them)


def check_rows(
    typed: pl.DataFrame,
    contract: Contract,
    register: pl.DataFrame | None,
    allocations: pl.DataFrame | None = None,
    today: date | None = None,
    gx_root: Path | None = None,
    engine: str = "gx",
) -> Checked:
    # GX's file context (results store, Data Docs) is written by one process at a time: worker processes
    # validating batches of one night take turns for the GX step only.
    """`engine`: "gx" (the nightly run: GX decides, with its results under `gx_root`; the Data Docs site is
    built from them once a night, assets/data_docs.py) or
    "polars" (`khlang check`: the same expectations by expectations.polars_engine, no GX import,
    nothing written; `gx_root` must then be None)."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    if engine == "polars" and gx_root is not None:
        raise ValueError("the polars engine writes nothing: gx_root must be None")
    t = time.perf_counter()
    frame = typed.with_row_index("_row_id").with_columns(pl.col("_row_id").cast(pl.Int64))
    enriched = enrich(frame, contract, register, allocations)
    seconds = {"enrich": time.perf_counter() - t}
    day = today or date.today()
    # The contract's fixed values, the day the rules are checked against, and its last instant
    # ("not in the future" for a timestamp means not after that day).
    params = {**contract.parameters, "today": day, "now": datetime.combine(day, clock.max)}
    t = time.perf_counter()
    if engine == "gx" and enriched.height == 0 and gx_root is not None:
        # No rows (a survey no school has sent yet): nothing for GX to decide, and a GX run on an empty
        # batch still costs ~1 s a table for its fixed work. The table's suite, definition and checkpoint
        # are saved (Data Docs lists its rules; a later night can reuse this one); its expectations hold
        # trivially, counted by the same rules in Polars.
        from expectations import polars_engine
        from expectations.runner import save_objects

        with gx_lock(gx_root):
            docs = save_objects(contract, gx_root)
        validation = replace(polars_engine.validate(enriched, contract, params), data_docs=docs)
    elif engine == "gx":  # GX takes seconds to import: only when validating with it
        from expectations.runner import validate

        with gx_lock(gx_root):
            validation = validate(enriched, contract, params, project_root=gx_root, build_docs=False)
    else:
        from expectations import polars_engine

        validation = polars_engine.validate(enriched, contract, params)
    seconds["gx"] = time.perf_counter() - t  # the expectations step, whichever engine ran it
    t = time.perf_counter()
    decided = decide(enriched, validation.failures, contract)
    keep = [c for c in decided.columns if c.startswith("_") and c not in ("_row_id", "_parse_issues")]
    keep = [c for c in keep if c not in OUTCOME_COLUMNS] + contract.column_names + list(contract.computed) + OUTCOME_COLUMNS
    rows = decided.select(keep)  # in `_row_id` order: decide keeps the frame's row order
    seconds["decide"] = time.perf_counter() - t
    return Checked(rows, validation, seconds)


def gx_lock(gx_root: Path | None):
    """An OS lock on the GX file context under `gx_root` (nothing to lock without one)."""
    if gx_root is None:
        return contextlib.nullcontext()
    from filelock import FileLock

    (Path(gx_root) / "gx").mkdir(parents=True, exist_ok=True)
    return FileLock(str(Path(gx_root) / "gx" / ".khlang-gx.lock"))


def current_rows(home, table: str) -> pl.DataFrame:
    """The valid and flagged rows of a table validated whole (all partitions): the register, allocations."""
    from warehouse import lake
    from warehouse.contracts import contracts

    if not lake.exists(home, "validated", table):
        return empty_rows(contracts()[table])
    return lake.read_all(home, "validated", table).filter(pl.col("_outcome").is_in(CURRENT))


@functools.cache  # contracts hash by identity; casting even no rows costs ~0.1 s, and each mart asks
def empty_rows(contract: Contract) -> pl.DataFrame:
    """A validated table with no rows yet, with the exact columns and types `check_rows` produces."""
    from pipelines.casting import cast

    raw = pl.DataFrame(
        schema={
            "_sheet": pl.String,
            "_row": pl.Int32,
            **{c: pl.String for c in contract.column_names},
            "_source_file": pl.String,
            "_file_sha256": pl.String,
            "_arrival_seq": pl.Int64,
        }
    )
    typed = cast(raw, contract)
    extra = {"_period": pl.Int32, "_outcome": pl.String, "_rule_ids": pl.List(pl.String), "_reason_th": pl.String,
             "_reason_en": pl.String, "_superseded_by": pl.String, **{n: pl.Boolean for n in contract.computed}}
    if "register" in contract.enrich:
        extra["_submitted_code"] = pl.String
    if contract.load == "incremental":
        extra["_raw_values"] = pl.String  # cells as written, kept with quarantined rows (pipelines.incremental)
    return typed.with_columns(pl.lit(None, dtype).alias(name) for name, dtype in extra.items())


def with_period(typed: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """`_period`: the row's fiscal year (the period column's value, or the fiscal year of its date); if
    unreadable, its file's most common year, else this year.

    Every row needs a partition so that it is accounted for; a row whose year cannot be read is
    quarantined (FMT-01/REQ-01) in the partition of the rest of its file.
    """
    if not contract.period:
        return typed.with_columns(_period=pl.lit(None, pl.Int32))
    year = pl.col(contract.period)
    if typed.schema[contract.period].is_temporal():
        # A date a rule refuses as out of range (PLAT-03: 1970, 2030) is filed under its file's year,
        # like an unreadable one, rather than under a year nobody reports on.
        year = fiscal_year_expr(year)
        year = pl.when(year.is_between(*PLAUSIBLE_BE_YEARS)).then(year)
    file_year = year.drop_nulls().mode().sort().last().over("_source_file")
    return typed.with_columns(_period=pl.coalesce(year, file_year, pl.lit(fiscal_year_of(today_in_bangkok()))).cast(pl.Int32))
