"""Does a rule's result need a person tonight? The contracts declare when (warehouse.contracts.Attention).

A rule that quarantined a few rows did its job: the rows are kept out with their reasons, and the counts
are a finding. A rule needs a person when its contract says any failing row does (the office's own
registers), or when a file has a large share of its rows failing it (a wrong template, a systematic
error). Computed with Polars over the validated rows of one table.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from warehouse.contracts import Attention


@dataclass(frozen=True)
class Verdict:
    rows_failed: int
    needs_person: bool
    files: pl.DataFrame  # per file: rows, rows_failed, share (files with a failing row), worst first


def judge(rows: pl.DataFrame, rule_id: str, attention: Attention, totals: pl.DataFrame | None = None) -> Verdict:
    """`rows`: a validated table's rows of this run (`_source_file`, `_rule_ids`). With `totals` (rows per
    `_source_file`), `rows` may hold only the rows that broke some rule (a night of millions of events)."""
    per_file = (
        rows.group_by("_source_file")
        .agg(rows=pl.len(), rows_failed=pl.col("_rule_ids").list.contains(rule_id).sum())
    )
    if totals is not None:
        per_file = per_file.drop("rows").join(totals.select("_source_file", pl.col("rows").cast(pl.UInt32)),
                                              on="_source_file", how="left")
    per_file = (
        per_file
        .filter(pl.col("rows_failed") > 0)
        .with_columns(share=(pl.col("rows_failed") / pl.col("rows")).round(3))
        .sort("share", "rows_failed", "_source_file", descending=[True, True, False])
    )
    failed = int(per_file.get_column("rows_failed").sum() or 0)
    if attention.never or failed == 0:
        needs = False
    elif attention.any:
        needs = True
    else:
        needs = per_file.filter(
            (pl.col("share") >= attention.file_share) & (pl.col("rows_failed") >= attention.min_rows)
        ).height > 0
    return Verdict(failed, needs, per_file)
