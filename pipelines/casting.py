"""Raw text rows -> contract-typed rows, recording every cell that could not be read.

The per-cell problems found here are rules FMT-01 (unreadable, quarantine), FMT-02 (CE year converted
to BE, flag), FMT-03 (a formula error such as `#REF!`, quarantine), FMT-04 (longer than the column's
`max_length`, quarantine) and REQ-01 (required value blank, quarantine). They travel in
`_parse_issues`, a list of {rule_id, column, value} per row, so the reason text can name the column and
what was written. A formula-error cell is FMT-03 only (its value is unknown, not unreadable or blank).
"""

from __future__ import annotations

import polars as pl

from pipelines.parsing import cells
from pipelines.parsing.headers import key, key_expr
from warehouse.contracts import Column, Contract, formula_errors, lists

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


LONG_PREVIEW = 30  # characters of an over-long value shown in its FMT-04 reason


def _issue(rule_id: str, col: Column, when: pl.Expr, value: pl.Expr | None = None) -> pl.Expr:
    return pl.when(when).then(
        pl.struct(
            rule_id=pl.lit(rule_id),
            column=pl.lit(col.name),
            value=(cells.text(pl.col(col.name)) if value is None else value).fill_null(""),
        )
    )


def _too_long(col: Column) -> tuple[pl.Expr, pl.Expr]:
    """FMT-04: (longer than `max_length`, `"<length> > <limit>: <first characters>…"` for the reason)."""
    written = cells.text(pl.col(col.name))
    if not col.max_length:
        return pl.lit(False), pl.lit(None, pl.String)
    n = written.str.len_chars()
    shown = pl.format("{} > {}: {}…", n, pl.lit(col.max_length), written.str.slice(0, LONG_PREVIEW))
    return (n > col.max_length).fill_null(False), shown


def cast(raw: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Typed contract columns + `_raw` (JSON of the written values, personal data removed) +
    `_parse_issues`. Lineage columns (names starting with `_`) pass through unchanged."""
    typed, issues = [], []
    errors = list(formula_errors())
    for col in contract.columns:
        p = parse_column(col)
        formula_error = cells.text(pl.col(col.name)).is_in(errors).fill_null(False)
        long, shown = _too_long(col)
        typed.append(pl.when(formula_error).then(None).otherwise(p.value).cast(DTYPES[col.type]).alias(col.name))
        issues.append(_issue("FMT-01", col, p.unreadable.fill_null(False) & ~formula_error & ~long))
        issues.append(_issue("FMT-02", col, p.ce_year.fill_null(False)))
        issues.append(_issue("FMT-03", col, formula_error))
        issues.append(_issue("FMT-04", col, long, shown))
        if col.required:
            blank = cells.text(pl.col(col.name)).is_null()
            if col.type in ("code", "phone"):  # blank once cleaned, e.g. a code cell holding only `'`
                blank = blank | p.value.is_null()
            issues.append(_issue("REQ-01", col, blank & ~formula_error))
    public = [c.name for c in contract.public_columns]
    lineage = [c for c in raw.columns if c.startswith("_")]
    return raw.select(
        *lineage,
        *typed,
        pl.struct(public).struct.json_encode().alias("_raw"),
        pl.concat_list(issues).list.drop_nulls().cast(pl.List(ISSUE)).alias("_parse_issues"),
    )
