"""Run a contract's GX suite on a frame and return which rows broke which rule.

Engine: GX's pandas execution engine on the typed frame (Polars -> Arrow -> pandas). GX's SQL engine
cannot be used against DuckDB here (through duckdb_engine every metric comes back empty: "list index out
of range"), and the pandas path is fast enough for survey tables of a few thousand rows per year
(benchmarks/ingest measures it). GX is the rule engine, not a second opinion: the quarantine and flags
come from each expectation's `unexpected_index_list`, keyed by `_row_id`.

`result_format=COMPLETE` returns every failing row, which is what the quarantine needs.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from expectations import gx_env  # noqa: F401
import great_expectations as gx
import pandas as pd
import polars as pl
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.data_context.types.base import ProgressBarsConfig

from expectations.docs import run_checkpoint  # offline Data Docs, named runs
from expectations.suites import build_suite
from pipelines.config import DATA_DOCS_INDEX
from warehouse.contracts import Contract

ROW_ID = "_row_id"
KEEP_VALIDATION_RESULTS = 30  # uncommitted/validations grows every run: keep the newest per suite
logging.getLogger("great_expectations").setLevel(logging.WARNING)


@dataclass
class ExpectationOutcome:
    rule_id: str
    check: str
    severity: str
    expectation: str
    columns: str
    success: bool
    element_count: int
    unexpected_count: int


@dataclass
class Validation:
    table: str
    failures: pl.DataFrame  # _row_id, check, rule_id: one row per (row, failed check)
    outcomes: list[ExpectationOutcome]
    data_docs: Path | None
    seconds: float


def _context(project_root: Path | None):
    if project_root is None:
        ctx = gx.get_context(mode="ephemeral")
    else:
        ctx = gx.get_context(mode="file", project_root_dir=str(project_root))
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


def _columns_of(kwargs: dict) -> str:
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    cols += kwargs.get("column_list", [])
    return ", ".join(c for c in cols if not c.startswith("_"))


def needed_columns(suite_json: str, frame: pl.DataFrame) -> list[str]:
    """The frame's columns that the suite's expectations name (kwargs and row conditions), in frame order.

    GX gets only these: no copy of lineage, text, `_raw` or list columns into pandas.
    """
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", suite_json))
    return [c for c in frame.columns if c in words and c != ROW_ID]


def _pandas(frame: pl.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The suite's columns as pandas, indexed by `_row_id` (an unnamed index, so GX's
    `unexpected_index_list` is the list of failing row IDs, read straight from the index)."""
    pdf = frame.select(columns).to_pandas()
    pdf.index = pd.Index(frame.get_column(ROW_ID).to_numpy())
    for name, dtype in frame.select(columns).schema.items():
        if dtype == pl.Date:  # compare as timestamps with the `today` parameter
            pdf[name] = pd.to_datetime(pdf[name])
    return pdf


def _prune(project_root: Path) -> None:
    root = project_root / "gx" / "uncommitted" / "validations"
    if not root.exists():
        return
    for suite_dir in root.iterdir():
        runs = sorted((p for p in suite_dir.rglob("*.json")), key=lambda p: p.stat().st_mtime)
        for old in runs[:-KEEP_VALIDATION_RESULTS]:
            old.unlink(missing_ok=True)
        for d in sorted((p for p in suite_dir.rglob("*") if p.is_dir()), reverse=True):
            if not any(d.iterdir()):
                shutil.rmtree(d, ignore_errors=True)


def validate(
    frame: pl.DataFrame,
    contract: Contract,
    parameters: dict[str, Any],
    project_root: Path | None = None,
) -> Validation:
    """Validate `frame` (must hold `_row_id`) against the contract's suite.

    With `project_root` the GX file context there keeps the suite, the results and the Data Docs;
    without it everything stays in memory (the pre-submission check writes nothing).
    """
    import time

    started = time.perf_counter()
    params = {k: (pd.Timestamp(v) if isinstance(v, date) else v) for k, v in parameters.items()}
    ctx = _context(project_root)
    source = ctx.data_sources.add_or_update_pandas("khlang")
    asset = source.add_dataframe_asset(contract.table)
    batch = asset.add_batch_definition_whole_dataframe("whole_table")
    suite = ctx.suites.add_or_update(build_suite(contract))
    definition = ctx.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=contract.table, data=batch, suite=suite)
    )
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": [ROW_ID]}
    pdf = _pandas(frame)
    docs = None
    if project_root is None:
        result = definition.run(
            batch_parameters={"dataframe": pdf}, expectation_parameters=params, result_format=result_format
        )
    else:
        checkpoint = ctx.checkpoints.add_or_update(
            gx.Checkpoint(
                name=contract.table,
                validation_definitions=[definition],
                actions=[UpdateDataDocsAction(name="update_data_docs")],
                result_format=result_format,
            )
        )
        run = run_checkpoint(ctx, checkpoint, batch_parameters={"dataframe": pdf}, expectation_parameters=params)
        result = next(iter(run.run_results.values()))
        _prune(project_root)
        docs = project_root / DATA_DOCS_INDEX
    rows, outcomes = [], []
    for r in result.results:
        cfg = r.expectation_config
        meta = cfg.meta or {}
        if r.exception_info and r.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"GX could not evaluate {cfg.type} for {meta.get('check')} on {contract.table}: "
                f"{r.exception_info.get('exception_message')}"
            )
        failed_ids = [int(d[ROW_ID]) for d in (r.result.get("unexpected_index_list") or [])]
        rows.extend((rid, meta["check"], meta["rule_id"]) for rid in failed_ids)
        outcomes.append(
            ExpectationOutcome(
                rule_id=meta["rule_id"],
                check=meta["check"],
                severity=meta["severity"],
                expectation=cfg.type,
                columns=_columns_of(cfg.kwargs),
                success=bool(r.success),
                element_count=int(r.result.get("element_count") or 0),
                unexpected_count=len(set(failed_ids)),
            )
        )
    failures = pl.DataFrame(
        rows, schema={ROW_ID: pl.Int64, "check": pl.String, "rule_id": pl.String}, orient="row"
    ).unique()
    return Validation(contract.table, failures, outcomes, docs, time.perf_counter() - started)
