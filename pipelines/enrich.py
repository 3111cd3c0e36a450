"""Context a survey row needs before its rules can be checked: the register and past allocations.

Named in a contract's `enrich:` list. Enrichment only adds columns (prefixed `school_` or named in the
contract's `derive:`); the rules that read them stay in the contract as GX expectations. A school not in
the register gets nulls here, and GX skips nulls, so an unknown school (REF-01) is not also checked
against register-based rules.
"""

from __future__ import annotations

import re

import polars as pl

from warehouse.contracts import Contract, lists

ALLOCATION_LOOKBACK_YEARS = 3  # DLTV-05: the previous three fiscal years


SMIS_WIDTH = 8


def resolve_codes(frame: pl.DataFrame, register: pl.DataFrame) -> pl.DataFrame:
    """A school written by its 8-digit SMIS code resolves to its 10-digit school code.

    A SMIS code stored as a number may have lost its leading zero, so short digit codes are padded
    to 8 for the lookup (a 10-digit OBEC code starts with 10 and is never padded).
    """
    by_smis = register.filter(pl.col("smis_code").is_not_null()).select(
        pl.col("smis_code").alias("_smis"), pl.col("school_code").alias("_resolved")
    )
    known = register.get_column("school_code")
    code = pl.col("school_code")
    as_smis = pl.when(code.str.contains(r"^\d{1,8}$")).then(code.str.zfill(SMIS_WIDTH)).otherwise(code)
    resolved = (
        frame.select("school_code", _smis_lookup=as_smis)
        .join(by_smis, left_on="_smis_lookup", right_on="_smis", how="left", maintain_order="left")
        .select(
            _submitted_code=code,
            school_code=pl.when(code.is_in(known.implode()).not_() & pl.col("_resolved").is_not_null())
            .then(pl.col("_resolved"))
            .otherwise(code),
        )
    )
    return _beside(frame, resolved)


def _beside(frame: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """`frame` with `new`'s columns (same rows, same order) added or replaced, sharing every other column.

    Enrichment looks things up for a few key columns and places the answers beside the frame: joining
    the whole frame would copy every one of its columns (hundreds of MiB on a 200,000-row sheet)."""
    return frame.with_columns(new.get_columns())


def with_register(frame: pl.DataFrame, register: pl.DataFrame) -> pl.DataFrame:
    attrs = register.select(
        "school_code",
        pl.col("students_total").alias("school_students_total"),
        pl.col("is_dltv_school").alias("school_is_dltv"),
        pl.col("size_class").alias("school_size_class"),
        pl.col("district").alias("school_district"),
        pl.col("dltv_eligible").alias("school_dltv_eligible"),
        pl.lit(True).alias("school_in_register"),
    )
    frame = resolve_codes(frame, register)
    looked_up = (
        frame.select("school_code")
        .join(attrs, on="school_code", how="left", maintain_order="left")
        # REF-01 reads `school_in_register`: a join here rather than the register's codes as a GX
        # parameter, which GX copies into every expectation configuration (25,000 codes: 2-5 s a table).
        .with_columns(school_in_register=pl.when(pl.col("school_code").is_not_null())
                      .then(pl.col("school_in_register").fill_null(False)))
        .drop("school_code")
    )
    return _beside(frame, looked_up)


def with_recent_allocations(frame: pl.DataFrame, allocations: pl.DataFrame) -> pl.DataFrame:
    """`<item>_allocated_prev3`: units of the item the school received in the previous 3 fiscal years."""
    keys = frame.select("_row_id", "school_code", "fiscal_year")
    counts = []
    for item in lists()["dltv_items"]:
        got = allocations.filter(pl.col("item") == item.key).select(
            "school_code", pl.col("fiscal_year").alias("_alloc_year"), "quantity"
        )
        counted = (
            keys.join(got, on="school_code", how="inner")
            .filter(
                pl.col("_alloc_year").is_between(
                    pl.col("fiscal_year") - ALLOCATION_LOOKBACK_YEARS, pl.col("fiscal_year") - 1
                )
            )
            .group_by("_row_id")
            .agg(pl.col("quantity").sum().alias(f"{item.key}_allocated_prev3"))
        )
        counts.append(keys.select("_row_id").join(counted, on="_row_id", how="left", maintain_order="left").drop("_row_id"))
    return _beside(frame, pl.concat(counts, how="horizontal"))


OCCURRENCE = re.compile(r"^\s*ROW_NUMBER\(\)\s+OVER\s*\(\s*PARTITION\s+BY\s+([\w\s,]+?)\s*\)\s*$", re.I)


def _occurrence(frame: pl.DataFrame, keys: list[str]) -> pl.Series:
    """`ROW_NUMBER() OVER (PARTITION BY keys)` with no ORDER BY: the occurrence of each row's key so far, in
    row order. Numbered only on the rows whose key repeats (an exact duplicate mask, then the window over
    those few rows): on a million events the window over every row costs 0.6 s, this 0.1 s. (A
    `when(repeats).then(window)` would not save it: Polars evaluates both branches on every row.)"""
    ones = pl.repeat(1, frame.height, dtype=pl.Int64, eager=True)
    # Equal keys hash alike, so only rows whose key hash repeats can repeat: their keys are compared
    # (half the time of comparing every row's five keys, a hashed user id among them).
    maybe = frame.select(pl.struct(keys).hash().is_duplicated()).to_series().arg_true()
    repeated = maybe.gather(frame[maybe].select(pl.struct(keys).is_duplicated()).to_series().arg_true())
    if repeated.len() == 0:
        return ones
    numbered = frame[repeated].select(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over(keys)).to_series()
    return ones.scatter(repeated, numbered)


def _expression(frame: pl.DataFrame, expr: str) -> pl.Expr | pl.Series:
    """A derive expression as Polars (a Series for the occurrence window, computed here)."""
    m = OCCURRENCE.match(expr)
    if not m:
        return pl.sql_expr(expr)
    return _occurrence(frame, [k.strip() for k in m.group(1).split(",")])


def derive(frame: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """The contract's `computed:` and `derive:` columns, written as SQL expressions, evaluated by Polars."""
    exprs = {**contract.computed, **contract.derive}
    if not exprs:
        return frame
    return frame.with_columns(_expression(frame, expr).alias(name) for name, expr in exprs.items())


def with_register_by_code(frame: pl.DataFrame, register: pl.DataFrame) -> pl.DataFrame:
    """`with_register`, computed once per distinct school code and joined back: a million platform events
    name a few hundred schools. The same columns and values, in the frame's row order."""
    codes = frame.select("school_code").unique()
    if codes.height > frame.height // 4:
        return with_register(frame, register)
    looked = with_register(codes, register).rename({"school_code": "_resolved"})
    back = frame.select("school_code").join(looked, left_on="school_code", right_on="_submitted_code", how="left",
                                            nulls_equal=True, maintain_order="left")
    added = [c for c in looked.columns if c not in ("_resolved", "_submitted_code")]
    return _beside(frame, back.select(pl.col("school_code").alias("_submitted_code"),
                                      pl.col("_resolved").alias("school_code"), *added))


def enrich(
    frame: pl.DataFrame,
    contract: Contract,
    register: pl.DataFrame | None,
    allocations: pl.DataFrame | None = None,
) -> pl.DataFrame:
    if "register" in contract.enrich:
        if register is None:
            raise ValueError(f"{contract.table} needs the school register to be checked")
        frame = with_register_by_code(frame, register)
    if "recent_allocations" in contract.enrich:
        empty = pl.DataFrame(schema={"school_code": pl.String, "fiscal_year": pl.Int32, "item": pl.String, "quantity": pl.Int64})
        frame = with_recent_allocations(frame, allocations if allocations is not None else empty)
    return derive(frame, contract)
