"""Raw text rows -> contract-typed rows, recording every cell that could not be read.

The per-cell problems found here are rules FMT-01 (unreadable, quarantine), FMT-02 (CE year converted
to BE, flag) and REQ-01 (required value blank, quarantine). They travel in `_parse_issues`, a list of
{rule_id, column, value} per row, so the reason text can name the column and what was written.
"""

from __future__ import annotations

import polars as pl

from pipelines.parsing import cells
from pipelines.parsing.headers import key, key_expr
from warehouse.contracts import Column, Contract, lists

ISSUE = pl.Struct({"rule_id": pl.String, "column": pl.String, "value": pl.String})
DTYPES = {
    "code": pl.String,
    "text": pl.String,
    "phone": pl.String,
    "enum": pl.String,
    "int": pl.Int64,
    "decimal": pl.Float64,
    "be_year": pl.Int32,
    "date": pl.Date,
    "bool": pl.Boolean,
}


def _enum(raw: pl.Expr, list_name: str) -> pl.Expr:
    """Map aliases (Thai, English, spacing variants) to the list's key; unknown values stay as written."""
    mapping = {}
    for item in lists()[list_name]:
        for label in (item.key, item.th, item.en, *item.aliases):
            mapping.setdefault(key(label), item.key)
    written = cells.text(raw)
    return key_expr(written).replace_strict(mapping, default=written, return_dtype=pl.String)


def parse_column(col: Column) -> cells.Parsed:
    raw = pl.col(col.name)
    never = pl.lit(False)
    match col.type:
        case "code":
            return cells.Parsed(cells.code(raw, col.width), never, never)
        case "text":
            return cells.Parsed(cells.text(raw), never, never)
        case "phone":
            return cells.Parsed(cells.phone(raw), never, never)
        case "enum":
            return cells.Parsed(_enum(raw, col.list), never, never)
        case "int":
            return cells.integer(raw)
        case "decimal":
            return cells.number(raw)
        case "be_year":
            return cells.be_year(raw)
        case "date":
            return cells.date(raw)
        case "bool":
            return cells.boolean(raw)
    raise ValueError(f"column {col.name}: unknown contract type {col.type!r}")


def _issue(rule_id: str, col: Column, when: pl.Expr) -> pl.Expr:
    return pl.when(when).then(
        pl.struct(
            rule_id=pl.lit(rule_id),
            column=pl.lit(col.name),
            value=cells.text(pl.col(col.name)).fill_null(""),
        )
    )


def cast(raw: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Typed contract columns + `_raw` (JSON of the written values, personal data removed) +
    `_parse_issues`. Lineage columns (names starting with `_`) pass through unchanged."""
    typed, issues = [], []
    for col in contract.columns:
        p = parse_column(col)
        typed.append(p.value.cast(DTYPES[col.type]).alias(col.name))
        issues.append(_issue("FMT-01", col, p.unreadable.fill_null(False)))
        issues.append(_issue("FMT-02", col, p.ce_year.fill_null(False)))
        if col.required:
            blank = cells.text(pl.col(col.name)).is_null()
            if col.type in ("code", "phone"):  # blank once cleaned, e.g. a code cell holding only `'`
                blank = blank | p.value.is_null()
            issues.append(_issue("REQ-01", col, blank))
    public = [c.name for c in contract.public_columns]
    lineage = [c for c in raw.columns if c.startswith("_")]
    return raw.select(
        *lineage,
        *typed,
        pl.struct(public).struct.json_encode().alias("_raw"),
        pl.concat_list(issues).list.drop_nulls().cast(pl.List(ISSUE)).alias("_parse_issues"),
    )
