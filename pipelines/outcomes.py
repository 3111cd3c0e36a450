"""Decide each row's outcome (contract section 1): valid, flagged, quarantined or superseded.

A row lists every rule it breaks, with a Thai and an English reason each. Any quarantining rule wins
over flagging ones. Among rows that are not quarantined, the latest submission for the same key
(school and period) stays and the others are superseded: later survey date, then later arrival in the
landing zone, then later row. A quarantined row never supersedes a good one.
"""

from __future__ import annotations

import re

import polars as pl

from warehouse.contracts import Contract, parse_rules

OUTCOMES = ("valid", "flagged", "quarantined", "superseded")
CURRENT = ("valid", "flagged")  # the rows a validated table holds; superseded ones are history
ISSUE = pl.Struct({"rule_id": pl.String, "severity": pl.String, "th": pl.String, "en": pl.String})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _message(template: str, available: set[str]) -> pl.Expr:
    """`"code {school_code} unknown"` -> pl.format over the row's values (blank shown as `-`)."""
    names = [n for n in _PLACEHOLDER.findall(template)]
    fmt = _PLACEHOLDER.sub("{}", template)
    args = [
        (pl.col(n).cast(pl.String).fill_null("-") if n in available else pl.lit("-"))
        for n in names
    ]
    return pl.format(fmt, *args) if args else pl.lit(template)


def _rule_issues(frame: pl.DataFrame, contract: Contract) -> pl.Expr:
    available = set(frame.columns)
    return pl.concat_list(
        [
            pl.when(pl.col("_checks").list.contains(c.key)).then(
                pl.struct(
                    rule_id=pl.lit(c.rule_id),
                    severity=pl.lit(c.severity),
                    th=_message(c.th, available),
                    en=_message(c.en, available),
                )
            )
            for c in contract.checks
        ]
        or [pl.lit(None, ISSUE)]
    ).list.drop_nulls()


def _parse_issue_messages(contract: Contract) -> pl.Expr:
    """Render `_parse_issues` ({rule_id, column, value}) with the column's Thai header."""
    th_header = {c.name: c.header_th for c in contract.columns}
    rules = parse_rules()
    el = pl.element()
    rule = el.struct.field("rule_id")
    column = el.struct.field("column")
    value = el.struct.field("value")

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
    return pl.col("_parse_issues").list.eval(
        pl.struct(rule_id=rule, severity=severity, th=render("th"), en=render("en"))
    )


def decide(frame: pl.DataFrame, failures: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Outcome, rule IDs and reasons for every row of `frame` (which has `_row_id`, `_parse_issues`)."""
    failed = failures.group_by("_row_id").agg(pl.col("check").alias("_checks"))
    frame = frame.join(failed, on="_row_id", how="left").with_columns(
        pl.col("_checks").fill_null(pl.lit([], pl.List(pl.String)))
    )
    issues = pl.concat_list(_parse_issue_messages(contract), _rule_issues(frame, contract))
    frame = frame.with_columns(_issues=issues)
    severities = pl.col("_issues").list.eval(pl.element().struct.field("severity"))
    decided = frame.with_columns(
        _rule_ids=pl.col("_issues").list.eval(pl.element().struct.field("rule_id")).list.unique().list.sort(),
        _outcome=pl.when(severities.list.contains("quarantine"))
        .then(pl.lit("quarantined"))
        .when(pl.col("_issues").list.len() > 0)
        .then(pl.lit("flagged"))
        .otherwise(pl.lit("valid")),
        _reason_th=pl.col("_issues").list.eval(pl.element().struct.field("th")).list.join(" | "),
        _reason_en=pl.col("_issues").list.eval(pl.element().struct.field("en")).list.join(" | "),
    ).drop("_checks", "_issues")
    return supersede(decided, contract)


def supersede(frame: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Mark all but the latest good row per key as superseded, naming the row that replaced it."""
    order = [*contract.order_by, "_arrival_seq", "_sheet", "_row"]
    live = frame.filter(pl.col("_outcome") != "quarantined")
    winners = (
        live.sort(order, nulls_last=False)
        .group_by(list(contract.key), maintain_order=True)
        .agg(
            pl.col("_row_id").last().alias("_winner"),
            pl.format("{} ({} แถว {})", pl.col("_source_file"), pl.col("_sheet"), pl.col("_row")).last().alias("_winner_at"),
        )
    )
    out = frame.join(winners, on=list(contract.key), how="left", nulls_equal=False)
    loses = (pl.col("_outcome") != "quarantined") & pl.col("_winner").is_not_null() & (pl.col("_winner") != pl.col("_row_id"))
    return out.with_columns(
        _outcome=pl.when(loses).then(pl.lit("superseded")).otherwise(pl.col("_outcome")),
        _superseded_by=pl.when(loses).then(pl.col("_winner_at")).otherwise(None),
    ).drop("_winner", "_winner_at")


def rule_counts(decided: pl.DataFrame, rule_ids: list[str]) -> dict[str, int]:
    """Rows breaking each rule (a row counts once per rule however many items fail)."""
    counts = decided.select(pl.col("_rule_ids").explode().drop_nulls().value_counts()).unnest("_rule_ids")
    got = dict(zip(counts.get_column("_rule_ids").to_list(), counts.get_column("count").to_list()))
    return {r: int(got.get(r, 0)) for r in rule_ids}
