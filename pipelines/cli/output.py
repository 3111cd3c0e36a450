"""Printing for every command: flushed lines, so progress shows while a run works."""

from __future__ import annotations

OUTCOME_COLUMNS = ["rows_in", "valid", "flagged", "quarantined", "superseded"]


def out(text: str = "") -> None:
    print(text, flush=True)
