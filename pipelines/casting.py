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
    "datetime": pl.Datetime("us"),
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
    match col.type:
        case "code":
            return cells.never(cells.code(raw, col.width))
        case "text":
            return cells.never(cells.text(raw))
        case "phone":
            return cells.never(cells.phone(raw))
        case "enum":
            return cells.never(_enum(raw, col.list))
        case "int":
            return cells.integer(raw)
        case "decimal":
            return cells.number(raw)
        case "be_year":
            return cells.be_year(raw)
        case "date":
            return cells.date(raw, col.plausible, col.warn_ce)
        case "datetime":
            return cells.datetime_(raw, col.warn_ce)
        case "bool":
            return cells.boolean(raw, col.blank)
    raise ValueError(f"column {col.name}: unknown contract type {col.type!r}")


LONG_PREVIEW = 30  # characters of an over-long value shown in its FMT-04 reason


def _too_long(col: Column, written: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """FMT-04: (longer than `max_length`, `"<length> > <limit>: <first characters>…"` for the reason)."""
    if not col.max_length:
        return pl.lit(False), pl.lit(None, pl.String)
    n = written.str.len_chars()
    shown = pl.format("{} > {}: {}…", n, pl.lit(col.max_length), written.str.slice(0, LONG_PREVIEW))
    return (n > col.max_length).fill_null(False), shown


CHUNK_ROWS = 25_000  # rows cast at a time, at least: a chunk bounds casting's working memory
CHUNK_CELLS = 700_000  # cells cast at a time: a narrow table (7 columns of events) takes bigger chunks


def cast(raw: pl.DataFrame, contract: Contract, hashed: bool = False) -> pl.DataFrame:
    """`cast_rows` a chunk of rows at a time: the same result, with working memory for one chunk (a
    200,000-row sheet cast whole needed ~500 MiB of intermediates beside its 215 MiB result).
    `hashed`: the rows come from the parse cache, their `pseudonymise` columns already keyed hashes."""
    rows = max(CHUNK_ROWS, CHUNK_CELLS // max(len(contract.columns), 1))
    if raw.height <= rows:
        return cast_rows(raw, contract, hashed)
    return pl.concat([cast_rows(chunk, contract, hashed) for chunk in raw.iter_slices(rows)], rechunk=False)


DISTINCT_SHARE = 0.5  # parse a column's distinct values once when they are at most this share of its rows


def _stage_column(raw: pl.DataFrame, col: Column, p: cells.Parsed, i: int, hashed: bool = False) -> pl.DataFrame:
    """Column i's cleaned text, parsed value and CE-year warning. Every parser is a function of the cell
    alone, so a column with few distinct values (codes, coded lists, counts, days) is parsed once per
    distinct value and joined back: a million platform events hold a few thousand distinct values.
    `hashed`: a text column the parse replaced by its keyed hashes (PII-01: `h1:` and hex, or null,
    pipelines.pii), already clean text that is its own value: taken as it is (on a million events the
    cleaning and the join back cost 0.18 CPU-s for nothing)."""
    if hashed and col.type == "text":
        return raw.select(pl.col(col.name).alias(f"_cast_w{i}"), pl.col(col.name).alias(f"_cast_v{i}"))
    exprs = [cells.text(pl.col(col.name)).alias(f"_cast_w{i}"), p.value.alias(f"_cast_v{i}")]
    if p.warns:
        exprs.append(p.ce_year.fill_null(False).alias(f"_cast_c{i}"))
    src = raw.select(col.name)
    # (an estimate decides: counting a million timestamps exactly cost more than the parse it would save)
    if src.select(pl.col(col.name).approx_n_unique()).item() > DISTINCT_SHARE * src.height:
        return src.select(exprs)
    parsed = src.unique().with_columns(exprs)
    return src.join(parsed, on=col.name, how="left", nulls_equal=True, maintain_order="left").drop(col.name)


def cast_rows(raw: pl.DataFrame, contract: Contract, hashed: bool = False) -> pl.DataFrame:
    """Typed contract columns + `_parse_issues`. (What was written stays in the raw layer; the quarantine
    view shows it from there: `warehouse.views`.) Lineage columns (names starting with `_`) pass through unchanged.

    Three passes, each over materialized columns of the one before, because eager Polars evaluates a
    sub-expression once per use: (1) every column's cleaned text, parsed value and CE-year warning, once;
    (2) typed values and one boolean per (column, rule) read from those; (3) issue structs for the
    flagged cells only, gathered back per row in column order. Building every possible issue for every
    row, or parsing a value again for each check that reads it, cost 43 s and 4 GiB on a 200,000-row
    sheet (benchmarks/big_sheet.py).
    """
    errors = list(formula_errors())
    columns = list(contract.columns)
    parsed = [parse_column(col) for col in columns]
    lineage = [c for c in raw.columns if c.startswith("_")]
    w, v, ce = (lambda i: pl.col(f"_cast_w{i}")), (lambda i: pl.col(f"_cast_v{i}")), (lambda i: pl.col(f"_cast_c{i}"))
    stage = pl.concat(
        [raw.with_row_index("_cast_i").select("_cast_i", *lineage)]
        + [_stage_column(raw, col, p, i, hashed and col.name in contract.pseudonymise) for i, (col, p) in enumerate(zip(columns, parsed))],
        how="horizontal",
    )
    typed, flags, issues = [], [], []
    for i, (col, p) in enumerate(zip(columns, parsed)):
        written, value = w(i), v(i)
        formula_error = written.is_in(errors).fill_null(False)
        long, shown = _too_long(col, written)
        typed.append(pl.when(formula_error).then(None).otherwise(value).cast(DTYPES[col.type]).alias(col.name))
        found = [("FMT-03", formula_error, written), ("FMT-04", long, shown)]
        if p.checked:
            found.append(("FMT-01", cells.unreadable(written, value) & ~formula_error & ~long, written))
        if p.warns:
            found.append(("FMT-02", ce(i), written))
        if col.required:
            blank = written.is_null()
            if col.type in ("code", "phone"):  # blank once cleaned, e.g. a code cell holding only `'`
                blank = blank | value.is_null()
            found.append(("REQ-01", blank & ~formula_error, written))
        order = {"FMT-01": 0, "FMT-02": 1, "FMT-03": 2, "FMT-04": 3, "REQ-01": 4}  # the reasons' order
        for rule_id, when, shown_value in sorted(found, key=lambda f: order[f[0]]):
            k = len(issues)
            flags.append(when.alias(f"_cast_flag{k}"))
            issues.append(pl.struct(rule_id=pl.lit(rule_id), column=pl.lit(col.name),
                                    value=shown_value.fill_null("")).alias("_issue"))
    checked = stage.select("_cast_i", *lineage, *typed, *flags)
    flagged = [
        stage.filter(checked.get_column(f"_cast_flag{k}")).select("_cast_i", pl.lit(k, pl.Int32).alias("_cast_k"), issue)
        for k, issue in enumerate(issues)
    ]
    per_row = (
        pl.concat(flagged).sort("_cast_i", "_cast_k").group_by("_cast_i", maintain_order=True)
        .agg(pl.col("_issue").alias("_parse_issues"))
    )
    return (
        checked.select("_cast_i", *lineage, *contract.column_names)
        .join(per_row, on="_cast_i", how="left", maintain_order="left")
        .with_columns(pl.col("_parse_issues").fill_null(pl.lit([], pl.List(ISSUE))).cast(pl.List(ISSUE)))
        .drop("_cast_i")
    )
