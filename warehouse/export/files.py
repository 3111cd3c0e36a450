"""The CSV and XLSX files of an export, both written from one already formatted frame."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import xlsxwriter

from warehouse.export.cells import width


def write_csv(path: Path, table: pl.DataFrame) -> None:
    # BOM: Excel then reads UTF-8 Thai. Fields holding a comma, quote or line break are quoted (RFC 4180).
    table.write_csv(path, include_bom=True, line_terminator="\r\n")


def write_xlsx(path: Path, table: pl.DataFrame, sheet: str, title: str, created: datetime) -> None:
    """Text cells are written as strings (never formulas), numbers as numbers."""
    # in_memory: zip entries get xlsxwriter's fixed 1980-01-01 timestamp instead of temp files' mtimes;
    # `created` (also used as modified) replaces the current time in docProps/core.xml.
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    try:
        wb.set_properties({"title": title, "created": created})
        ws = wb.add_worksheet(sheet)
        header = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        for j, name in enumerate(table.columns):
            ws.write_string(0, j, name, header)
            values = [width(str(v)) for v in table[name].drop_nulls()]
            ws.set_column(j, j, min(max([*values, min(width(name), 20)]) + 2, 50))
        for i, row in enumerate(table.iter_rows(), start=1):
            for j, v in enumerate(row):
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    ws.write_number(i, j, v)
                elif v is not None:
                    ws.write_string(i, j, str(v))
        ws.freeze_panes(1, 0)
    finally:
        wb.close()
