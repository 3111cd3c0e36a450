"""xlsxwriter primitives: a workbook with fixed properties, the formats an officer uses, typed cell writes.

The fixed "created" property and explicit typed writes (never the type-guessing `write`) are what make a
workbook's bytes depend only on the seed.
"""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import xlsxwriter

from . import names as N
from .cells import Cell

CREATED = datetime(2026, 3, 1, 9, 0, 0)  # workbook "created" property: fixed for byte-identical output


def new_workbook(path: Path, title: str) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook with fixed properties, so the bytes depend only on the seed."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": title, "author": N.AREA, "company": N.AREA, "created": CREATED})
    return wb


class Formats:
    """The few cell formats a district officer would use."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.title = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
        self.header = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                                     "text_wrap": True, "bg_color": "#DDEBF7"})
        self.date = wb.add_format({"num_format": "d/m/yyyy"})
        self.date_th = wb.add_format({"num_format": "[$-th-TH,107]d mmm yy"})


def put_cell(ws, r: int, c: int, cell: Cell, fmt: Formats, rng: random.Random | None = None) -> None:
    """Write one cell with the xlsxwriter call of its type (never the type-guessing `write`)."""
    if cell is None:
        return
    kind, v = cell
    if kind == "n":
        ws.write_number(r, c, v)
    elif kind == "s":
        ws.write_string(r, c, v)
    else:
        style = fmt.date_th if rng is not None and rng.random() < 0.3 else fmt.date
        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), style)


def data_rows(start: int, n: int, blanks: bool) -> list[int]:
    """Sheet row numbers for n data rows, skipping a blank row after the first and second third."""
    gaps = {n // 3, 2 * n // 3} if blanks and n >= 9 else set()
    out, r = [], start
    for i in range(n):
        if i in gaps:
            r += 1
        out.append(r)
        r += 1
    return out
