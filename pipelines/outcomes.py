"""Decide each row's outcome (contract section 1): valid, flagged, quarantined or superseded.

A row lists every rule it breaks, with a Thai and an English reason each. Any quarantining rule wins
over flagging ones. Among rows that are not quarantined, the latest submission for the same key
(school and period) stays and the others are superseded: later survey date, then later arrival in the
landing zone, then later row. A quarantined row never supersedes a good one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

from pipelines.parsing.cells import BE_OFFSET
from warehouse.contracts import Contract, parse_rules

OUTCOMES = ("valid", "flagged", "quarantined", "superseded")
CURRENT = ("valid", "flagged")  # the rows a validated table holds; superseded ones are history
ISSUE = pl.Struct({"rule_id": pl.String, "severity": pl.String, "th": pl.String, "en": pl.String})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
ROW_ID = "_row_id"
_LONG = {ROW_ID: pl.Int64, "_part": pl.Int8, "_order": pl.Int64, "rule_id": pl.String, "severity": pl.String,
         "th": pl.String, "en": pl.String}


def outcome_counts(rows: pl.DataFrame) -> dict[str, int]:
    """Rows per outcome (every outcome named, 0 when none)."""
    counts = dict(rows.get_column("_outcome").value_counts().iter_rows())
    return {o: int(counts.get(o, 0)) for o in OUTCOMES}


def _shown(name: str, dtype: pl.DataType | None, buddhist_era: bool) -> pl.Expr:
    """A value as a message quotes it: dates as dd/mm/yyyy in the Buddhist Era (29/08/2568) in Thai,
    ISO (2025-08-29) in English; anything else as text. Blank is `-`."""
    col = pl.col(name)
    is_date = dtype is not None and dtype in (pl.Date, pl.Datetime)
    if is_date and buddhist_era:
        text = pl.format("{}{}", col.dt.strftime("%d/%m/"), (col.dt.year() + BE_OFFSET).cast(pl.String))
    elif is_date:
        text = col.dt.strftime("%Y-%m-%d")
    else:
        text = col.cast(pl.String)
    return text.fill_null("-")


def _message(template: str, available: Mapping[str, pl.DataType] | set[str], buddhist_era: bool = False) -> pl.Expr:
    """`"code {school_code} unknown"` -> pl.format over the row's values (blank shown as `-`).

    `available`: the frame's schema (its column names will do when no value is a date); with
    `buddhist_era` (the Thai message) dates are shown dd/mm/yyyy BE, else ISO."""
    names = [n for n in _PLACEHOLDER.findall(template)]
    fmt = _PLACEHOLDER.sub("{}", template)
    dtypes = available if isinstance(available, Mapping) else {}
    args = [
        (_shown(n, dtypes.get(n), buddhist_era) if n in available else pl.lit("-"))
        for n in names
    ]
    return pl.format(fmt, *args) if args else pl.lit(template)


def _message_columns(frame: pl.DataFrame, contract: Contract) -> list[str]:
    """The columns the contract's messages quote (`{school_code}`, `{quantity}` …) that the frame has."""
    names = {n for c in contract.checks for n in _PLACEHOLDER.findall(c.th + c.en)}
    return [c for c in frame.columns if c in names and c not in (ROW_ID, "_parse_issues")]


def _rule_issue_rows(frame: pl.DataFrame, failures: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """One row per (row, failed check): its rule, severity and messages, in the contract's check order.

    Long format, built only for failing rows: a list of per-check structs for every row costs ~1 µs
    per row and check in Polars (seconds at 200,000 rows), which a row that fails nothing never needs.
    """
    available = frame.schema
    by_check = {k[0]: part.select(ROW_ID) for k, part in failures.partition_by("check", as_dict=True).items()}
    parts = []
    for order, c in enumerate(contract.checks):
        ids = by_check.get(c.key)
        if ids is None or ids.is_empty():
            continue
        names = sorted({n for n in _PLACEHOLDER.findall(c.th + c.en) if n in available and n != ROW_ID})
        rows = ids.join(frame.select(ROW_ID, *names), on=ROW_ID, how="inner")
        parts.append(rows.select(
            ROW_ID, _part=pl.lit(1, pl.Int8), _order=pl.lit(order, pl.Int64), rule_id=pl.lit(c.rule_id),
            severity=pl.lit(c.severity), th=_message(c.th, available, buddhist_era=True), en=_message(c.en, available),
        ))
    return pl.concat(parts) if parts else pl.DataFrame(schema=_LONG)


def _parse_issue_rows(frame: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """`_parse_issues` ({rule_id, column, value}) as one row each, rendered with the column's Thai header."""
    th_header = {c.name: c.header_th for c in contract.columns}
    rules = parse_rules()
    issues = (
        frame.select(ROW_ID, "_parse_issues")
        .filter(pl.col("_parse_issues").list.len() > 0)
        .with_columns(_order=pl.int_ranges(pl.col("_parse_issues").list.len(), dtype=pl.Int64))
        .explode("_parse_issues", "_order")
        .unnest("_parse_issues")
    )
    rule, column, value = pl.col("rule_id"), pl.col("column"), pl.col("value")

    def render(lang: str) -> pl.Expr:
        expr = pl.lit(None, pl.String)
        for rid, r in rules.items():
            template = getattr(r, lang)
            text = template.replace("{column_th}", "{}").replace("{column_en}", "{}").replace("{value}", "{}")
            order = _PLACEHOLDER.findall(template)
            parts = {"column_th": column.replace_strict(th_header, default=column), "column_en": column, "value": value}
            expr = pl.when(rule == rid).then(pl.format(text, *[parts[o] for o in order])).otherwise(expr)
        return expr

    severity = rule.replace_strict({rid: r.severity for rid, r in rules.items()}, default="quarantine")
    return issues.select(ROW_ID, _part=pl.lit(0, pl.Int8), _order="_order", rule_id=rule, severity=severity,
                         th=render("th"), en=render("en"))


REASON_CHUNK_ROWS = 50_000  # rows whose reasons are rendered at a time (bounds the long frame of messages)


def _reasons(frame: pl.DataFrame, failures: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Per failing row: rule IDs, whether any quarantines, and the Thai and English reasons joined."""
    issues = pl.concat([_parse_issue_rows(frame, contract).cast(_LONG), _rule_issue_rows(frame, failures, contract).cast(_LONG)])
    return (
        issues.sort(ROW_ID, "_part", "_order")
        .group_by(ROW_ID, maintain_order=True)
        .agg(
            _rule_ids=pl.col("rule_id").unique().sort(),
            _quarantine=(pl.col("severity") == "quarantine").any(),
            _reason_th=pl.col("th").str.join(" | "),
            _reason_en=pl.col("en").str.join(" | "),
        )
    )


def _outcome(chunk: pl.DataFrame, failures: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Rule IDs, outcome and reasons of each row of `chunk`, in its row order."""
    per_row = _reasons(chunk, failures.join(chunk.select(ROW_ID), on=ROW_ID, how="semi"), contract)
    return (
        chunk.select(ROW_ID).join(per_row, on=ROW_ID, how="left", maintain_order="left")
        .select(
            _rule_ids=pl.col("_rule_ids").fill_null(pl.lit([], pl.List(pl.String))),
            _outcome=pl.when(pl.col("_quarantine")).then(pl.lit("quarantined"))
            .when(pl.col("_quarantine").is_not_null()).then(pl.lit("flagged"))
            .otherwise(pl.lit("valid")),
            _reason_th=pl.col("_reason_th").fill_null(""),
            _reason_en=pl.col("_reason_en").fill_null(""),
        )
    )


def decide(frame: pl.DataFrame, failures: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Outcome, rule IDs and reasons for every row of `frame` (which has `_row_id`, `_parse_issues`).

    A row's reasons: its parse issues in cell order, then its failed checks in the contract's order.
    Rendered a chunk of rows at a time (on a sheet where most rows fail, every row has messages) and
    placed beside the frame: joining the whole frame would copy every one of its columns."""
    slim = frame.select(ROW_ID, "_parse_issues", *_message_columns(frame, contract))
    chunks = [_outcome(chunk, failures, contract) for chunk in slim.iter_slices(REASON_CHUNK_ROWS)]
    outcome = pl.concat(chunks) if chunks else _outcome(slim, failures, contract)
    decided = frame.drop("_rule_ids", "_outcome", "_reason_th", "_reason_en", strict=False).hstack(outcome)
    if contract.load == "incremental":  # decided across files after the night's appends (pipelines.incremental)
        return decided.with_columns(_superseded_by=pl.lit(None, pl.String))
    return supersede(decided, contract)


def supersede(frame: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Mark all but the latest good row per key as superseded, naming the row that replaced it."""
    order = [*contract.order_by, "_arrival_seq", "_sheet", "_row"]
    needed = list(dict.fromkeys([*contract.key, *order, "_row_id", "_outcome", "_source_file"]))
    live = frame.select(needed).filter(pl.col("_outcome") != "quarantined")  # only what the choice reads
    winners = (
        live.sort(order, nulls_last=False)
        .group_by(list(contract.key), maintain_order=True)
        .agg(
            pl.col("_row_id").last().alias("_winner"),
            pl.format("{} ({} แถว {})", pl.col("_source_file"), pl.col("_sheet"), pl.col("_row")).last().alias("_winner_at"),
        )
    )
    won = (
        frame.select(list(contract.key))
        .join(winners, on=list(contract.key), how="left", nulls_equal=True, maintain_order="left")  # blank school: one group (public users)
        .select("_winner", "_winner_at")
    )
    loses = (pl.col("_outcome") != "quarantined") & pl.col("_winner").is_not_null() & (pl.col("_winner") != pl.col("_row_id"))
    return frame.hstack(won).with_columns(  # beside the frame, in its row order: no copy of its columns
        _outcome=pl.when(loses).then(pl.lit("superseded")).otherwise(pl.col("_outcome")),
        _superseded_by=pl.when(loses).then(pl.col("_winner_at")).otherwise(None),
    ).drop("_winner", "_winner_at")
