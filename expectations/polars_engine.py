"""The contracts' expectations evaluated on a Polars frame, with Great Expectations' semantics.

`khlang check` (a school's pre-submission check) must answer in a couple of seconds; importing GX alone
takes ~3 s (and pandas, scipy, sqlalchemy behind it). This engine reads the SAME expectation
configurations the GX suites are generated from (`Contract.checks[*].expectations`, rule ID and check
key from the check, exactly what `expectations.suites.expectation_specs` puts in `meta`) and returns the
failing rows in the shape `expectations.runner.validate(...).failures` has: `_row_id`, `check`,
`rule_id`, one row per (row, failed check). The nightly run keeps GX deciding row outcomes;
`tests/expectations/test_polars_engine.py` pins the two engines to agree row for row.

GX semantics kept (GX 1.x, pandas execution engine):

* `row_condition` (condition_parser `pandas`, a `DataFrame.query` string such as
  `dish_allocated_prev3 > 0` or `size_class == "เล็ก"`) limits the rows looked at, translated for
  `pl.sql_expr`; a comparison with a missing value is False (`!=`: True), as in pandas.
* single-column expectations skip nulls (GX's `filter_column_isnull`).
* `expect_column_values_to_be_between`: min/max (either may be absent, never both), `strict_min`,
  `strict_max`, values given as `{"$PARAMETER": name}` read from `parameters`.
* `expect_column_values_to_be_in_set`: `isin`.
* `expect_column_values_to_match_regex`: the value as text, Python `re.search` (what pandas
  `str.contains` does), evaluated once per distinct value with Python's own `re`, so `\\d`, `$` and
  every other construct mean exactly what they mean to GX.
* `expect_column_pair_values_to_be_equal`, `expect_column_pair_values_a_to_be_greater_than_b`
  (`or_equal`): `ignore_row_if` `both_values_are_missing`, `either_value_is_missing` or `neither`;
  a comparison with a missing value that is not ignored fails, as in pandas.
* `expect_compound_columns_to_be_unique`: every member of a duplicated group fails;
  `ignore_row_if` `all_values_are_missing` (GX's default), `any_value_is_missing` or `never`.

Any other expectation type, keyword or condition syntax raises `UnsupportedExpectation`: a rule this
engine cannot evaluate is never passed silently.

No GX, pandas or Dagster import here.
"""

from __future__ import annotations

import re
import time
from typing import Any

import polars as pl

from expectations.results import ExpectationOutcome, Validation
from warehouse.contracts import Check, Contract

ROW_ID = "_row_id"
FAILURE_SCHEMA = {ROW_ID: pl.Int64, "check": pl.String, "rule_id": pl.String}


class UnsupportedExpectation(ValueError):
    """An expectation (type, keyword, value or row condition) this engine does not evaluate."""


_COMMON = {"type", "row_condition", "condition_parser"}
_ALLOWED = {
    "expect_column_values_to_be_between": {"column", "min_value", "max_value", "strict_min", "strict_max"},
    "expect_column_values_to_be_in_set": {"column", "value_set"},
    "expect_column_values_to_match_regex": {"column", "regex"},
    "expect_column_pair_values_to_be_equal": {"column_A", "column_B", "ignore_row_if"},
    "expect_column_pair_values_a_to_be_greater_than_b": {"column_A", "column_B", "ignore_row_if", "or_equal"},
    "expect_compound_columns_to_be_unique": {"column_list", "ignore_row_if"},
}
SUPPORTED = tuple(_ALLOWED)

# pandas `DataFrame.query` conditions as written in the contracts, token by token.
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>"[^"\\]*"|'[^'\\]*')
      | (?P<num>\d+(?:\.\d+)?)
      | (?P<op>==|!=|<=|>=|<|>|&|\||~|\(|\))
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_CMP = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_LOGIC = {"&": "AND", "|": "OR", "~": "NOT", "and": "AND", "or": "OR", "not": "NOT", "(": "(", ")": ")"}
_LITERAL = {"True": "TRUE", "False": "FALSE"}


def condition_expr(condition: str, columns: set[str]) -> pl.Expr:
    """A pandas `query` condition as a Polars expression (through `pl.sql_expr`).

    Read: comparisons `operand op operand` (operands: a column, a number, a quoted string, True/False)
    joined by and/or/not and parentheses; anything else (arithmetic, `@variables`, methods, escapes)
    raises rather than being guessed at. pandas compares a missing value as False (`!=`: True) and the
    result is never missing, so `not (x > 0)` keeps a row whose x is missing; each comparison is wrapped
    in COALESCE to say the same in SQL, where a comparison with NULL is NULL.
    """
    tokens, pos = [], 0
    while pos < len(condition):
        if condition[pos:].strip() == "":
            break
        m = _TOKEN.match(condition, pos)
        if m is None:
            raise UnsupportedExpectation(f"row_condition {condition!r}: cannot read it from {condition[pos:]!r}")
        pos = m.end()
        kind = next(k for k in ("str", "num", "op", "word") if m.group(k) is not None)
        text = m.group(kind)
        if kind == "str":
            tokens.append(("operand", "'" + text[1:-1].replace("'", "''") + "'"))
        elif kind == "num":
            tokens.append(("operand", text))
        elif text in _CMP:
            tokens.append(("cmp", text))
        elif text in _LOGIC:
            tokens.append(("logic", _LOGIC[text]))
        elif text in _LITERAL:
            tokens.append(("operand", _LITERAL[text]))
        elif kind == "word" and text in columns:
            tokens.append(("operand", f'"{text}"'))
        else:
            raise UnsupportedExpectation(f"row_condition {condition!r}: {text!r} is not a column of the frame")
    sql, i = [], 0
    while i < len(tokens):
        kind, text = tokens[i]
        if kind == "logic":
            sql.append(text)
            i += 1
            continue
        if kind == "operand" and i + 2 < len(tokens) and tokens[i + 1][0] == "cmp" and tokens[i + 2][0] == "operand":
            op = tokens[i + 1][1]
            sql.append(f"COALESCE(({text} {_CMP[op]} {tokens[i + 2][1]}), {'TRUE' if op == '!=' else 'FALSE'})")
            i += 3
            continue
        raise UnsupportedExpectation(f"row_condition {condition!r}: only comparisons joined by and/or/not are read")
    return pl.sql_expr(" ".join(sql))


def _value(v: Any, parameters: dict[str, Any]) -> Any:
    if isinstance(v, dict):
        if set(v) != {"$PARAMETER"}:
            raise UnsupportedExpectation(f"unsupported value {v!r}")
        name = v["$PARAMETER"]
        if name not in parameters:
            raise UnsupportedExpectation(f"parameter {name!r} is not given (have {sorted(parameters)})")
        return parameters[name]
    return v


def _between(e: dict, frame: pl.DataFrame, parameters: dict[str, Any]) -> pl.Expr:
    col = e["column"]
    lo, hi = _value(e.get("min_value"), parameters), _value(e.get("max_value"), parameters)
    if lo is None and hi is None:
        raise UnsupportedExpectation(f"{col}: min_value and max_value cannot both be None")
    if lo is not None and hi is not None and lo > hi:
        raise UnsupportedExpectation(f"{col}: min_value cannot be greater than max_value")
    dtype = frame.schema[col]
    if not (dtype.is_numeric() or dtype.is_temporal()):
        raise UnsupportedExpectation(f"{col}: between on a {dtype} column (numbers and dates only)")
    c = pl.col(col)
    ok = pl.lit(True)
    if lo is not None:
        ok = ok & ((c > lo) if e.get("strict_min") else (c >= lo))
    if hi is not None:
        ok = ok & ((c < hi) if e.get("strict_max") else (c <= hi))
    return ok


def _regex(e: dict, frame: pl.DataFrame) -> pl.Expr:
    """`str(value)` searched with Python's `re`, once per distinct value (GX: `astype(str).str.contains`)."""
    col = e["column"]
    if frame.schema[col] != pl.String:
        raise UnsupportedExpectation(f"{col}: match_regex on a {frame.schema[col]} column (text only)")
    pattern = re.compile(e["regex"])
    values = frame.get_column(col).drop_nulls().unique().to_list()
    matched = [v for v in values if pattern.search(v) is not None]
    return pl.col(col).is_in(pl.Series(matched, dtype=pl.String))


def _ignore_pair(e: dict) -> pl.Expr:
    a, b = pl.col(e["column_A"]).is_null(), pl.col(e["column_B"]).is_null()
    how = e.get("ignore_row_if", "both_values_are_missing")
    if how == "both_values_are_missing":
        return a & b
    if how == "either_value_is_missing":
        return a | b
    if how == "neither":
        return pl.lit(False)
    raise UnsupportedExpectation(f"unrecognised ignore_row_if {how!r} for a column pair")


def _ignore_list(e: dict) -> pl.Expr:
    nulls = [pl.col(c).is_null() for c in e["column_list"]]
    how = e.get("ignore_row_if", "all_values_are_missing")
    if how == "all_values_are_missing":
        return pl.all_horizontal(nulls)
    if how == "any_value_is_missing":
        return pl.any_horizontal(nulls)
    if how == "never":
        return pl.lit(False)
    raise UnsupportedExpectation(f"unrecognised ignore_row_if {how!r} for a column list")


def failing_rows(frame: pl.DataFrame, e: dict, parameters: dict[str, Any]) -> pl.Series:
    """`_row_id` of every row of `frame` that breaks expectation `e` (a contract expectation dict)."""
    kind = e.get("type")
    if kind not in _ALLOWED:
        raise UnsupportedExpectation(f"expectation type {kind!r} is not evaluated by the Polars engine "
                                     f"(supported: {', '.join(SUPPORTED)})")
    unknown = set(e) - _ALLOWED[kind] - _COMMON
    if unknown:
        raise UnsupportedExpectation(f"{kind}: keyword(s) {sorted(unknown)} not evaluated by the Polars engine")
    named = [e[k] for k in ("column", "column_A", "column_B") if k in e] + list(e.get("column_list", []))
    missing = [c for c in named if c not in frame.columns]
    if missing:
        raise UnsupportedExpectation(f"{kind}: column(s) {missing} not in the frame")
    domain = frame
    if e.get("row_condition") is not None:
        if e.get("condition_parser", "pandas") != "pandas" or not isinstance(e["row_condition"], str):
            raise UnsupportedExpectation(f"{kind}: only pandas row conditions written as text are evaluated")
        domain = domain.filter(condition_expr(e["row_condition"], set(frame.columns)))
    if kind.startswith("expect_column_values_"):
        domain = domain.filter(pl.col(e["column"]).is_not_null())
        if kind == "expect_column_values_to_be_between":
            ok = _between(e, frame, parameters)
        elif kind == "expect_column_values_to_be_in_set":
            ok = pl.col(e["column"]).is_in(pl.Series(list(e["value_set"])).cast(frame.schema[e["column"]], strict=False))
        else:
            ok = _regex(e, domain)
    elif kind.startswith("expect_column_pair_"):
        domain = domain.filter(~_ignore_pair(e))
        a, b = pl.col(e["column_A"]), pl.col(e["column_B"])
        if kind == "expect_column_pair_values_to_be_equal":
            ok = a == b
        else:
            ok = (a >= b) if e.get("or_equal") else (a > b)
    else:  # expect_compound_columns_to_be_unique
        domain = domain.filter(~_ignore_list(e))
        ok = ~pl.struct(e["column_list"]).is_duplicated()
    # A comparison with a missing value is null: pandas answers False, so the row fails.
    return domain.filter(~ok.fill_null(False)).get_column(ROW_ID).cast(pl.Int64)


def _columns_of(e: dict) -> str:
    cols = [e[k] for k in ("column", "column_A", "column_B") if k in e] + list(e.get("column_list", []))
    return ", ".join(c for c in cols if not c.startswith("_"))


def validate(frame: pl.DataFrame, contract: Contract, parameters: dict[str, Any]) -> Validation:
    """Every expectation of the contract on `frame` (which must hold `_row_id`), in rule order."""
    started = time.perf_counter()
    if ROW_ID not in frame.columns:
        raise ValueError(f"the frame must hold {ROW_ID}")
    parts, outcomes = [], []
    check: Check
    for check in contract.checks:
        for e in check.expectations:
            ids = failing_rows(frame, e, parameters).unique()
            if ids.len():
                parts.append(ids.to_frame().with_columns(check=pl.lit(check.key), rule_id=pl.lit(check.rule_id)))
            outcomes.append(ExpectationOutcome(
                rule_id=check.rule_id, check=check.key, severity=check.severity, expectation=e["type"],
                columns=_columns_of(e), success=ids.len() == 0, element_count=frame.height,
                unexpected_count=ids.len(),
            ))
    failures = pl.concat(parts).unique() if parts else pl.DataFrame(schema=FAILURE_SCHEMA)
    return Validation(contract.table, failures.cast(FAILURE_SCHEMA), outcomes, None, time.perf_counter() - started)
