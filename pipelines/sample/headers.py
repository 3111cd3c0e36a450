"""Headers: a column's or item's Thai name from the contract, sometimes an alias, sometimes noisy.

Variants are the ones schools really type (Thai and English aliases, outer or doubled spaces, a line break
in the cell, a `จำนวน` prefix), so the header matcher is exercised on every sample.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from warehouse.contracts import Column, ListItem

from .contract import EQUIPMENT, dltv_items, group_columns, table_contract


def _ascii_alias(aliases: tuple[str, ...]) -> str:
    """An English header among the aliases, preferring the spaced form ('school code')."""
    english = [a for a in aliases if a.isascii()]
    return next((a for a in english if " " in a), english[0])


def _noise(text: str, kind: str) -> str:
    """One small spelling variant of a header: outer spaces, a doubled inner space, a `จำนวน` prefix."""
    if kind == "outer":
        return f"  {text} "
    if kind == "inner":
        return text.replace(" ", "  ", 1)
    if kind == "newline":
        return text.replace(" ", "\n", 1)
    if kind == "prefix":
        return text if text.startswith("จำนวน") else "จำนวน" + text
    return text


def header_for(thing: Column | ListItem, rng: random.Random, alias_p: float = 0.0, noise_p: float = 0.0,
               english: bool = False) -> str:
    """A header for a column or item: its Thai name, sometimes a Thai alias, sometimes noisy."""
    if english:
        return _ascii_alias(thing.aliases)
    thai = [a for a in thing.aliases if not a.isascii()]
    text = rng.choice(thai) if thai and rng.random() < alias_p else thing.th
    if rng.random() < noise_p:
        kinds = ["outer"] + (["inner"] if " " in text else [])
        kinds += ["prefix"] if isinstance(thing, Column) and thing.type == "int" else []
        text = _noise(text, rng.choice(kinds))
    return text


@dataclass
class EquipmentHeaders:
    """Header text per plain column, per item (upper merged row) and per (item, sub) (lower row)."""

    columns: dict[str, str]
    items: dict[str, str]
    subs: dict[tuple[str, str], str]


def equipment_headers(rng: random.Random, style: str) -> EquipmentHeaders:
    """Headers of one equipment file in a style: plain, count_prefix, noisy, aliases, english."""
    contract = table_contract(EQUIPMENT)
    english = style == "english"
    alias_p = {"aliases": 1.0, "noisy": 0.2}.get(style, 0.0)
    noise_p = 0.3 if style == "noisy" else 0.0
    columns = {c.name: header_for(c, rng, alias_p, noise_p, english) for c in contract.columns if not c.group}
    items = {i.key: header_for(i, rng, alias_p, noise_p, english) for i in dltv_items()}
    subs = {}
    for (item, sub), col in group_columns().items():
        text = header_for(col.sub, rng, alias_p, 0.0, english)
        subs[(item, sub)] = _noise(text, "prefix") if style == "count_prefix" else text
    if style == "noisy":  # make sure every variant appears in the district-wide workbook
        columns["dltv_classrooms"] = _noise(contract.column("dltv_classrooms").th, "newline")
        columns["school_code"] = _noise(contract.column("school_code").th, "outer")
        lnb = next(i for i in dltv_items() if " " in i.th)
        items[lnb.key] = _noise(lnb.th, "inner")
    return EquipmentHeaders(columns, items, subs)
