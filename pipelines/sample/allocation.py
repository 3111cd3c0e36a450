"""The 2568 DLTV allocation register: what schools were given (it feeds DLTV-05), and its workbook.

Three allocated schools are the DLTV-05 targets: their 2569 survey rows ask to replace exactly the items
allocated to them. No other survey row may ask to replace an allocated item, so DLTV-05 is hit only where
it is meant to be.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from warehouse import contracts

from . import names as N
from .cells import code_cell
from .contract import ALLOCATION, EQUIPMENT, dltv_items, item_keys, table_contract
from .headers import header_for
from .register import Codes, School, fake_school_name
from .workbook import Formats, data_rows, new_workbook, put_cell

PRICE_RANGES = {"dish": (2500, 3500), "lnb": (400, 600), "receiver": (1500, 2500), "tv": (8000, 12000)}


@dataclass(eq=False)
class Alloc:
    """One allocation row: school, item, quantity, unit price, funding source."""

    school: School | None
    code: str
    item: str  # an item key, or the Thai name of something that is not a DLTV item (ALLOC-01)
    quantity: int
    price: float
    source: str
    fiscal_year: int = 2568
    qty_dash: bool = False  # quantity written "-" (means zero)
    intended: frozenset[str] = frozenset()


def plan_allocations(rng: random.Random, schools: list[School], codes: Codes):
    """Valid 2568 allocations (feeding DLTV-05), three DLTV-05 targets, and the broken rows.

    Returns (rows, targets) where targets is [(school, [item, ...])] whose 2569 rows will request a
    replacement of exactly the allocated items.
    """
    keys = item_keys()
    assert set(PRICE_RANGES) == set(keys), "unit price ranges must cover the contract's DLTV items"
    pool = [s for s in schools if s.eligible and not s.intended]
    k = max(10, len(pool) // 10)
    chosen = rng.sample(pool, k + 5)
    targets = [(chosen[0], rng.sample(keys, 2)), (chosen[1], [rng.choice(keys)]), (chosen[2], [rng.choice(keys)])]
    plan = targets + [(s, rng.sample(keys, rng.choice((1, 1, 2)))) for s in chosen[3:k]]
    sources = [s.key for s in contracts.lists()["allocation_sources"]]

    def row(school: School | None, code: str, item: str, rule: str | None = None, **kw) -> Alloc:
        qty = 1 if item == "dish" else rng.randint(1, 3)
        price = _unit_price(rng, item if item in PRICE_RANGES else "tv")  # a projector costs like a TV
        source = sources[0] if rng.random() < 0.8 else sources[1]
        return Alloc(school, code, item, qty, price, source, intended=frozenset({rule} if rule else ()), **kw)

    rows = [row(s, s.code, item) for s, items in sorted(plan, key=lambda p: p[0].code) for item in items]
    faulty = chosen[k:k + 5]
    zero_qty, zero_price, dash_qty = (row(s, s.code, rng.choice(keys), "ALLOC-02") for s in faulty[2:5])
    zero_qty.quantity = dash_qty.quantity = 0
    zero_price.price = 0.0
    dash_qty.qty_dash = True  # quantity written "-", which means zero
    broken = [
        row(None, codes.code(), rng.choice(keys), "REF-01"),
        row(None, codes.code(), rng.choice(keys), "REF-01"),
        row(faulty[0], faulty[0].code, N.NOT_DLTV_ITEMS[0], "ALLOC-01"),
        row(faulty[1], faulty[1].code, N.NOT_DLTV_ITEMS[1], "ALLOC-01"),
        zero_qty, zero_price, dash_qty,
    ]
    for r in broken:
        rows.insert(rng.randint(1, len(rows) - 1), r)
    return rows, targets


def _unit_price(rng: random.Random, item: str) -> float:
    """Realistic latest unit price in baht, rounded to 10 baht."""
    lo, hi = PRICE_RANGES[item]
    return float(round(rng.uniform(lo, hi) / 10) * 10)


def write_allocation(path: Path, rows: list[Alloc], rng: random.Random) -> None:
    """บัญชีจัดสรร 2568: one-row header with a running number, a school name and a computed total."""
    contract = table_contract(ALLOCATION)
    items = {i.key: i for i in dltv_items()}
    sources = {s.key: s for s in contracts.lists()["allocation_sources"]}
    name_header = table_contract(EQUIPMENT).column("school_name").th  # not an allocation column: ignored
    layout = ["ที่", "fiscal_year", "school_code", name_header, "item", "quantity", "unit_price_baht",
              "รวมเงิน (บาท)", "source"]
    known = {c.name: c for c in contract.columns}
    wb = new_workbook(path, contract.th)
    fmt = Formats(wb)
    ws = wb.add_worksheet("จัดสรร 2568")
    fy_th = contract.column("fiscal_year").th
    ws.merge_range(0, 0, 0, len(layout) - 1, f"{contract.th} DLTV {fy_th} 2568", fmt.title)
    ws.write_string(1, 0, N.AREA)
    for c, name in enumerate(layout):
        ws.write_string(3, c, header_for(known[name], rng, alias_p=0.3) if name in known else name, fmt.header)
    positions = data_rows(4, len(rows), blanks=len(rows) > 30)
    for i, (r, a) in enumerate(zip(positions, rows)):
        item = items.get(a.item)
        item_text = a.item if item is None else (
            rng.choice([x for x in item.aliases if not x.isascii()]) if rng.random() < 0.3 else item.th)
        source = sources[a.source]
        cells = {
            "ที่": ("n", i + 1),
            "fiscal_year": ("n", a.fiscal_year),
            "school_code": code_cell(a.code, rng, 0.5),
            name_header: ("s", a.school.name if a.school else fake_school_name(rng)),
            "item": ("s", item_text),
            "quantity": ("s", "-") if a.qty_dash else ("n", a.quantity),
            "unit_price_baht": ("n", a.price) if rng.random() < 0.7 else ("s", f"{a.price:,.2f}"),
            "รวมเงิน (บาท)": ("n", a.quantity * a.price),
            "source": ("s", source.th if rng.random() < 0.8 else rng.choice(source.aliases)),
        }
        for c, name in enumerate(layout):
            put_cell(ws, r, c, cells[name], fmt)
    ws.write_string(positions[-1] + 2, 0, "หมายเหตุ ราคาต่อหน่วยรวมภาษีมูลค่าเพิ่มแล้ว")
    wb.close()
