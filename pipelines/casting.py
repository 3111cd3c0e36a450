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
    `_parse_issues`. Lineage columns (names starting with `_`) pass through unchanged.

    Issues are found as one boolean column per (column, rule) in the same pass as the typed values, then
    built as structs for the flagged cells only and gathered back per row in column order: a list of
    every possible issue for every row (27 columns x 5 rules) cost 43 s and 4 GiB on a 200,000-row sheet
    (benchmarks/big_sheet.py), this way it costs a fraction.
    """
    typed, flags, issues = [], [], []
    errors = list(formula_errors())
    for col in contract.columns:
        p = parse_column(col)
        written = cells.text(pl.col(col.name))
        formula_error = written.is_in(errors).fill_null(False)
        long, shown = _too_long(col)
        typed.append(pl.when(formula_error).then(None).otherwise(p.value).cast(DTYPES[col.type]).alias(col.name))
        found = [
            ("FMT-01", p.unreadable.fill_null(False) & ~formula_error & ~long, written),
            ("FMT-02", p.ce_year.fill_null(False), written),
            ("FMT-03", formula_error, written),
            ("FMT-04", long, shown),
        ]
        if col.required:
            blank = written.is_null()
            if col.type in ("code", "phone"):  # blank once cleaned, e.g. a code cell holding only `'`
                blank = blank | p.value.is_null()
            found.append(("REQ-01", blank & ~formula_error, written))
        for rule_id, when, value in found:
            k = len(issues)
            flags.append(when.fill_null(False).alias(f"_cast_flag{k}"))
            issues.append(pl.struct(rule_id=pl.lit(rule_id), column=pl.lit(col.name), value=value.fill_null(""))
                          .alias("_issue"))
    public = [c.name for c in contract.public_columns]
    lineage = [c for c in raw.columns if c.startswith("_")]
    source = raw.with_row_index("_cast_i")
    wide = source.select(
        "_cast_i", *lineage, *typed, pl.struct(public).struct.json_encode().alias("_raw"), *flags
    )
    flagged = [
        source.filter(wide.get_column(f"_cast_flag{k}")).select("_cast_i", pl.lit(k, pl.Int32).alias("_cast_k"), issue)
        for k, issue in enumerate(issues)
    ]
    per_row = (
        pl.concat(flagged).sort("_cast_i", "_cast_k").group_by("_cast_i", maintain_order=True)
        .agg(pl.col("_issue").alias("_parse_issues"))
    )
    return (
        wide.select("_cast_i", *lineage, *contract.column_names, "_raw")
        .join(per_row, on="_cast_i", how="left", maintain_order="left")
        .with_columns(pl.col("_parse_issues").fill_null(pl.lit([], pl.List(ISSUE))).cast(pl.List(ISSUE)))
        .drop("_cast_i")
    )
