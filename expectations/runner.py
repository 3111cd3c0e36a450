"""Run a contract's GX suite on a frame and return which rows broke which rule.

Engine: GX's pandas execution engine on the typed frame (Polars -> Arrow -> pandas). GX's SQL engine
cannot be used against DuckDB here (through duckdb_engine every metric comes back empty: "list index out
of range"), and the pandas path is fast enough for survey tables of a few thousand rows per year
(benchmarks/ingest measures it). GX is the rule engine, not a second opinion: the quarantine and flags
come from each expectation's `unexpected_index_list`, keyed by `_row_id`.

`result_format=COMPLETE` returns every failing row, which is what the quarantine needs.
"""

from __future__ import annotations

import json
import gc
from dataclasses import dataclass, field
import logging
import re
import shutil
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from expectations import gx_env  # noqa: F401
import great_expectations as gx
import pandas as pd
import polars as pl
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.data_context.data_context.context_factory import project_manager
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.exceptions.resource_freshness import ResourceFreshnessAggregateError

from expectations.docs import run_checkpoint  # offline Data Docs, named runs
from expectations.domains import Domains, columns_of, reduce
from expectations.results import ExpectationOutcome, Validation
from expectations.suites import build_suite
from pipelines.memory import release
from pipelines.config import DATA_DOCS_INDEX
from warehouse.contracts import Contract

ROW_ID = "_row_id"
STORED_SAMPLE = 20  # failing rows kept per expectation in stored/rendered results (GX's partial default)
COLLECT_ROWS = 50_000  # validating more rows than this is followed by a full garbage collection (below)
RESULT_FORMAT = {"result_format": "COMPLETE"}  # unexpected_index_list = the pandas index = _row_id
KEEP_VALIDATION_RESULTS = 30  # uncommitted/validations grows every run: keep the newest per suite
logging.getLogger("great_expectations").setLevel(logging.WARNING)


def _context(project_root: Path | None):
    if project_root is None:
        ctx = gx.get_context(mode="ephemeral")
    else:
        ctx = gx.get_context(mode="file", project_root_dir=str(project_root))
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


@dataclass
class _Project:
    """A GX file context kept for the next validation in this process, with what was set up in it.

    Opening the file context and saving its datasource, suite, definition and checkpoint cost ~0.3 s a
    call, twelve times in a night of a year's events (each batch, in its worker process). It is reused
    while its project file is unchanged since this process read or wrote it (another process that saves
    it makes this one open it again); a table's objects are saved again only for another contract."""

    root: Path
    ctx: Any
    config_stamp: tuple | None
    prepared: dict = field(default_factory=dict)  # (table, build_docs) -> (contract, definition, checkpoint)


_project: _Project | None = None


def _forget() -> None:
    global _project
    _project = None


def _saved_here(project_root: Path) -> None:
    """The project file as this process left it (callers hold the GX lock: nobody else wrote it)."""
    if _project is not None and _project.root == Path(project_root).resolve():
        _project.config_stamp = _config_stamp(_project.root)


def _config_stamp(project_root: Path) -> tuple | None:
    try:
        st = (project_root / "gx" / "great_expectations.yml").stat()
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def _definition(ctx: Any, contract: Contract):
    """The table's validation definition in `ctx` (its datasource, asset and batch definition reused when
    the context has them), with the contract's suite saved."""
    source = ctx.data_sources.all().get("khlang") or ctx.data_sources.add_pandas("khlang")
    asset = source.get_asset(contract.table) if contract.table in source.get_asset_names() else \
        source.add_dataframe_asset(contract.table)
    batch = next((b for b in asset.batch_definitions if b.name == "whole_table"), None) or \
        asset.add_batch_definition_whole_dataframe("whole_table")
    suite = ctx.suites.add_or_update(build_suite(contract))
    return ctx.validation_definitions.add_or_update(gx.ValidationDefinition(name=contract.table, data=batch, suite=suite))


def _prepare(contract: Contract, project_root: Path | None, build_docs: bool):
    """(context, definition, checkpoint or None) to validate `contract`'s table: in memory without
    `project_root`, else in the file context there, reused from this process's last call when it can."""
    global _project
    if project_root is None:
        ctx = _context(None)
        return ctx, _definition(ctx, contract), None
    root = Path(project_root).resolve()
    if _project is None or _project.root != root or _project.config_stamp != _config_stamp(root):
        _project = _Project(root, _context(root), None)
    ctx = _project.ctx
    project_manager.set_project(ctx)  # GX objects find their stores through its current project
    held = _project.prepared.get((contract.table, build_docs))
    if held is not None and held[0] is contract:  # contracts() are loaded once: the same object, the same suite
        return ctx, held[1], held[2]
    definition = _definition(ctx, contract)
    checkpoint = ctx.checkpoints.add_or_update(
        gx.Checkpoint(
            name=contract.table,
            validation_definitions=[definition],
            # Without `build_docs` the result is stored and the site is built once later (the nightly
            # job: assets/data_docs.py, after every validation).
            actions=[UpdateDataDocsAction(name="update_data_docs")] if build_docs else [],
            result_format=RESULT_FORMAT,
        )
    )
    _project.prepared[(contract.table, build_docs)] = (contract, definition, checkpoint)
    _saved_here(root)
    return ctx, definition, checkpoint


def save_objects(contract: Contract, project_root: Path) -> Path:
    """Save the table's suite, validation definition and checkpoint in the file context without
    validating anything (a table with no rows); return where the Data Docs index is."""
    _prepare(contract, project_root, build_docs=False)
    return Path(project_root) / DATA_DOCS_INDEX


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
    `unexpected_index_list` is the list of failing row IDs, read straight from the index).

    Decimal columns go as float64: as Python Decimals, every value GX reports is converted by
    `convert_decimal_to_float`, which walks `inspect.stack()` each time (seconds a table), and a Decimal
    equal to a float bound (0.1) compares unequal to it."""
    chosen = frame.select(columns)
    decimals = [name for name, dtype in chosen.schema.items() if dtype.is_decimal()]
    pdf = chosen.with_columns(pl.col(decimals).cast(pl.Float64)).to_pandas()
    pdf.index = pd.Index(frame.get_column(ROW_ID).to_numpy())
    for name, dtype in chosen.schema.items():
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


def _read(result, table: str, frame: pl.DataFrame | None = None, domains: Domains | None = None
          ) -> tuple[pl.DataFrame, list[ExpectationOutcome]]:
    """Failing rows per check and one outcome per expectation, from the COMPLETE result. With `domains`
    GX saw distinct values: each failing value is mapped back to the rows of `frame` holding it."""
    parts, outcomes = [], []
    for r in result.results:
        cfg = r.expectation_config
        meta = cfg.meta or {}
        if r.exception_info and r.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"GX could not evaluate {cfg.type} for {meta.get('check')} on {table}: "
                f"{r.exception_info.get('exception_message')}"
            )
        ids = pl.Series(ROW_ID, r.result.get("unexpected_index_list") or [], dtype=pl.Int64).unique()
        if domains is not None:
            ids = domains.failing_rows(frame, columns_of(cfg.kwargs, frame.columns), ids.to_list())
        if ids.len():
            parts.append(ids.to_frame().with_columns(check=pl.lit(meta["check"]), rule_id=pl.lit(meta["rule_id"])))
        outcomes.append(
            ExpectationOutcome(
                rule_id=meta["rule_id"],
                check=meta["check"],
                severity=meta["severity"],
                expectation=cfg.type,
                columns=_columns_of(cfg.kwargs),
                success=bool(r.success),
                element_count=domains.rows if domains is not None else int(r.result.get("element_count") or 0),
                unexpected_count=ids.len(),
            )
        )
    schema = {ROW_ID: pl.Int64, "check": pl.String, "rule_id": pl.String}
    failures = pl.concat(parts).unique() if parts else pl.DataFrame(schema=schema)
    return failures, outcomes


# Lists in a result that grow with the failing rows: trimmed before the result is stored or rendered.
ROW_LISTS = ("unexpected_list", "unexpected_index_list", "partial_unexpected_list", "partial_unexpected_index_list",
             "partial_unexpected_counts")


def bound(result, sample: int = STORED_SAMPLE) -> None:
    """Trim every per-row list of a validation result to its first `sample` entries, in place.

    The rows are decided from the COMPLETE result before this; what is stored and rendered (the GX
    results store, Data Docs) is bounded whatever the number of failing rows. Every failing row is
    in the warehouse's quarantine with its reasons; counts (unexpected_count, ...) stay exact.
    """
    trimmed = False
    for r in result.results:
        res = r.result
        for name in ROW_LISTS:
            if isinstance(res.get(name), list) and len(res[name]) > sample:
                res[name], trimmed = res[name][:sample], True
        if "unexpected_index_query" in res:  # pandas: a filter naming every failing index
            res["unexpected_index_query"] = "see the warehouse's quarantine table for every failing row"
    if trimmed:
        result.meta["khlang_note"] = (f"per-row lists trimmed to the first {sample} rows per expectation; "
                                      "every failing row is in the warehouse (quarantine, rule_results)")


def validate(
    frame: pl.DataFrame,
    contract: Contract,
    parameters: dict[str, Any],
    project_root: Path | None = None,
    build_docs: bool = True,
) -> Validation:
    """Validate `frame` (must hold `_row_id`) against the contract's suite.

    With `project_root` the GX file context there keeps the suite, the results and the Data Docs;
    without it everything stays in memory (the pre-submission check writes nothing).

    GX runs with result_format COMPLETE; the rows are read from the result when GX hands it to its
    results store, and only then is the result `bound`ed: the store and Data Docs get a bounded one.
    """
    import time

    started = time.perf_counter()
    params = {k: (pd.Timestamp(v) if isinstance(v, date) else v) for k, v in parameters.items()}
    ctx, definition, checkpoint = _prepare(contract, project_root, build_docs)
    suite = definition.suite
    expectations = suite.to_json_dict()["expectations"]
    domains = reduce(frame, [(e["type"], e["kwargs"]) for e in expectations])
    target = domains.frame if domains is not None else frame
    pdf = _pandas(target, needed_columns(json.dumps(expectations), target))
    read: list[tuple[pl.DataFrame, list[ExpectationOutcome]]] = []

    def read_then_store(store_results, suite_validation_result, *args, **kwargs):
        read.append(_read(suite_validation_result, contract.table, frame, domains))
        bound(suite_validation_result)
        if domains is not None:
            suite_validation_result.meta["khlang_domains"] = (
                f"GX validated the distinct values of {domains.rows} rows ({max(domains.sizes, default=0)} at most per "
                "column group; expectations/domains.py); counts of failing rows are the warehouse's")
        return store_results(suite_validation_result, *args, **kwargs)

    docs = None
    for attempt in (1, 2):
        store = ctx.validation_results_store
        store.store_validation_results = partial(read_then_store, store.store_validation_results)  # this call only
        try:
            if checkpoint is None:
                definition.run(batch_parameters={"dataframe": pdf}, expectation_parameters=params,
                               result_format=RESULT_FORMAT)
            else:
                run_checkpoint(ctx, checkpoint, batch_parameters={"dataframe": pdf}, expectation_parameters=params)
                _saved_here(project_root)  # the Data Docs site may have been configured: this process's save
                _prune(project_root)
                docs = project_root / DATA_DOCS_INDEX
            break
        except ResourceFreshnessAggregateError:
            # Another process saved this table's suite, definition or checkpoint since this one kept them
            # (GX checks before validating anything): open the project again, once.
            if attempt == 2 or checkpoint is None:
                raise
            _forget()
            ctx, definition, checkpoint = _prepare(contract, project_root, build_docs)
        finally:
            del store.store_validation_results
    if len(read) != 1:
        raise RuntimeError(f"GX stored {len(read)} results for {contract.table}, expected one")
    failures, outcomes = read[0]
    # GX raises and catches thousands of exceptions while it builds metrics (pydantic validation errors,
    # KeyErrors); their tracebacks hold the frames of every caller, ours included, so the frames (and the
    # tables in them) would outlive this step until Python's next full collection. Collect those cycles
    # now: a 200,000-row sheet otherwise kept ~450 MiB alive into the following steps.
    read.clear()
    rows = len(pdf)
    del pdf
    if rows > COLLECT_ROWS:  # a small frame (distinct values) leaves little behind: a full collection costs more
        gc.collect()
        release()  # and give the heap GX used (pandas, Python objects) back before the next stage
    return Validation(contract.table, failures, outcomes, docs, time.perf_counter() - started)
