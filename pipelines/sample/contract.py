"""What the contracts say: the only source of the generator's headers, coded lists and rule thresholds.

Everything the sample writes or checks derives from `warehouse.contracts`, read once here; nothing in the
generator retypes a contract header or restates a threshold, so a contract change moves the sample with it.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

from warehouse import contracts
from warehouse.contracts import Column, ListItem

EQUIPMENT, SCHOOLS, ALLOCATION = "dltv_equipment", "schools", "dltv_allocation"


def table_contract(table: str) -> contracts.Contract:
    """A table contract; the only source of headers and rules."""
    return contracts.get(table)


def dltv_items() -> tuple[ListItem, ...]:
    """DLTV items (dish, lnb, receiver, tv) with their Thai names and aliases."""
    return contracts.lists()["dltv_items"]


def item_keys() -> list[str]:
    """Item keys in contract order; column names and allocation keys are built from these."""
    return [i.key for i in dltv_items()]


@cache
def group_columns() -> dict[tuple[str, str], Column]:
    """(item, sub) -> flat count column, as the contract expands the merged two-row header."""
    return {(c.group.key, c.sub.key): c for c in table_contract(EQUIPMENT).columns if c.group and c.sub}


def count_column(item: str, sub: str) -> str:
    """Flat column name of one item's sub-column, e.g. ('tv', 'broken') -> 'tv_broken'."""
    return group_columns()[(item, sub)].name


def _between(table: str, rule_id: str) -> list[dict[str, Any]]:
    """The `be_between` expectations of a rule, so thresholds are read, not restated."""
    return [
        e
        for chk in table_contract(table).checks
        if chk.rule_id == rule_id
        for e in chk.expectations
        if e["type"] == "expect_column_values_to_be_between"
    ]


@cache
def size_bounds() -> list[tuple[str, float, float]]:
    """(size key, min, max) per size class from SCH-04, in the contract's list order."""
    out = []
    for e in _between(SCHOOLS, "SCH-04"):
        m = re.search(r'"(.+)"', e.get("row_condition") or "")
        if m:
            out.append((m.group(1), e.get("min_value", float("-inf")), e.get("max_value", float("inf"))))
    return out


def size_for(students: int) -> str:
    """The size label that matches a student count (SCH-04 holds)."""
    return next(k for k, lo, hi in size_bounds() if lo <= students <= hi)


@cache
def thailand_box() -> dict[str, tuple[float, float]]:
    """SCH-05's lat/lon ranges."""
    return {e["column"]: (e["min_value"], e["max_value"]) for e in _between(SCHOOLS, "SCH-05")}


@cache
def dltv03_limits() -> tuple[dict[str, int], list[str], tuple[int, int]]:
    """DLTV-03 read from the contract: per-school total caps, per-classroom items, classroom range."""
    by_name = {c.name: c for c in group_columns().values()}
    caps, per_room, rooms = {}, [], (0, 99)
    for chk in table_contract(EQUIPMENT).checks:
        if chk.rule_id != "DLTV-03":
            continue
        for e in chk.expectations:
            if e["type"] == "expect_column_values_to_be_between" and e["column"] in by_name:
                caps[by_name[e["column"]].group.key] = e["max_value"]
            elif e["type"] == "expect_column_values_to_be_between":
                rooms = (e["min_value"], e["max_value"])
            elif e["type"] == "expect_column_pair_values_a_to_be_greater_than_b":
                per_room += [k for k in item_keys() if e["column_B"].startswith(k + "_")]
    return caps, per_room, rooms


def severity(rule_id: str) -> str:
    """quarantine or flag, from the parse rules or whichever contract declares the rule."""
    if rule_id in contracts.parse_rules():
        return contracts.parse_rules()[rule_id].severity
    for c in contracts.contracts().values():
        if rule_id in c.rule_ids:
            return c.rule(rule_id).severity
    raise KeyError(rule_id)


def table_rules(table: str) -> list[str]:
    """Every rule a row of this table can break: its contract rules plus the parse-level ones."""
    return table_contract(table).rule_ids + [
        r for r in contracts.parse_rules() if r not in table_contract(table).rule_ids
    ]


def fiscal_year_of(d: date) -> int:
    """Thai fiscal year (BE) of a date: FY 2569 = 1 Oct 2025 - 30 Sep 2026."""
    return d.year + 543 + (1 if d.month >= 10 else 0)
