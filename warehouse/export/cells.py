"""How values look in an export: Thai formatting, formula neutralising, Excel sheet names."""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from pipelines.parsing.cells import BE_OFFSET
from warehouse.contracts import Contract, lists

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in a sheet name

# OWASP "CSV Injection": a text cell whose first character is one of these is run as a formula (or DDE
# command) by Excel/LibreOffice when the file is opened; a leading single quote makes it plain text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_RE = r"^[=+\-@\t\r]"
FORMULA_RULE_TH = (
    "ข้อความที่ขึ้นต้นด้วย = + - @ แท็บ หรือ CR (carriage return) ถูกเติมเครื่องหมาย ' ข้างหน้า "
    "เพื่อไม่ให้ Excel ตีความเป็นสูตรหรือคำสั่ง (แนวทาง OWASP CSV Injection) — เฉพาะช่องข้อความ "
    "ช่องตัวเลขไม่ถูกแก้ไข ไฟล์ CSV และ XLSX มีค่าเดียวกัน"
)
FORMULA_RULE_EN = (
    "text cells starting with =, +, -, @, tab or carriage return are prefixed with a single quote so that "
    "Excel does not run them as formulas or commands (OWASP CSV Injection); text cells only, number "
    "cells are unchanged; the CSV and the XLSX carry the same values"
)


def formatted(rows: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Public columns in contract order, as Thai readers expect them, under their Thai headers."""
    exprs = []
    for col in contract.public_columns:
        c = pl.col(col.name)
        if col.type == "date":
            c = pl.format("{}/{}", c.dt.strftime("%d/%m"), c.dt.year() + BE_OFFSET)
        elif col.type == "bool":
            c = pl.when(c).then(pl.lit("ใช่")).when(c.not_()).then(pl.lit("ไม่ใช่"))
        elif col.type == "enum" and col.list:
            labels = {i.key: i.th for i in lists()[col.list]}
            c = c.replace_strict(labels, default=c, return_dtype=pl.String)
        exprs.append(c.alias(col.header_th))
    return rows.select(exprs)


def neutralised(table: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int]]:
    """`table` with every formula-like text cell prefixed by `'`, and how many cells per column.

    Only text columns are touched: a number column (negative numbers included) stays numbers.
    """
    text = [n for n, t in table.schema.items() if t in (pl.String, pl.Categorical) or isinstance(t, pl.Enum)]
    if not text:
        return table, {}
    risky = {n: pl.col(n).cast(pl.String).str.contains(_FORMULA_RE).fill_null(False) for n in text}
    counts = table.select(**{n: r.sum() for n, r in risky.items()}).row(0, named=True)
    touched = {n: int(k) for n, k in counts.items() if k}
    out = table.with_columns(
        pl.when(risky[n]).then(pl.lit("'") + pl.col(n).cast(pl.String)).otherwise(pl.col(n).cast(pl.String))
        .alias(n)
        for n in touched
    )
    return out, touched


def sheet_name(title: str) -> str:
    """Excel allows 31 characters and no []:*?/\\ — cut at a word break, never inside a Thai cluster."""
    name = _SHEET_FORBIDDEN.sub("-", title).strip("' ")
    if len(name) <= 31:
        return name
    head = name[:31]
    brk = max(head.rfind(" "), head.rfind("-"))
    if brk >= 16:
        return head[:brk].strip()
    cut = 31
    while cut > 0 and unicodedata.category(name[cut]) in ("Mn", "Mc"):  # a mark belongs to the char before
        cut -= 1
    return name[:cut]


def width(text: str) -> int:
    """Display width: Thai vowel and tone marks sit above/below their consonant and take no width."""
    return sum(unicodedata.category(ch) not in ("Mn", "Me", "Cf") for ch in text)
