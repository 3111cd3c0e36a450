"""What a validation returns, whichever engine ran it (GX in the nightly run, Polars in `khlang check`).

Kept apart from both engines so that the check, which must not import GX, shares the same types."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl


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
    data_docs: Path | None  # the GX Data Docs index the run updated; None when nothing was written
    seconds: float
