"""GX on distinct values: when every expectation of a suite judges each row by that row's own values,
GX validates the distinct values (tuples) instead of every row, and each failing value is mapped back
to the rows that hold it.

Why: GX's pandas engine costs about a second per expectation per million rows, single-threaded and in
memory; a year of platform events is ten million rows. What a column-map expectation (in set, between,
a column pair compared) says about a row depends only on the row's values in the columns it reads (and
its row condition's), so the verdict on a distinct tuple is the verdict on every row holding it: the
rows GX would flag are exactly the rows whose tuple GX flags. Expectations that compare rows with each
other (uniqueness, `mostly`, aggregates) need every row: a suite with any of them runs on every row,
as before. Columns read together by one expectation form a group; each group's distinct tuples are
laid side by side in one frame, padded with nulls, which every row-local expectation here skips
(`ignore_row_if` must skip missing values for column pairs).

A suite of platform events reduces to a few thousand tuples (platforms, event types, days, durations),
whatever the number of events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

ROW_ID = "_row_id"
ROW_LOCAL = {
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_be_between",
    "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex",
    "expect_column_pair_values_to_be_equal",
    "expect_column_pair_values_a_to_be_greater_than_b",
}
PAIRS = {"expect_column_pair_values_to_be_equal", "expect_column_pair_values_a_to_be_greater_than_b"}
WORTH_IT = 0.5  # reduce only when the distinct tuples are at most this share of the rows
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def columns_of(kwargs: dict, frame_columns: list[str] | set[str]) -> tuple[str, ...]:
    """The frame columns an expectation reads: its column(s) and those its row condition names."""
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    cols += list(kwargs.get("column_list", []))
    condition = kwargs.get("row_condition")
    if condition:
        cols += [w for w in _WORD.findall(str(condition)) if w in frame_columns]
    return tuple(sorted(set(cols)))


def _row_local(kwargs: dict, kind: str) -> bool:
    if kind not in ROW_LOCAL or kwargs.get("mostly", 1) != 1:
        return False
    if kind in PAIRS and kwargs.get("ignore_row_if", "both_values_are_missing") == "neither":
        return False
    return True


@dataclass
class Domains:
    """Distinct tuples per column group, side by side in `frame` (padded with nulls, `_row_id` 0..n-1)."""

    frame: pl.DataFrame
    groups: list[tuple[str, ...]]
    sizes: list[int]
    rows: int  # rows of the table the domains stand for

    def group_of(self, columns: tuple[str, ...]) -> int:
        for i, g in enumerate(self.groups):
            if set(columns) <= set(g):
                return i
        raise KeyError(f"no domain group holds {columns}")

    def failing_rows(self, table: pl.DataFrame, columns: tuple[str, ...], domain_ids: list[int]) -> pl.Series:
        """`_row_id` of the rows of `table` whose values in the group of `columns` are one of the
        failing domain tuples."""
        g = self.group_of(columns)
        cols = list(self.groups[g])
        ids = pl.Series(domain_ids, dtype=pl.Int64)
        failing = self.frame.filter(pl.col(ROW_ID).is_in(ids.implode())).select(cols)
        if failing.is_empty():
            return pl.Series(ROW_ID, [], dtype=pl.Int64)
        return table.select(ROW_ID, *cols).join(failing, on=cols, how="semi", nulls_equal=True).get_column(ROW_ID)


def reduce(table: pl.DataFrame, expectations: list[tuple[str, dict]]) -> Domains | None:
    """Domains for `expectations` ((type, kwargs) pairs) over `table`, or None when the suite needs
    every row (an expectation that is not row-local) or reducing would not shrink the work."""
    if not expectations or any(not _row_local(kw, kind) for kind, kw in expectations):
        return None
    sets = [columns_of(kw, table.columns) for _, kw in expectations]
    groups: list[set[str]] = []
    for s in sets:  # columns read together end up in one group
        merged = set(s)
        for g in [g for g in groups if g & merged]:
            merged |= g
            groups.remove(g)
        groups.append(merged)
    ordered = [tuple(c for c in table.columns if c in g) for g in groups]
    domains = [table.select(g).unique(maintain_order=True) for g in ordered]
    size = max((d.height for d in domains), default=0)
    if size > WORTH_IT * table.height:
        return None
    padded = []
    for d in domains:
        pad = pl.DataFrame(schema=d.schema).extend(pl.DataFrame([pl.Series(c, [None] * (size - d.height), dtype=t)
                                                                 for c, t in d.schema.items()]))
        padded.append(pl.concat([d, pad]) if size > d.height else d)
    frame = pl.concat(padded, how="horizontal").with_row_index(ROW_ID).with_columns(pl.col(ROW_ID).cast(pl.Int64))
    return Domains(frame, ordered, [d.height for d in domains], table.height)
