"""Small helpers for Dagster metadata shown in the UI."""

from __future__ import annotations

import dagster as dg
import polars as pl


def md_table(df: pl.DataFrame, limit: int = 20) -> dg.MetadataValue:
    """A Markdown preview of the first rows (no extra dependency such as tabulate)."""
    head = df.head(limit)
    cols = head.columns
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in head.iter_rows():  # at most `limit` rows: a preview, not data processing
        lines.append("| " + " | ".join("" if v is None else str(v).replace("|", "/") for v in row) + " |")
    return dg.MetadataValue.md("\n".join(lines))
